import Foundation
import Testing
import TuneTestSupport

/// TensorBoard's HParams dashboard for a job, end to end: a real tune job, then the job folder read
/// by TensorBoard itself (Fixtures/tensorboard/hparams_dashboard.py: its event reader and the
/// HParams plugin's own backend, and with `--http` a real `tensorboard` server's HTTP API).
@Suite("End to end: TensorBoard HParams", .limitedParallelism, .enabled(if: MLPython.runnable, Comment(rawValue: MLPython.why)))
struct TensorBoardHParamsTests {
    static let dashboardScript = TuneBinary.repository.appendingPathComponent("Tests/TuneCommandsTests/Fixtures/tensorboard/hparams_dashboard.py").path
    static let eventFixtures = TuneBinary.repository.appendingPathComponent("Tests/TuneCoreTests/Fixtures/events").path

    static let params = """
          - parameterName: lr
            type: DOUBLE
            minValue: 0.001
            maxValue: 0.1
            scaleType: UNIT_LOG_SCALE
          - parameterName: units
            type: INTEGER
            minValue: 8
            maxValue: 64
          - parameterName: act
            type: CATEGORICAL
            categoricalValues: [relu, tanh]
          - parameterName: batch
            type: DISCRETE
            discreteValues: [16, 32, 64]
        """

    /// Prints its objective and a loss; trial 3 fails while the file `fail` exists.
    static let printingTrial = """
        for a in "$@"; do case $a in --units=*) u=${a#--units=};; esac; done
        if [ "$TUNE_TRIAL_ID" = 3 ] && [ -e fail ]; then echo boom >&2; exit 3; fi
        echo "loss=0.25"
        echo "accuracy=0.$u"
        """

    /// What TensorBoard shows for `logdir` (relative to the sandbox).
    static func dashboard(_ sandbox: Sandbox, _ logdir: String, http: Bool = false) async throws -> [String: Any] {
        let arguments = [dashboardScript, sandbox.path(logdir)] + (http ? ["--http"] : [])
        let run = try await sandbox.tune(arguments, env: MLPython.environment(), timeout: 150, through: MLPython.python)
        try #require(run.status == 0, "\(run)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
    }

    /// Each trial's parameters, state and objective, as the journal has them.
    struct JournalTrial {
        var parameters: [String: String] = [:]
        var state = ""
        var objective: Double?
    }

    static func journalTrials(_ sandbox: Sandbox, _ job: String) throws -> [Int: JournalTrial] {
        let journal = try #require(sandbox.read(".tune/\(job)/journal.jsonl"))
        var trials: [Int: JournalTrial] = [:]
        for line in journal.split(separator: "\n") {
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard let id = event["trial"] as? Int else { continue }
            switch event["event"] as? String {
            case "trial_created": trials[id, default: JournalTrial()].parameters = event["parameters"] as? [String: String] ?? [:]
            case "trial_finished":
                trials[id, default: JournalTrial()].state = event["state"] as? String ?? ""
                trials[id, default: JournalTrial()].objective = (event["finalMetric"] as? [String: Any])?["value"] as? Double
            default: continue
            }
        }
        return trials
    }

    static func groups(_ view: [String: Any]) -> [[String: Any]] {
        ((view["sessionGroups"] as? [String: Any])?["sessionGroups"] as? [[String: Any]]) ?? []
    }

    /// A metric value of a session group, by its tag (and group).
    static func metric(_ group: [String: Any], tag: String, group run: String = "") -> Double? {
        for value in group["metricValues"] as? [[String: Any]] ?? [] {
            let name = value["name"] as? [String: Any] ?? [:]
            if name["tag"] as? String == tag && (name["group"] as? String ?? "") == run { return value["value"] as? Double }
        }
        return nil
    }

