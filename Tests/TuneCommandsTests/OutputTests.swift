import Foundation
import Testing
import TuneTestSupport

/// The shapes tune writes, collect, a torn journal, and the three config shapes.
@Suite("End to end: outputs and store", .limitedParallelism)
struct OutputTests {
    /// Trial 2 fails with a comma in its error line; others succeed with acc=0.<id>.
    static func mixedJob(_ sandbox: Sandbox, job: String) async throws {
        try sandbox.script(
            "train.sh",
            """
            echo "$TUNE_TRIAL_ID" > "$TUNE_TRIAL_DIR/out.txt"
            if [ "$TUNE_TRIAL_ID" = 2 ]; then echo 'oops, "bad" input' >&2; exit 1; fi
            echo "acc=0.$TUNE_TRIAL_ID"
            """)
        try sandbox.write(
            "c.yml",
            config(
                maxTrials: 3,
                params: """
                      - parameterName: x
                        type: DOUBLE
                        minValue: 0.0
                        maxValue: 1.0
                      - parameterName: kind
                        type: CATEGORICAL
                        categoricalValues: ["a,b", "c"]
                    """))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", job])
        try #require(run.status == 0, "\(run)")
    }

    @Test func jsonShape() async throws {
        let sandbox = try Sandbox()
        try await Self.mixedJob(sandbox, job: "shape")
        let trials = try await trialsJSON(sandbox, "shape")
        try #require(trials.count == 3)
        let raw = try await sandbox.tune(["trials", "shape", "--format", "json"])
        #expect(
            raw.stdout.range(of: #""isTrialStoppedEarly"\s*:\s*false"#, options: .regularExpression) != nil,
            "a JSON boolean, not 0: \(raw.stdout)")
        #expect(trials.map { $0["trialId"] as? String } == ["3", "1", "2"], "best first, failed last")
        let timestamps = ISO8601DateFormatter()
        timestamps.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for trial in trials {
            #expect(trial["trialId"] is String)
            #expect(trial["isTrialStoppedEarly"] as? Bool == false)
            let params = try #require(trial["hyperparameters"] as? [String: Any])
            #expect(Set(params.keys) == ["x", "kind"])
            #expect(params.values.allSatisfy { $0 is String }, "hyperparameters are strings: \(params)")
            for key in ["startTime", "endTime"] {
                let text = try #require(trial[key] as? String, "\(key) in \(trial)")
                #expect(timestamps.date(from: text) != nil, "\(key) is RFC 3339: \(text)")
            }
            if trial["state"] as? String == "SUCCEEDED" {
                let metric = try #require(trial["finalMetric"] as? [String: Any])
                #expect(metric["trainingStep"] as? String == "1")
                #expect(!(metric["objectiveValue"] is String))
                #expect(metric["objectiveValue"] is NSNumber)
                #expect(trial["failureReason"] == nil)
            } else {
                #expect(trial["state"] as? String == "FAILED")
                #expect(trial["finalMetric"] == nil)
                #expect((trial["failureReason"] as? String)?.contains("oops") == true)
            }
        }
        #expect(objective(trials[0]) == 0.3)
    }

