import Foundation
import Testing
import TuneTestSupport

/// The bundled example, run as a user would: `tune train.sh --config tuning.yml`, then every reader.
@Suite("End to end: the bundled example", .limitedParallelism)
struct ExampleTests {
    @Test func syntheticExampleRunsListsCollects() async throws {
        let sandbox = try Sandbox()
        let example = TuneBinary.repository.appendingPathComponent("Examples/synthetic")
        let run = try await sandbox.tune([
            example.appendingPathComponent("train.sh").path,
            "--config", example.appendingPathComponent("tuning.yml").path,
        ])
        try #require(run.status == 0, "\(run)")

        let jobs = sandbox.list(".tune")
        try #require(jobs.count == 1, "one job folder in the store: \(jobs)")
        let job = jobs[0]

        // `tune trials latest`: 12 trials, best first (MAXIMIZE: objective never increases down the table).
        let table = try await sandbox.tune(["trials", "latest"])
        try #require(table.status == 0, "\(table)")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 13, "a header and 12 rows: \(table)")
        #expect(lines[0].split(separator: " ").first == "objectiveValue")
        let rows = lines.dropFirst().map { $0.split(separator: " ").map(String.init) }
        let objectives = rows.compactMap { Double($0[0]) }
        #expect(objectives.count == 12, "every row starts with its objective: \(table.stdout)")
        #expect(zip(objectives, objectives.dropFirst()).allSatisfy { $0 >= $1 }, "best first: \(objectives)")
        #expect(rows.allSatisfy { $0.last == "SUCCEEDED" })
        let tableIds = rows.map { $0[$0.count - 2] }
        #expect(Set(tableIds) == Set((1...12).map(String.init)), "each trial once: \(tableIds)")

        let trials = try await trialsJSON(sandbox, "latest")
        let best = try #require(trials.first)
        let bestId = try #require(best["trialId"] as? String)
        #expect(bestId == tableIds.first)

        // `tune collect latest`: the best trial's folder, with the model it saved.
        let collect = try await sandbox.tune(["collect", "latest"])
        try #require(collect.status == 0, "\(collect)")
        let model = try #require(sandbox.read("runs/\(job)-\(bestId)/model.txt"), "collected model: \(collect)")
        let params = hyperparameters(best)
        #expect(model.contains("lr \(params["lr"] ?? "?")\n"))
        #expect(model.contains("layers \(params["layers"] ?? "?")\n"))
        #expect(sandbox.list("runs") == ["\(job)-\(bestId)"])

        let listing = try await sandbox.tune(["jobs"])
        #expect(listing.status == 0)
        let jobLine = listing.stdout.split(separator: "\n").first { $0.hasPrefix(job) }
        #expect(jobLine?.contains("SUCCEEDED") == true, "\(listing)")
        #expect(jobLine?.contains("12/12") == true, "\(listing)")

        let status = try await sandbox.tune(["status", "latest"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("SUCCEEDED"), "\(status)")
        #expect(status.stdout.contains(job))
    }

    /// The same job in Vertex AI's shape: its defaultValues are trial 1, gcloud's flags win over the file.
    @Test func syntheticVertexExampleStartsFromItsDefaults() async throws {
        let sandbox = try Sandbox()
        let example = TuneBinary.repository.appendingPathComponent("Examples/synthetic")
        let run = try await sandbox.tune([
            example.appendingPathComponent("train.sh").path,
            "--config", example.appendingPathComponent("vertex.yaml").path, "--max-trial-count", "6",
        ])
        try #require(run.status == 0, "\(run)")
        let trials = try await trialsJSON(sandbox, "latest")
        #expect(trials.count == 6, "--max-trial-count 6 wins over maxTrialCount 12")
        #expect(trials.allSatisfy { $0["state"] as? String == "SUCCEEDED" })
        let first = try #require(trials.first { $0["trialId"] as? String == "1" })
        #expect(hyperparameters(first) == ["lr": "0.001", "layers": "2", "activation": "tanh", "batch_size": "128"])
    }

    @Test func hyperbandExampleContinuesFromCheckpoints() async throws {
        let sandbox = try Sandbox()
        let example = TuneBinary.repository.appendingPathComponent("Examples/hyperband")
        let run = try await sandbox.tune(
            [
                "run", "python3", example.appendingPathComponent("train.py").path, "--epoch_seconds", "0",
                "--config", example.appendingPathComponent("tuning.yml").path, "--job", "hb", "-q",
            ], timeout: 120)
        try #require(run.status == 0, "\(run)")
        let trials = try await trialsJSON(sandbox, "hb")
        #expect(trials.count == 40)
        let best = try #require(trials.first)
        #expect(best["budget"] as? Int == 27, "the best at the full budget: \(best)")
        #expect((objective(best) ?? 1) < 0.05, "SGD found the regression: \(best)")
        // Promoted runs went on from their configuration's checkpoint.
        let promoted = trials.filter { ($0["rung"] as? Int ?? 0) > 0 }
        let resumed = promoted.filter { trial in
            let id = trial["trialId"] as? String ?? ""
            return sandbox.read(".tune/hb/trials/\(id)/stderr.log")?.contains("resuming from the checkpoint") == true
        }
        #expect(!promoted.isEmpty && !resumed.isEmpty, "\(resumed.count) of \(promoted.count) promoted runs resumed")
    }
}
