import Foundation
import Testing
import TuneTestSupport

/// Whether the real `cloudml-hypertune` package can be imported here (.ci/run installs it).
let hypertuneInstalled = python3Imports("hypertune")

/// Whether `python3` on PATH can import `module`.
func python3Imports(_ module: String) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import \(module)"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}

/// An unmodified Cloud ML trainer that reports through the real cloudml-hypertune package, as
/// users' scripts do: tune must read what the package writes, while it rewrites its file.
@Suite("End to end: the real cloudml-hypertune package", .limitedParallelism)
struct HypertuneLiveTests {
    @Test(.enabled(if: hypertuneInstalled, "needs `pip install cloudml-hypertune` (.ci/run installs it)"))
    func reportsReachTune() async throws {
        let sandbox = try Sandbox()
        try sandbox.write(
            "train.py",
            """
            import argparse, time
            import hypertune
            parser = argparse.ArgumentParser()
            parser.add_argument("--lr", type=float, required=True)
            args = parser.parse_args()
            hpt = hypertune.HyperTune()
            for step in range(1, 6):
                hpt.report_hyperparameter_tuning_metric(
                    hyperparameter_metric_tag="val_accuracy", metric_value=0.5 + step * 0.05 + args.lr, global_step=step)
                time.sleep(0.05)
            """)
        try sandbox.write(
            "c.yml",
            config(
                maxTrials: 2, tag: "val_accuracy",
                params: """
                      - parameterName: lr
                        type: DOUBLE
                        minValue: 0.001
                        maxValue: 0.01
                        scaleType: UNIT_LOG_SCALE
                    """))
        let run = try await sandbox.tune(["python3", "train.py", "--config", "c.yml", "--job", "hpt"])
        try #require(run.status == 0, "\(run)")
        for trial in try await trialsJSON(sandbox, "hpt") {
            let lr = try #require(Double(hyperparameters(trial)["lr"] ?? ""))
            #expect(trainingStep(trial) == "5", "\(trial)")
            let value = try #require(objective(trial))
            #expect(abs(value - (0.75 + lr)) < 1e-9, "\(trial)")
            // Every report was seen once, in order, with its step.
            let all = (trial["allMetrics"] as? [[String: Any]] ?? []).compactMap { $0["trainingStep"] as? String }
            #expect(all == ["1", "2", "3", "4", "5"], "\(trial)")
        }
    }
}
