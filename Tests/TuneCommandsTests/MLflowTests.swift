import Foundation
import Testing
import TuneTestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The real MLflow tracking server, from the virtual environment .ci/mlflow-env.sh makes.
enum MLflowEnvironment {
    static let bin = TuneBinary.repository.appendingPathComponent(".build-mlflow/bin").path
    static let python = bin + "/python"

    /// Made by .ci/mlflow-env.sh, which stamps it with the requirements once mlflow imports.
    static let installed: Bool = {
        let root = TuneBinary.repository.path
        guard FileManager.default.isExecutableFile(atPath: bin + "/mlflow"),
            let stamp = FileManager.default.contents(atPath: root + "/.build-mlflow/.requirements"),
            let wanted = FileManager.default.contents(atPath: root + "/.ci/mlflow-requirements.txt")
        else { return false }
        return stamp == wanted
    }()

    /// In CI (.ci/run sets TUNE_CI=1 and makes the environment) these tests must run.
    static let runnable = installed || ProcessInfo.processInfo.environment["TUNE_CI"] == "1"
    static let why = "needs the MLflow server in .build-mlflow (bash .ci/mlflow-env.sh makes it)"

    /// Runs the environment's python on `script`; its stdout.
    static func python(_ script: String, _ arguments: [String], timeout: TimeInterval = 120) async throws -> String {
        let folder = try TemporaryFolder("tune-mlflow-py")
        let out = folder.path("out")
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script] + arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = FileHandle.standardError
        try process.run()
        let ended = await process.exited(timeout: timeout)
        if !ended { process.terminate() }
        try #require(ended && process.terminationStatus == 0, "python \(arguments) failed")
        return folder.read("out") ?? ""
    }

    static func freePort() async throws -> Int {
        let text = try await python("import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])", [])
        return try #require(Int(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// The job's experiment as MLflow's own Python client reads it: every run with its status,
    /// tags, params and each metric's whole history.
    static let dumpScript = """
        import json, sys
        from mlflow.tracking import MlflowClient
        client = MlflowClient(tracking_uri=sys.argv[1])
        experiment = client.get_experiment_by_name(sys.argv[2])
        out = {"experiment": None, "runs": []}
        if experiment is not None:
            out["experiment"] = experiment.name
            for run in client.search_runs([experiment.experiment_id], max_results=1000):
                history = {}
                for key in run.data.metrics:
                    points = client.get_metric_history(run.info.run_id, key)
                    history[key] = [[m.step, m.value] for m in sorted(points, key=lambda m: (m.step, m.timestamp))]
                out["runs"].append({"id": run.info.run_id, "name": run.info.run_name, "status": run.info.status,
                                    "tags": run.data.tags, "params": run.data.params, "history": history})
        print(json.dumps(out))
        """

    struct Run {
        var id: String
        var name: String
        var status: String
        var tags: [String: String]
        var params: [String: String]
        /// Metric key → [(step, value)] in step order.
        var history: [String: [[Double]]]
    }

    static func runs(_ uri: String, experiment: String) async throws -> (experiment: String?, runs: [Run]) {
        let text = try await python(dumpScript, [uri, experiment])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
        let runs = (object["runs"] as? [[String: Any]] ?? []).map { run in
            Run(
                id: run["id"] as? String ?? "", name: run["name"] as? String ?? "", status: run["status"] as? String ?? "",
                tags: run["tags"] as? [String: String] ?? [:], params: run["params"] as? [String: String] ?? [:],
                history: (run["history"] as? [String: [[Double]]]) ?? [:])
        }
        return (object["experiment"] as? String, runs)
    }
}

/// `mlflow server` on a free local port with its own SQLite store, in a process group of its own
/// so that stopping it stops its workers too.
final class MLflowServer: @unchecked Sendable {
    let folder: String
    let port: Int
    let process: Process
    var uri: String { "http://127.0.0.1:\(port)" }

    /// Starts the server on `folder`'s store (made if new) and waits until it answers /health.
    init(folder: String) async throws {
        self.folder = folder
        port = try await MLflowEnvironment.freePort()
        let log = folder + "/server-\(port).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: MLflowEnvironment.python)
        process.arguments = [
            "-c", "import os, sys; os.setpgid(0, 0); os.execv(sys.argv[1], sys.argv[1:])", MLflowEnvironment.bin + "/mlflow", "server",
            "--host", "127.0.0.1", "--port", String(port), "--workers", "1",
            "--backend-store-uri", "sqlite:///\(folder)/mlflow.db", "--default-artifact-root", folder + "/artifacts",
        ]
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline {
            if await Self.healthy(port) { return }
            if !process.isRunning { break }
            try await Task.sleep(nanoseconds: 250_000_000)
        }
        stop()
        let said = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        Issue.record("mlflow server did not come up on port \(port): \(said.suffix(3000))")
        throw CancellationError()
    }

