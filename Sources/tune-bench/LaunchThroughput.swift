import Foundation

/// Trial launch throughput: wall time for `tune` to run N trivial trials (a bash script using
/// builtins only, as shared/bench/trivial_trial.sh) at P at a time, against `xargs -P P` running
/// the same script over the same N inputs in the same run — the floor for any runner that starts
/// every trial as a subprocess. Best of `repeats` runs each.
enum LaunchThroughput {
    static let trialScript = """
        #!/usr/bin/env bash
        x=""
        for arg in "$@"; do case "$arg" in --x=*) x="${arg#--x=}" ;; esac; done
        echo "metric=$x"
        """

    static func run(tune: String, trials: Int, parallel: [Int], repeats: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tune-bench-launch-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = folder + "/trial.sh"
        try trialScript.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let inputs = (0..<trials).map { String(format: "%.4f", Double($0) * 10 / Double(trials)) }.joined(separator: "\n") + "\n"
        try inputs.write(toFile: folder + "/inputs.txt", atomically: true, encoding: .utf8)

        print("launch throughput: \(trials) trivial bash trials, best of \(repeats) runs")
        print("P  xargs_s  tune_s  ratio  tune_trials_per_s")
        for p in parallel {
            let config = """
                goal: MINIMIZE
                hyperparameterMetricTag: metric
                maxTrials: \(trials)
                maxParallelTrials: \(p)
                algorithm: RANDOM_SEARCH
                params:
                  - {parameterName: x, type: DOUBLE, minValue: 0, maxValue: 10}
                """
            try config.write(toFile: folder + "/c.yml", atomically: true, encoding: .utf8)
            var xargsBest = Double.infinity
            var tuneBest = Double.infinity
            for r in 0..<repeats {
                xargsBest = min(xargsBest, try time(["/bin/sh", "-c", "xargs -P \(p) -I{} ./trial.sh --x={} < inputs.txt > /dev/null"], in: folder))
                let store = folder + "/store-\(p)-\(r)"
                tuneBest = min(tuneBest, try time([tune, "run", "-q", "./trial.sh", "--config", "c.yml", "--store", store], in: folder))
                try? FileManager.default.removeItem(atPath: store)
            }
            print(String(format: "%-2d %8.3f %7.3f %6.2f %18.0f", p, xargsBest, tuneBest, tuneBest / xargsBest, Double(trials) / tuneBest))
        }
    }

    private static func time(_ arguments: [String], in folder: String) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let start = Date()
        try process.run()
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        guard process.terminationStatus == 0 else {
            throw BenchError("\(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return seconds
    }
}
