import Foundation
import Testing
import TuneCore
import TuneTestSupport

/// The real public Vertex AI configs in Fixtures/vertex (SOURCES.md says where each came from).
enum VertexFixtures {
    static let folder = TuneBinary.repository.appendingPathComponent("Tests/TuneCommandsTests/Fixtures/vertex")

    /// Every config in the folder, enumerated, so a file added there is covered without a change here.
    static let files: [String] = {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return entries.filter { $0.hasSuffix(".json") || $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
    }()

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static func text(_ name: String) -> String { (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? "" }

    static func isConditional(_ name: String) -> Bool {
        let text = text(name)
        return text.contains("conditionalParameterSpecs") || text.contains("conditional_parameter_specs")
    }
}

@Suite("Vertex AI fixtures: tune validate", .limitedParallelism)
struct VertexValidateTests {
    @Test("the folder holds the recorded fixtures")
    func folderIsRead() {
        #expect(VertexFixtures.files.count >= 13, "\(VertexFixtures.files)")
        #expect(VertexFixtures.files.filter(VertexFixtures.isConditional).count >= 2)
    }

    @Test("tune validate <file> exits 0 and prints valid", arguments: VertexFixtures.files)
    func validates(_ name: String) async throws {
        let sandbox = try Sandbox()
        let path = VertexFixtures.path(name)
        let run = try await sandbox.tune(["validate", path])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.hasPrefix("\(path): valid\n"), "\(run)")
        #expect(!run.stderr.contains("error"), "\(run)")
        #expect(sandbox.list(".tune").isEmpty, "validate makes no job")
    }

    @Test(
        "a conditional config shows the tree: children indented under their parent, with an active when column",
        arguments: VertexFixtures.files.filter(VertexFixtures.isConditional))
    func showsTree(_ name: String) async throws {
        let sandbox = try Sandbox()
        let path = VertexFixtures.path(name)
        let run = try await sandbox.tune(["validate", path])
        try #require(run.status == 0, "\(run)")
        let spec = try SpecLoader.load(path: path).spec
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("  name") }, "\(run)")
        #expect(header.contains("active when"), "\(run)")
        let conditional = spec.params.filter { $0.condition != nil }
        #expect(!conditional.isEmpty)
        #expect(run.stdout.contains("parameters  a tree: \(conditional.count) of \(spec.params.count) are active only under their parent's values"), "\(run)")
        var last = 0
        for param in spec.params {
            // Root rows are indented by 2, their children by 4, grandchildren by 6.
            let indent = String(repeating: " ", count: 2 * (spec.depth(of: param) + 1))
            let index = try #require(lines.firstIndex { $0.hasPrefix(indent + param.name + " ") }, "row of \(param.name): \(run)")
            #expect(index > last, "\(param.name) is listed after its parent and earlier siblings: \(run)")
            last = index
            if let condition = param.condition {
                let when =
                    condition.parentValues.count == 1
                    ? "\(condition.parent) = \(condition.parentValues[0])" : "\(condition.parent) in \(condition.parentValues.joined(separator: ", "))"
                #expect(lines[index].contains(when), "\(lines[index])")
                let parentRow = try #require(lines.firstIndex { $0.hasPrefix(String(indent.dropLast(2)) + condition.parent + " ") })
                #expect(parentRow < index, "\(param.name) comes under \(condition.parent)")
            }
        }
    }

    @Test("the conditional fixtures' trees, as their sources write them")
    func knownTrees() async throws {
        let sandbox = try Sandbox()
        let package = try await sandbox.tune(["validate", VertexFixtures.path("python-aiplatform-hpt-python-package-conditional.json")])
        #expect(package.stdout.contains("parameters  a tree: 2 of 3 are active only under their parent's values"), "\(package)")
        let rows = package.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(rows.contains("batch_size DISCRETE 4, 8, 16, 32, 64, 128"), "\(package)")
        #expect(rows.contains("decay DOUBLE [1e-07, 1.0] UNIT_LINEAR_SCALE batch_size in 32, 64"), "\(package)")
        #expect(rows.contains("learning_rate DOUBLE [1e-07, 1.0] UNIT_LINEAR_SCALE batch_size in 4, 8, 16"), "\(package)")
        #expect(package.stdout.contains("\n    decay "), "indented under batch_size: \(package)")

        let statmike = try await sandbox.tune(["validate", VertexFixtures.path("statmike-vizier-study-conditional-safety.json")])
        #expect(statmike.status == 0, "\(statmike)")
        #expect(statmike.stdout.contains("\n    input_example_1_child_mids "), "\(statmike)")
        for when in ["input_example_1_parent in 2.5, 4.8", "input_example_2_parent = East", "input_example_3_parent in 1, 2, 3, 4, 5"] {
            #expect(statmike.stdout.contains(when), "\(when): \(statmike)")
        }
        #expect(
            statmike.stdout.contains(
                "first trial --input_example_1=2.5 --input_example_2=East --input_example_3=4 --input_example_4=2.0 --input_example_1_parent=2.5"),
            "\(statmike)")
        #expect(!statmike.stderr.contains("safetyConfig"), "its two objectives and the safety metric are all applied: \(statmike)")
    }

    @Test("SOURCES.md records every fixture, and every file it records is there")
    func sourcesListEveryFile() throws {
        let sources = try String(contentsOfFile: VertexFixtures.path("SOURCES.md"), encoding: .utf8)
        for name in VertexFixtures.files {
            #expect(sources.contains("| `\(name)` |"), "\(name) is not recorded in Fixtures/vertex/SOURCES.md: add a row saying where it came from")
        }
        let recorded = sources.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            return line.dropFirst(3).split(separator: "`").first.map(String.init)
        }
        #expect(Set(recorded) == Set(VertexFixtures.files), "table rows: \(recorded)")
        #expect(recorded.count == Set(recorded).count, "each file recorded once")
    }
}