    static func healthy(_ port: Int) async -> Bool {
        guard let url = URL(string: "http://127.0.0.1:\(port)/health") else { return false }
        var request = URLRequest(url: url)
        request.timeoutInterval = 2
        guard let (_, response) = try? await URLSession.shared.data(for: request) else { return false }
        return (response as? HTTPURLResponse)?.statusCode == 200
    }

    /// SIGKILL to the server and its workers: it goes away as a crashed server would.
    func stop() {
        guard process.processIdentifier > 0 else { return }
        kill(-process.processIdentifier, SIGKILL)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { stop() }
    }
}

/// Jobs logged to a real MLflow tracking server (`mlflow server`), checked through MLflow's own
/// Python client: the experiment, the job's parent run with a child run per trial, params, each
/// metric's history with its steps, statuses and tags; a server that goes away mid-job; and
/// `tune export mlflow` re-syncing without duplicates.
@Suite("End to end: MLflow tracking server", .limitedParallelism, .enabled(if: MLflowEnvironment.runnable, Comment(rawValue: MLflowEnvironment.why)))
struct MLflowTests {
    /// Prints acc and loss at steps 10, 20, 30 (a JSON line each), `pause` seconds apart.
    static func trial(pause: Double = 0) -> String {
        """
        x=${1#--x=}
        for s in 1 2 3; do
          awk -v x="$x" -v s="$s" 'BEGIN { printf "{\\"acc\\": %.4f, \\"loss\\": %.4f, \\"step\\": %d}\\n", x*s/3, 1-x*s/3, s*10 }'
          sleep \(pause)
        done
        """
    }

    static func children(_ runs: [MLflowEnvironment.Run]) -> [MLflowEnvironment.Run] {
        runs.filter { $0.tags["tune.trial"] != nil }.sorted { Int($0.tags["tune.trial"]!)! < Int($1.tags["tune.trial"]!)! }
    }