    /// Minimal RFC 4180 reading.
    static func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" {
                        field.append("\"")
                        chars.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }

    @Test func csvShape() async throws {
        let sandbox = try Sandbox()
        try await Self.mixedJob(sandbox, job: "csv")
        let result = try await sandbox.tune(["trials", "csv", "--format", "csv"])
        try #require(result.status == 0, "\(result)")
        let rows = Self.csvRows(result.stdout)
        try #require(rows.count == 4, "a header and 3 rows: \(result.stdout)")
        let header = rows[0]
        #expect(Array(header.prefix(4)) == ["trialId", "state", "objectiveValue", "trainingStep"])
        #expect(header.contains("x") && header.contains("kind") && header.contains("failureReason"))
        #expect(rows.allSatisfy { $0.count == header.count }, "every row has every field: \(rows)")
        let column = { (name: String) in header.firstIndex(of: name)! }
        #expect(rows.dropFirst().map { $0[0] } == ["3", "1", "2"])
        for row in rows.dropFirst() {
            #expect(["a,b", "c"].contains(row[column("kind")]), "\(row)")
        }
        let failed = try #require(rows.first { $0[0] == "2" })
        #expect(failed[column("state")] == "FAILED")
        #expect(failed[column("failureReason")] == #"exited with code 1: oops, "bad" input"#)
        #expect(result.stdout.contains(#""exited with code 1: oops, ""bad"" input""#), "quoted: \(result.stdout)")
    }

    @Test func collectAllChosenBestAndRefusals() async throws {
        let sandbox = try Sandbox()
        try await Self.mixedJob(sandbox, job: "col")

        let all = try await sandbox.tune(["collect", "col", "--trials", "all", "--to", "out/"])
        #expect(all.status == 0, "\(all)")
        #expect(sandbox.list("out") == ["col-1", "col-2", "col-3"])
        for id in 1...3 {
            #expect(sandbox.read("out/col-\(id)/out.txt") == "\(id)\n")
            #expect(sandbox.exists("out/col-\(id)/stdout.log"))
        }

        let chosen = try await sandbox.tune(["collect", "col", "--trials", "2,3", "--to", "sel"])
        #expect(chosen.status == 0, "\(chosen)")
        #expect(sandbox.list("sel") == ["col-2", "col-3"])

        // Collecting again keeps the folders already there (with what was added to them) and says so.
        try sandbox.write("sel/col-2/mine.txt", "my notes")
        let again = try await sandbox.tune(["collect", "col", "--trials", "2,3", "--to", "sel"])
        #expect(again.status == 0, "\(again)")
        #expect(again.stderr.contains("sel/col-2 exists, kept as it is") && again.stderr.contains("sel/col-3 exists, kept as it is"), "\(again)")
        #expect(again.stderr.contains("--overwrite"), "\(again)")
        #expect(again.stdout.isEmpty, "nothing copied: \(again)")
        #expect(sandbox.read("sel/col-2/mine.txt") == "my notes")
        let overwrite = try await sandbox.tune(["collect", "col", "--trials", "2,3", "--to", "sel", "--overwrite"])
        #expect(overwrite.status == 0, "\(overwrite)")
        #expect(!sandbox.exists("sel/col-2/mine.txt"), "replaced by the store's copy")
        #expect(sandbox.read("sel/col-2/out.txt") == "2\n")

        let best = try await sandbox.tune(["collect", "col"])
        #expect(best.status == 0, "\(best)")
        #expect(sandbox.list("runs") == ["col-3"])

        // A job with no successful trial has no best one.
        try sandbox.script("fail.sh", "exit 1")
        let failing = try await sandbox.tune(["./fail.sh", "--config", "c.yml", "--job", "bad"])
        #expect(failing.status == 1, "\(failing)")
        let none = try await sandbox.tune(["collect", "bad"])
        #expect(none.status != 0, "\(none)")
        #expect(none.stderr.contains("--trials all"), "\(none)")
        #expect(!sandbox.exists("runs/bad-1"))
    }

    @Test func tornJournalLineIsIgnored() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.$TUNE_TRIAL_ID")
        try sandbox.write("c.yml", config(maxTrials: 3))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "torn"])
        try #require(run.status == 0, "\(run)")
        let journal = try #require(FileHandle(forWritingAtPath: sandbox.path(".tune/torn/journal.jsonl")))
        journal.seekToEndOfFile()
        journal.write(Data(#"{"trialFinished":{"outcome":{"state":"FAI"#.utf8))
        try journal.close()

        let table = try await sandbox.tune(["trials", "torn"])
        #expect(table.status == 0, "\(table)")
        #expect(table.stdout.split(separator: "\n").count == 4, "a header and every trial: \(table)")
        #expect(try await trialsJSON(sandbox, "torn").count == 3)
        let status = try await sandbox.tune(["status", "torn"])
        #expect(status.status == 0, "\(status)")
        #expect(status.stdout.contains("SUCCEEDED"), "\(status)")
        let jobs = try await sandbox.tune(["jobs"])
        #expect(jobs.stdout.contains("torn"), "\(jobs)")
    }

    @Test func storeOptionAndEnvironment() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("c.yml", config(maxTrials: 1))
        let viaEnv = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "e"], env: ["TUNE_STORE": "envstore"])
        #expect(viaEnv.status == 0, "\(viaEnv)")
        let viaOption = try await sandbox.tune(
            ["./train.sh", "--config", "c.yml", "--job", "o", "--store", "optstore"],
            env: ["TUNE_STORE": "envstore"])
        #expect(viaOption.status == 0, "\(viaOption)")
        #expect(sandbox.list("envstore") == ["e"])
        #expect(sandbox.list("optstore") == ["o"])
        #expect(!sandbox.exists(".tune"), "nothing in the default store")
        let jobs = try await sandbox.tune(["jobs"], env: ["TUNE_STORE": "envstore"])
        let names = jobs.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first }
        #expect(names == ["e"], "\(jobs)")
        let status = try await sandbox.tune(["status", "o", "--store", sandbox.path("optstore")])
        #expect(status.status == 0 && status.stdout.contains("SUCCEEDED"), "\(status)")
        let missing = try await sandbox.tune(["status", "o"], env: ["TUNE_STORE": "envstore"])
        #expect(missing.status == 2, "\(missing)")
    }

    static let spec = """
        goal: MINIMIZE
        hyperparameterMetricTag: loss
        maxTrials: 2
        maxParallelTrials: 2
        algorithm: RANDOM_SEARCH
        params:
          - parameterName: x
            type: INTEGER
            minValue: 1
            maxValue: 9
        """

    static func indented(_ text: String, by spaces: Int) -> String {
        text.split(separator: "\n").map { String(repeating: " ", count: spaces) + $0 }.joined(separator: "\n")
    }

    @Test(arguments: ["gcloud.yml", "hyperparameters.yml", "bare.yml", "config.json"])
    func configShapesAllRun(_ file: String) async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo loss=0.$TUNE_TRIAL_ID")
        try sandbox.write(
            "gcloud.yml",
            "trainingInput:\n  scaleTier: BASIC\n  region: us-central1\n  hyperparameters:\n"
                + Self.indented(Self.spec, by: 4) + "\n")
        try sandbox.write("hyperparameters.yml", "hyperparameters:\n" + Self.indented(Self.spec, by: 2) + "\n")
        try sandbox.write("bare.yml", Self.spec + "\n")
        try sandbox.write(
            "config.json",
            """
            {"trainingInput": {"hyperparameters": {"goal": "MINIMIZE", "hyperparameterMetricTag": "loss",
              "maxTrials": 2, "maxParallelTrials": 2, "algorithm": "RANDOM_SEARCH",
              "params": [{"parameterName": "x", "type": "INTEGER", "minValue": 1, "maxValue": 9}]}}}
            """)
        let run = try await sandbox.tune(["./train.sh", "--config", file, "--job", "shape"])
        try #require(run.status == 0, "\(run)")
        let notes = run.stderr.split(separator: "\n").filter { $0.hasPrefix("note:") }
        if file == "gcloud.yml" {
            #expect(notes.count == 1, "one note for the cloud-only keys: \(run)")
            #expect(notes.first?.contains("scaleTier") == true && notes.first?.contains("region") == true, "\(run)")
        } else {
            #expect(notes.isEmpty, "\(run)")
        }
        let trials = try await trialsJSON(sandbox, "shape")
        #expect(trials.count == 2)
        #expect(trials.allSatisfy { $0["state"] as? String == "SUCCEEDED" })
        #expect(objective(trials[0]) == 0.1, "MINIMIZE: the lowest first")
    }
}