/// A real fixture tuned end to end by a stand-in trainer that checks the flags it gets against the
/// tree its source describes (written by hand here, not taken from tune's reading of the file).
struct VertexRunCase: Sendable, CustomTestStringConvertible {
    var file: String
    var metric: String
    /// `hypertune`: the cloudml-hypertune file; `stdout`: a `<metric>=<value>` line.
    var report: String
    /// name → parent and the parent's values under which it is active (numbers compared as numbers).
    var tree: [String: (parent: String, values: [String])]
    var roots: [String]
    /// Further metrics the config defines (objectives, safety metrics): the trainer reports each, as 1.
    var others: [String] = []
    var testDescription: String { file }
}

@Suite("Vertex AI fixtures: tune run end to end", .limitedParallelism)
struct VertexRunTests {
    static let cases: [VertexRunCase] = [
        VertexRunCase(
            file: "python-aiplatform-hpt-python-package-conditional.json", metric: "val_rmse", report: "hypertune",
            tree: ["decay": ("batch_size", ["32", "64"]), "learning_rate": ("batch_size", ["4", "8", "16"])], roots: ["batch_size"]),
        VertexRunCase(
            file: "statmike-vizier-study-conditional-safety.json", metric: "outcome_1", report: "stdout",
            tree: [
                "input_example_1_child_mids": ("input_example_1_parent", ["2.5", "4.8"]),
                "input_example_2_child_east": ("input_example_2_parent", ["East"]),
                "input_example_3_child_low": ("input_example_3_parent", ["1", "2", "3", "4", "5"]),
            ],
            roots: [
                "input_example_1", "input_example_2", "input_example_3", "input_example_4", "input_example_1_parent", "input_example_2_parent",
                "input_example_3_parent",
            ], others: ["outcome_2", "outcome_3"]),
        VertexRunCase(
            file: "training-data-analyst-taxifare-config.yaml", metric: "val_rmse", report: "stdout", tree: [:], roots: ["lr", "nbuckets", "batch_size"]),
        VertexRunCase(
            file: "vertex-ai-samples-uj11-create-request.json", metric: "val_loss", report: "hypertune", tree: [:], roots: ["lr", "units"]),
    ]

    /// The stand-in trainer: fails (exit 3) on a flag for an inactive parameter, a missing active
    /// one, or an unknown one; then reports the metric.
    static let trainer = """
        import json, os, sys, time
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, "tree.json")) as f:
            spec = json.load(f)
        flags = {}
        for arg in sys.argv[1:]:
            if not arg.startswith("--") or "=" not in arg:
                sys.exit("not a --name=value flag: %r" % arg)
            name, value = arg[2:].split("=", 1)
            if name in flags:
                sys.exit("flag given twice: " + name)
            flags[name] = value

        def same(a, b):
            try:
                return float(a) == float(b)
            except ValueError:
                return a == b

        active = set(spec["roots"])
        changed = True
        while changed:
            changed = False
            for name, (parent, values) in spec["tree"].items():
                if name not in active and parent in active and parent in flags and any(same(flags[parent], v) for v in values):
                    active.add(name)
                    changed = True
        known = set(spec["roots"]) | set(spec["tree"])
        problems = []
        for name in sorted(flags):
            if name not in known:
                problems.append("unknown flag --" + name)
            elif name not in active:
                problems.append("flag for inactive parameter --%s=%s" % (name, flags[name]))
        for name in sorted(active - set(flags)):
            problems.append("missing active parameter --" + name)
        if problems:
            print("; ".join(problems), file=sys.stderr)
            sys.exit(3)
        with open(os.path.join(os.environ["TUNE_TRIAL_DIR"], "flags.json"), "w") as f:
            json.dump(flags, f)
        value = 1.0 + sum(len(n) * len(v) for n, v in flags.items()) % 97 / 100.0
        if spec["report"] == "hypertune":
            record = {spec["metric"]: str(value), "checkpoint_path": "", "global_step": "1", "timestamp": time.time(), "trial": "0"}
            with open(os.environ["CLOUD_ML_HP_METRIC_FILE"], "a") as f:
                f.write(json.dumps(record, sort_keys=True) + "\\n")
        else:
            print("%s=%s" % (spec["metric"], value))
        for other in spec["others"]:
            print("%s=1" % other)
        """