    /// Every trial is a child run of the job's run, with its values, every reading at its step, its
    /// status and tags; the export of a job already logged adds nothing.
    @Test func aJobIsAParentRunWithAChildRunPerTrial() async throws {
        let store = try TemporaryFolder("tune-mlflow")
        let server = try await MLflowServer(folder: store.path)
        defer { server.stop() }
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", Self.trial())
        try sandbox.write("c.yml", config(maxTrials: 3))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "mlf"], env: ["MLFLOW_TRACKING_URI": server.uri], timeout: 120)
        try #require(run.status == 0, "\(run)")
        #expect(run.stderr.contains("logging to MLflow at \(server.uri)"), "\(run)")
        #expect(!run.stderr.contains("cannot reach"), "\(run)")

        let (experiment, runs) = try await MLflowEnvironment.runs(server.uri, experiment: "mlf")
        #expect(experiment == "mlf")
        try #require(runs.count == 4, "the job's run and 3 trial runs: \(runs.map(\.name))")
        let parent = try #require(runs.first { $0.tags["tune.trial"] == nil })
        #expect(parent.name == "mlf" && parent.status == "FINISHED" && parent.tags["tune.job"] == "mlf", "\(parent)")
        let trials = byId(try await trialsJSON(sandbox, "mlf"))
        let children = Self.children(runs)
        #expect(children.map(\.name) == ["trial-1", "trial-2", "trial-3"])
        for child in children {
            let id = try #require(Int(child.tags["tune.trial"] ?? ""))
            let trial = try #require(trials[id])
            #expect(child.tags["mlflow.parentRunId"] == parent.id, "\(child)")
            #expect(child.status == "FINISHED" && child.tags["tune.state"] == "SUCCEEDED" && child.tags["tune.attempt"] == "1", "\(child)")
            #expect(child.tags["tune.job"] == "mlf" && child.tags["tune.command"] == "./train.sh", "\(child)")
            let x = try #require(hyperparameters(trial)["x"])
            #expect(child.params == ["x": x], "\(child)")
            let value = try #require(Double(x))
            let acc = try #require(child.history["acc"], "\(child)")
            #expect(acc.map { $0[0] } == [10, 20, 30], "every reading at its step: \(acc)")
            for (index, point) in acc.enumerated() {
                #expect(abs(point[1] - value * Double(index + 1) / 3) < 1e-3, "\(acc) for x=\(x)")
            }
            #expect(child.history["loss"]?.count == 3, "\(child)")
        }
        // The parent: the best trial and the best-so-far of the objective.
        let best = try #require(trials.values.max { (objective($0) ?? 0) < (objective($1) ?? 0) })
        #expect(parent.tags["tune.bestTrial"] == best["trialId"] as? String, "\(parent.tags)")
        #expect(parent.tags["tune.best.x"] == hyperparameters(best)["x"], "\(parent.tags)")
        let series = try #require(parent.history["acc"], "\(parent)")
        #expect(series.last?[1] == objective(best), "\(series)")

        // Exported again (--mlflow beats the environment's dead address): nothing new, nothing doubled.
        let export = try await sandbox.tune(["export", "mlflow", "mlf", "--mlflow", server.uri], env: ["MLFLOW_TRACKING_URI": "http://127.0.0.1:9"])
        try #require(export.status == 0, "\(export)")
        #expect(export.stdout.contains("3 trial runs (none new)"), "\(export)")
        let again = try await MLflowEnvironment.runs(server.uri, experiment: "mlf").runs
        #expect(again.count == 4)
        for child in Self.children(again) { #expect(child.history["acc"]?.count == 3 && child.history["loss"]?.count == 3, "\(child)") }
        #expect(again.first { $0.id == parent.id }?.history["acc"]?.count == series.count)
    }

    /// The server dies after the first trials: the job still finishes, says so once and how to
    /// re-sync; once the server is back, `tune export mlflow` fills in the runs, twice without duplicates.
    @Test func aServerThatGoesAwayIsSaidOnceAndExportCatchesUp() async throws {
        let store = try TemporaryFolder("tune-mlflow")
        var server: MLflowServer? = try await MLflowServer(folder: store.path)
        let uri = server!.uri
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", Self.trial(pause: 0.7))
        try sandbox.write("c.yml", config(maxTrials: 4))
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", "gone", "--mlflow", uri], env: ["MLFLOW_TRACKING_URI": "http://127.0.0.1:9"])
        let firstDone = await sandbox.waitUntil(timeout: 120) { sandbox.read(".tune/gone/journal.jsonl")?.contains("\"trial_finished\"") == true }
        try #require(firstDone)
        server?.stop()
        server = nil
        let run = await tune.finish(timeout: 180)
        try #require(run.status == 0, "\(run)")
        let said = run.stderr.components(separatedBy: "tune tries MLflow again").count - 1
        #expect(said == 1, "the lost server is said once: \(run)")
        #expect(run.stderr.contains("MLflow at \(uri)") && run.stderr.contains("tune export mlflow gone --mlflow \(uri)"), "\(run)")

        let back = try await MLflowServer(folder: store.path)
        defer { back.stop() }
        for round in 1...2 {
            let export = try await sandbox.tune(["export", "mlflow", "gone", "--mlflow", back.uri], timeout: 120)
            try #require(export.status == 0, "\(export)")
            #expect(export.stdout.contains("4 trial runs"), "\(export)")
            if round == 2 { #expect(export.stdout.contains("(none new)"), "\(export)") }
            let runs = try await MLflowEnvironment.runs(back.uri, experiment: "gone").runs
            #expect(runs.count == 5, "round \(round): one job run and 4 trial runs: \(runs.map(\.name))")
            let parent = try #require(runs.first { $0.tags["tune.trial"] == nil })
            #expect(parent.status == "FINISHED", "\(parent)")
            let children = Self.children(runs)
            #expect(children.map(\.name) == ["trial-1", "trial-2", "trial-3", "trial-4"])
            for child in children {
                #expect(child.status == "FINISHED" && child.tags["mlflow.parentRunId"] == parent.id, "\(child)")
                #expect(child.history["acc"]?.map { $0[0] } == [10, 20, 30], "round \(round): \(child)")
            }
        }
    }
}

/// What tune says about MLflow addresses it cannot use, without a server.
@Suite("MLflow addresses", .limitedParallelism)
struct MLflowAddressTests {
    @Test func aLocalStoreGivenWithTheOptionIsAUsageError() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("c.yml", config(maxTrials: 1))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--mlflow", "file:///tmp/mlruns"])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("is a local store, not a tracking server") && run.stderr.contains("mlflow server --backend-store-uri file:///tmp/mlruns"), "\(run)")
    }

    @Test func aLocalStoreInTheEnvironmentIsSaidAndTheJobRunsWithoutMLflow() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("c.yml", config(maxTrials: 1))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "e"], env: ["MLFLOW_TRACKING_URI": "./mlruns"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("./mlruns is a local store") && run.stderr.contains("the job runs without MLflow"), "\(run)")

        let export = try await sandbox.tune(["export", "mlflow", "e", "--mlflow", "http://127.0.0.1:9"])
        #expect(export.status == 1, "\(export)")
        #expect(export.stderr.contains("cannot reach MLflow at http://127.0.0.1:9") && export.stderr.contains("mlflow server --host"), "\(export)")
        let none = try await sandbox.tune(["export", "mlflow", "e"], env: ["MLFLOW_TRACKING_URI": ""])
        #expect(none.status == 2 && none.stderr.contains("--mlflow"), "\(none)")
    }
}