    /// Equal to the last bits or so: Foundation's JSON parser may read the same digits a bit off.
    static func same(_ a: Double?, _ b: Double?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a - b) <= 1e-14 * max(1, abs(b))
    }

    static func status(_ group: [String: Any]) -> String? {
        ((group["sessions"] as? [[String: Any]])?.first)?["status"] as? String
    }

    /// Every trial is one session group named by its folder, with its hyperparameters typed as
    /// their columns, its status, and its objective (float32, as TensorBoard keeps scalars).
    static func expectSessions(_ view: [String: Any], _ trials: [Int: JournalTrial], _ label: String) {
        let groups = groups(view)
        #expect(groups.count == trials.count, "\(label): \(groups)")
        for (id, trial) in trials {
            guard let group = groups.first(where: { $0["name"] as? String == "trials/\(id)" }) else {
                Issue.record("\(label): no session trials/\(id) in \(groups)")
                continue
            }
            let hparams = group["hparams"] as? [String: Any] ?? [:]
            #expect(hparams["act"] as? String == trial.parameters["act"], "\(label) \(id): \(hparams)")
            for name in ["lr", "units", "batch"] {
                #expect(same(hparams[name] as? Double, trial.parameters[name].flatMap(Double.init)), "\(label) \(id) \(name): \(hparams)")
            }
            let expected = trial.state == "SUCCEEDED" ? "STATUS_SUCCESS" : "STATUS_FAILURE"
            #expect(status(group) == expected, "\(label) \(id): \(group)")
            #expect(same(metric(group, tag: "accuracy"), trial.objective.map { Double(Float($0)) }), "\(label) \(id): \(group)")
            #expect(metric(group, tag: "loss") == (trial.state == "SUCCEEDED" ? 0.25 : nil), "\(label) \(id): \(group)")
        }
    }

    @Test func printedMetricsMakeTheTableAndARetriedOldJobGetsItsSessions() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", Self.printingTrial)
        _ = try sandbox.write("fail", "")
        try sandbox.write("c.yml", config(maxTrials: 4, parallel: 2, tag: "accuracy", params: Self.params))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "j"])
        try #require(run.status == 0, "\(run)")
        var trials = try Self.journalTrials(sandbox, "j")
        try #require(trials[3]?.state == "FAILED" && trials.values.filter { $0.state == "SUCCEEDED" }.count == 3, "\(trials)")

        let view = try await Self.dashboard(sandbox, ".tune/j")
        let experiment = try #require(view["experiment"] as? [String: Any])
        let hparamInfos = experiment["hparamInfos"] as? [[String: Any]] ?? []
        #expect(hparamInfos.map { $0["name"] as? String } == ["act", "batch", "lr", "units"], "\(experiment)")
        let byName = Dictionary(uniqueKeysWithValues: hparamInfos.map { ($0["name"] as? String ?? "", $0) })
        #expect(byName["act"]?["domainDiscrete"] as? [String] == ["relu", "tanh"], "\(experiment)")
        #expect(byName["batch"]?["domainDiscrete"] as? [Double] == [16, 32, 64], "\(experiment)")
        #expect(byName["lr"]?["domainInterval"] as? [String: Double] == ["minValue": 0.001, "maxValue": 0.1], "\(experiment)")
        #expect(byName["units"]?["domainInterval"] as? [String: Double] == ["minValue": 8, "maxValue": 64], "\(experiment)")
        let metricTags = (experiment["metricInfos"] as? [[String: Any]] ?? []).map { ($0["name"] as? [String: Any])?["tag"] as? String }
        #expect(metricTags == ["accuracy", "loss"], "the objective first, then what trials reported: \(experiment)")
        Self.expectSessions(view, trials, "after the job")
        // The values tune wrote are single points in the session's run, and tune did not read its own files back.
        #expect((view["scalarCounts"] as? [String: [String: Int]])?["trials/1"] == ["accuracy": 1, "loss": 1], "\(view)")

        // A job made before tune wrote these files: none there. Retrying its failed trial writes
        // every session, and the retried trial keeps one session (its earlier attempt's is gone).
        for folder in ["", "/trials/1", "/trials/2", "/trials/3", "/trials/4"] {
            for name in sandbox.list(".tune/j" + folder) where name.hasSuffix(".tune-hparams") {
                try FileManager.default.removeItem(atPath: sandbox.path(".tune/j\(folder)/\(name)"))
            }
        }
        try FileManager.default.removeItem(atPath: sandbox.path("fail"))
        let retry = try await sandbox.tune(["retry", "j"])
        try #require(retry.status == 0, "\(retry)")
        trials = try Self.journalTrials(sandbox, "j")
        try #require(trials[3]?.state == "SUCCEEDED", "\(trials)")
        #expect(sandbox.list(".tune/j/trials/3.attempt-1").allSatisfy { !$0.contains("tfevents") }, "\(sandbox.list(".tune/j/trials/3.attempt-1"))")

        let again = try await Self.dashboard(sandbox, ".tune/j", http: true)
        Self.expectSessions(again, trials, "after the retry")
        let served = try #require(again["http"] as? [String: Any], "\(again)")
        Self.expectSessions(served, trials, "tensorboard's HTTP API")
        #expect((served["runs"] as? [String])?.sorted() == [".", "trials/1", "trials/2", "trials/3", "trials/4"], "\(served)")
    }

    /// A trainer's own event files (Keras' train/ and validation/ under logs/): the metrics are
    /// the trial's own scalars, found below its session, and tune writes no copy of them.
    @Test func eventFileMetricsAreTheTrialsOwnCurves() async throws {
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            mkdir -p "$TUNE_TRIAL_DIR/logs"
            cp -R '\(Self.eventFixtures)/keras/train' '\(Self.eventFixtures)/keras/validation' "$TUNE_TRIAL_DIR/logs/"
            """)
        try sandbox.write("c.yml", config(maxTrials: 2, tag: "epoch_accuracy", params: Self.params))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "k"])
        try #require(run.status == 0, "\(run)")
        let trials = try Self.journalTrials(sandbox, "k")
        let view = try await Self.dashboard(sandbox, ".tune/k")
        let experiment = try #require(view["experiment"] as? [String: Any])
        let first = try #require((experiment["metricInfos"] as? [[String: Any]])?.first, "\(experiment)")
        #expect(first["name"] as? [String: String] == ["group": "logs/validation", "tag": "epoch_accuracy"], "\(first)")
        #expect(first["datasetType"] as? String == "DATASET_VALIDATION", "\(first)")
        let groups = Self.groups(view)
        #expect(groups.map { $0["name"] as? String }.sorted { ($0 ?? "") < ($1 ?? "") } == ["trials/1", "trials/2"], "\(groups)")
        for group in groups {
            let id = Int((group["name"] as? String ?? "").dropFirst("trials/".count)) ?? 0
            #expect(trials[id]?.objective == 0.421875, "\(trials)")
            #expect(Self.metric(group, tag: "epoch_accuracy", group: "logs/validation") == 0.421875, "\(group)")
            #expect(Self.metric(group, tag: "epoch_loss", group: "logs/train") != nil, "\(group)")
            #expect(Self.status(group) == "STATUS_SUCCESS", "\(group)")
        }
        let scalars = view["scalarCounts"] as? [String: [String: Int]] ?? [:]
        #expect(scalars["trials/1"] == nil, "no copy in the session's run: \(scalars)")
        #expect((scalars["trials/1/logs/validation"]?["epoch_accuracy"] ?? 0) > 1, "the trial's own curve: \(scalars)")
    }

    /// Several objectives and a safety metric: a column each, in the config's order, described as
    /// such, then the other tags; every session has every value.
    @Test func everyObjectiveAndSafetyMetricIsAColumn() async throws {
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            for a in "$@"; do case $a in --units=*) u=${a#--units=};; esac; done
            echo "accuracy=0.$u latency=$u mem=500 other=1"
            """)
        try sandbox.write(
            "c.yml",
            """
            maxTrials: 3
            algorithm: RANDOM_SEARCH
            metrics:
            - {metricId: accuracy, goal: MAXIMIZE}
            - {metricId: latency, goal: MINIMIZE}
            - {metricId: mem, goal: MINIMIZE, safetyConfig: {safetyThreshold: 1000}}
            params:
            - {parameterName: units, type: INTEGER, minValue: 8, maxValue: 64}

            """)
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "mo"])
        try #require(run.status == 0, "\(run)")
        let trials = try Self.journalTrials(sandbox, "mo")
        let view = try await Self.dashboard(sandbox, ".tune/mo")
        let infos = ((view["experiment"] as? [String: Any])?["metricInfos"] as? [[String: Any]]) ?? []
        #expect(infos.map { ($0["name"] as? [String: Any])?["tag"] as? String } == ["accuracy", "latency", "mem", "other"], "\(infos)")
        #expect(
            infos.map { $0["description"] as? String }
                == ["objective (MAXIMIZE)", "objective (MINIMIZE)", "safety metric: mem ≤ 1000", "reported by the trials"], "\(infos)")
        let groups = Self.groups(view)
        #expect(groups.count == 3, "\(groups)")
        for group in groups {
            let id = Int((group["name"] as? String ?? "").dropFirst("trials/".count)) ?? 0
            let units = try #require(trials[id]?.parameters["units"].flatMap(Double.init), "\(trials)")
            #expect((group["hparams"] as? [String: Any])?["units"] as? Double == units, "\(group)")
            #expect(Self.metric(group, tag: "latency") == units, "\(group)")
            #expect(Self.metric(group, tag: "mem") == 500 && Self.metric(group, tag: "other") == 1, "\(group)")
        }
    }
}
