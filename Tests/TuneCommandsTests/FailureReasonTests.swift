import Foundation
import Testing
import TuneTestSupport

/// Whether python-fire can be imported here (.ci/run installs it).
let fireInstalled = python3Imports("fire")

/// A failed trial's reason quotes the stderr line that explains the failure, and the summary
/// groups failures that are the same.
@Suite("End to end: failure reasons", .limitedParallelism)
struct FailureReasonTests {
    /// One failing trial of `command` (a script in the sandbox); its failure reason.
    static func reason(_ sandbox: Sandbox, _ command: [String]) async throws -> String {
        try sandbox.write(
            "c.yml",
            config(
                maxTrials: 1,
                params: """
                      - parameterName: lr
                        type: DOUBLE
                        minValue: 0.01
                        maxValue: 0.1
                    """))
        let run = try await sandbox.tune(command + ["--config", "c.yml", "--job", "f"])
        #expect(run.status == 1, "\(run)")
        let trials = try await trialsJSON(sandbox, "f")
        return try #require(trials.first?["failureReason"] as? String, "\(trials)")
    }

    @Test func fireErrorNotItsHelpPointer() async throws {
        // What python-fire 0.7 prints when a required argument is missing, byte for byte.
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            cat >&2 <<'END'
            ERROR: The function received no value for the required argument: job_dir
            Usage: train.py JOB_DIR <flags>
              optional flags:        --lr | --epochs

            For detailed information on this command, run:
              train.py --help
            END
            exit 2
            """)
        let reason = try await Self.reason(sandbox, ["./train.sh"])
        #expect(reason == "exited with code 2: ERROR: The function received no value for the required argument: job_dir", "\(reason)")
    }

    @Test func argparseErrorIsItsLastLine() async throws {
        let sandbox = try Sandbox()
        try sandbox.write(
            "train.py",
            """
            import argparse
            parser = argparse.ArgumentParser()
            parser.add_argument("--job-dir", required=True)
            parser.add_argument("--lr", type=float)
            parser.parse_args()
            """)
        let reason = try await Self.reason(sandbox, ["python3", "train.py"])
        #expect(reason == "exited with code 2: train.py: error: the following arguments are required: --job-dir", "\(reason)")
    }

    /// In CI (.ci/run sets TUNE_CI=1 and installs fire) the real package must be there.
    @Test(
        .enabled(
            if: fireInstalled || ProcessInfo.processInfo.environment["TUNE_CI"] == "1",
            "needs python-fire (`pip install fire`; .ci/run installs it)"))
    func realFireScript() async throws {
        let sandbox = try Sandbox()
        try sandbox.write(
            "train.py",
            """
            import fire

            def train(job_dir, lr=0.1, epochs=3):
                print("acc=0.5")

            if __name__ == "__main__":
                fire.Fire(train)
            """)
        // tune gives --lr=…, but not the positional job_dir.
        let reason = try await Self.reason(sandbox, ["python3", "train.py"])
        #expect(reason.hasPrefix("exited with code 2: ERROR: The function received no value for the required argument: job_dir"), "\(reason)")
        #expect(!reason.contains("--help"), "\(reason)")
    }

    @Test func failuresDifferingOnlyInASetsOrderAreOneGroup() async throws {
        let sandbox = try Sandbox()
        // Python prints a set in an order that changes from run to run: trial 2 gets the other one.
        try sandbox.script(
            "train.sh",
            """
            if [ "$TUNE_TRIAL_ID" = 2 ]; then
              echo "RuntimeError: unexpected keys {'head.bias', 'head.weight'} and {'x': 1, 'y': 2}" >&2
            else
              echo "RuntimeError: unexpected keys {'head.weight', 'head.bias'} and {'y': 2, 'x': 1}" >&2
            fi
            exit 1
            """)
        try sandbox.write("c.yml", config(maxTrials: 3))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "sets"])
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stderr.contains(
                """
                Failed trials:
                  3 × exited with code 1: RuntimeError: unexpected keys {'head.weight', 'head.bias'} and {'y': 2, 'x': 1} (trials 1, 2, 3)
                """), "one group, shown as trial 1 printed it: \(run)")
        // Each trial keeps its own text.
        let trials = byId(try await trialsJSON(sandbox, "sets"))
        #expect((trials[2]?["failureReason"] as? String)?.contains("{'head.bias', 'head.weight'}") == true, "\(trials)")
    }
}