    @Test("tune run --max-trial-count 4 --parallel-trial-count 2: every trial gets exactly its active flags and succeeds", arguments: cases)
    func runs(_ c: VertexRunCase) async throws {
        let sandbox = try Sandbox()
        try sandbox.write("trainer.py", Self.trainer)
        let tree = Dictionary(uniqueKeysWithValues: c.tree.map { ($0.key, [$0.value.parent, $0.value.values] as [Any]) })
        let json = try JSONSerialization.data(withJSONObject: ["metric": c.metric, "report": c.report, "roots": c.roots, "tree": tree, "others": c.others] as [String: Any])
        try sandbox.write("tree.json", String(decoding: json, as: UTF8.self))
        let run = try await sandbox.tune(
            [
                "run", "--config", VertexFixtures.path(c.file), "--job", "v", "--max-trial-count", "4", "--parallel-trial-count", "2", "--",
                "python3", "trainer.py",
            ], timeout: 120)
        #expect(run.status == 0, "\(run)")
        let trials = try await trialsJSON(sandbox, "v")
        #expect(trials.count == 4, "\(trials)")
        for trial in trials {
            let id = trial["trialId"] as? String ?? "?"
            #expect(trial["state"] as? String == "SUCCEEDED", "trial \(id): \(trial)\n\(sandbox.read(".tune/v/trials/\(id)/stderr.log") ?? "")")
            #expect(objective(trial) != nil, "trial \(id) reported \(c.metric): \(trial)")
            // What tune recorded is what the trainer received.
            let received = sandbox.read(".tune/v/trials/\(id)/flags.json").flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
            #expect(received == hyperparameters(trial), "trial \(id)")
        }
        let ids = Set(trials.compactMap { $0["trialId"] as? String })
        #expect(ids == ["1", "2", "3", "4"])
    }

    @Test("the statmike study's first trial is its defaultValues")
    func defaultsFirst() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("t.sh", "echo outcome_1=0.5 outcome_2=1 outcome_3=1")
        let run = try await sandbox.tune(
            ["run", "--config", VertexFixtures.path("statmike-vizier-study-conditional-safety.json"), "--job", "d", "--max-trial-count", "2", "--", "./t.sh"])
        try #require(run.status == 0, "\(run)")
        let first = try #require(byId(try await trialsJSON(sandbox, "d"))[1])
        #expect(
            hyperparameters(first) == [
                "input_example_1": "2.5", "input_example_2": "East", "input_example_3": "4", "input_example_4": "2.0",
                "input_example_1_parent": "2.5", "input_example_2_parent": "East", "input_example_3_parent": "4",
                // No defaults: the middle of their ranges.
                "input_example_1_child_mids": "51", "input_example_2_child_east": "51", "input_example_3_child_low": "51",
            ], "\(first)")
    }
}

@Suite("Vertex AI configs: usage errors", .limitedParallelism)
struct VertexUsageErrorTests {
    @Test(
        "a trial count of 0 on the command line is a usage error, and no job is made",
        arguments: [["--max-trial-count", "0"], ["--parallel-trial-count", "0"], ["--max-failed-trial-count", "-1"], ["--max-trial-count", "many"]])
    func zeroCounts(_ flag: [String]) async throws {
        let sandbox = try Sandbox()
        try sandbox.script("t.sh", "echo z=1")
        let path = VertexFixtures.path("gcloud-sdk-hp-tuning-jobs-create-example.yaml")
        let run = try await sandbox.tune(["run", "--config", path] + flag + ["--", "./t.sh"])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains(flag[0]), "the message names the flag: \(run)")
        #expect(sandbox.list(".tune").isEmpty, "no job folder: \(sandbox.list(".tune"))")
    }

    @Test("a bad conditional config: tune run exits 2 with the located error and creates nothing in the store")
    func badConditional() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("t.sh", "echo acc=1")
        try sandbox.write(
            "bad.yaml",
            """
            maxTrialCount: 4
            studySpec:
              metrics:
              - metricId: acc
                goal: MAXIMIZE
              parameters:
              - parameterId: optimizer
                categoricalValueSpec: {values: [adam, sgd]}
                conditionalParameterSpecs:
                - parentCategoricalValues: {values: [sgd, rmsprop]}
                  parameterSpec: {parameterId: momentum, doubleValueSpec: {minValue: 0, maxValue: 1}}

            """)
        for arguments in [["run", "--config", "bad.yaml", "--", "./t.sh"], ["run", "--config", "bad.yaml", "--job", "named", "--", "./t.sh"]] {
            let run = try await sandbox.tune(arguments)
            #expect(run.status == 2, "\(run)")
            #expect(
                run.stderr.contains(
                    "bad.yaml:10:47: error: optimizer: conditionalParameterSpecs entry 1: rmsprop is not a value of optimizer (one of adam, sgd) — list values the parent takes"
                ), "\(run)")
            #expect(!sandbox.exists(".tune") || sandbox.list(".tune").isEmpty, "nothing in the store: \(sandbox.list(".tune"))")
        }
        let validate = try await sandbox.tune(["validate", "bad.yaml"])
        #expect(validate.status == 2 && validate.stdout.isEmpty, "\(validate)")
    }
}
