import Foundation
import Testing
import TuneTestSupport

/// What a trial receives: argv (its own arguments, then one --name=value per parameter), its
/// environment, and its working directory.
@Suite("End to end: the trial protocol", .limitedParallelism)
struct ProtocolTests {
    /// Writes argv (one per line) to args.txt and the protocol's variables to env.txt in the trial folder.
    static let recorder = """
        for a in "$@"; do printf '%s\\n' "$a"; done > "$TUNE_TRIAL_DIR/args.txt"
        {
          printf 'TUNE_JOB_ID=%s\\n' "$TUNE_JOB_ID"
          printf 'TUNE_TRIAL_ID=%s\\n' "$TUNE_TRIAL_ID"
          printf 'TUNE_TRIAL_DIR=%s\\n' "$TUNE_TRIAL_DIR"
          printf 'CLOUD_ML_HP_METRIC_FILE=%s\\n' "$CLOUD_ML_HP_METRIC_FILE"
          printf 'CLOUD_ML_TRIAL_ID=%s\\n' "$CLOUD_ML_TRIAL_ID"
          printf 'TF_CONFIG=%s\\n' "$TF_CONFIG"
          printf 'PWD=%s\\n' "$(pwd -P)"
        } > "$TUNE_TRIAL_DIR/env.txt"
        echo acc=0.5
        """

    static let params = """
          - parameterName: lr
            type: DOUBLE
            minValue: 0.0001
            maxValue: 0.1
            scaleType: UNIT_LOG_SCALE
          - parameterName: layers
            type: INTEGER
            minValue: 1
            maxValue: 6
          - parameterName: activation
            type: CATEGORICAL
            categoricalValues: [relu, tanh, sigmoid]
          - parameterName: batch
            type: DISCRETE
            discreteValues: [1e-3, 2.50, 32, 64]
          - parameterName: units
            type: DISCRETE
            discreteValues: [32]
        """

    static func environment(_ text: String) -> [String: String] {
        var env: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            env[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return env
    }

    @Test func argumentsEnvironmentAndWorkingDirectory() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("script.sh", Self.recorder)
        try sandbox.write("c.yml", config(maxTrials: 4, parallel: 2, extra: "seed: 3", params: Self.params))
        let run = try await sandbox.tune(["run", "./script.sh", "--epochs", "5", "--config", "c.yml", "--job", "proto"])
        try #require(run.status == 0, "\(run)")

        let trialsDir = sandbox.path(".tune/proto/trials")
        #expect(sandbox.list(trialsDir) == ["1", "2", "3", "4"])
        for id in 1...4 {
            let folder = trialsDir + "/\(id)"
            let args = try #require(sandbox.read(folder + "/args.txt"), "trial \(id) wrote its args")
                .split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
            // The trial's own arguments first, in order, then one flag per parameter in config order.
            try #require(args.count == 7, "trial \(id): \(args)")
            #expect(Array(args[0..<2]) == ["--epochs", "5"])
            let names = args[2...].map { $0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? "" }
            #expect(names == ["--lr", "--layers", "--activation", "--batch", "--units"], "trial \(id): \(args)")
            let values = args[2...].map { $0.split(separator: "=", maxSplits: 1).dropFirst().first.map(String.init) ?? "" }
            let lr = try #require(Double(values[0]), "DOUBLE text parses: \(values[0])")
            #expect(lr >= 0.0001 && lr <= 0.1, "lr within bounds: \(lr)")
            let layers = try #require(Int(values[1]), "INTEGER is integral text: \(values[1])")
            #expect((1...6).contains(layers))
            #expect(["relu", "tanh", "sigmoid"].contains(values[2]))
            #expect(["1e-3", "2.50", "32", "64"].contains(values[3]), "DISCRETE as written in the config: \(values[3])")
            #expect(values[4] == "32", "DISCRETE as written in the config, not 32.0: \(values[4])")

            let env = Self.environment(try #require(sandbox.read(folder + "/env.txt")))
            #expect(env["TUNE_JOB_ID"] == "proto")
            #expect(env["TUNE_TRIAL_ID"] == "\(id)")
            #expect(env["CLOUD_ML_TRIAL_ID"] == "\(id)")
            let trialDir = try #require(env["TUNE_TRIAL_DIR"])
            #expect(trialDir.hasPrefix("/"), "absolute: \(trialDir)")
            #expect(
                URL(fileURLWithPath: trialDir).resolvingSymlinksInPath().path
                    == URL(fileURLWithPath: folder).resolvingSymlinksInPath().path)
            let metricFile = try #require(env["CLOUD_ML_HP_METRIC_FILE"])
            #expect(metricFile.hasPrefix(trialDir + "/"), "metric file inside the trial folder: \(metricFile)")
            let tfConfig = try #require(env["TF_CONFIG"])
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(tfConfig.utf8)) as? [String: Any], "\(tfConfig)")
            let task = try #require(parsed["task"] as? [String: Any], "\(tfConfig)")
            #expect(task["trial"] as? String == "\(id)", "TF_CONFIG task.trial: \(tfConfig)")
            #expect(env["PWD"] == sandbox.dir.path, "trials run where tune was started")
        }
    }

    @Test func doubleDashPassesTunesOwnOptionsToTheTrial() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("script.sh", Self.recorder)
        try sandbox.write("c.yml", config(maxTrials: 1))
        let run = try await sandbox.tune(["run", "--config", "c.yml", "--job", "dash", "--", "./script.sh", "--config", "other", "-v"])
        try #require(run.status == 0, "\(run)")
        let args = try #require(sandbox.read(".tune/dash/trials/1/args.txt")).split(separator: "\n").map(String.init)
        try #require(args.count == 4, "\(args)")
        #expect(Array(args[0..<3]) == ["--config", "other", "-v"])
        #expect(args[3].hasPrefix("--x="))
    }
}
