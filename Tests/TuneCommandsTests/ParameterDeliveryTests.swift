import Foundation
import Testing
import TuneTestSupport

/// `parameterStyle:`: each style reaches a real script that parses it, `$TUNE_PARAMS_FILE` is
/// there in every style, and the summary's reproduce line gives the parameters the same way.
@Suite("End to end: parameter delivery", .limitedParallelism)
struct ParameterDeliveryTests {
    /// `parse.py <mode> …`: parses its parameters as `mode` says and writes what it got, its argv
    /// and `$TUNE_PARAMS_FILE`'s object to `got.json` in the trial folder.
    static let parser = """
        import argparse, json, os, sys
        mode, words = sys.argv[1], sys.argv[2:]
        if mode == "argparse":
            p = argparse.ArgumentParser()
            for name in ["lr", "layers", "activation", "batch"]:
                p.add_argument("--" + name, required=True)
            got = vars(p.parse_args(words))
        elif mode == "bare":
            got = dict(w.split("=", 1) for w in words)
        else:
            got = {k[len("TUNE_PARAM_"):].lower(): v for k, v in os.environ.items() if k.startswith("TUNE_PARAM_")}
        with open(os.environ["TUNE_PARAMS_FILE"]) as f:
            typed = json.load(f)
        with open(os.path.join(os.environ["TUNE_TRIAL_DIR"], "got.json"), "w") as f:
            json.dump({"got": got, "argv": words, "file": typed}, f)
        print("acc=0.5")
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
            categoricalValues: [relu, tanh]
          - parameterName: batch
            type: DISCRETE
            discreteValues: [1e-3, 2.50, 32]
        """

    /// Runs three trials in `style` (nil: none given) and checks each got exactly its values, typed in
    /// the params file; returns the trials' hyperparameters, what each got, and the reproduce line.
    func run(
        style: String?, command: [String], job: String
    ) async throws -> (sandbox: Sandbox, trials: [Int: [String: String]], got: [Int: [String: Any]], reproduce: String) {
        let sandbox = try Sandbox()
        try sandbox.write("parse.py", Self.parser)
        try sandbox.write("c.yml", config(maxTrials: 3, extra: style.map { "parameterStyle: '\($0)'" } ?? "", params: Self.params))
        let run = try await sandbox.tune(["run", "--config", "c.yml", "--job", job, "--"] + command)
        try #require(run.status == 0, "\(run)")
        let reproduce = try #require(run.stdout.split(separator: "\n").first { $0.contains("reproduce:") }, "\(run)")
        var trials: [Int: [String: String]] = [:]
        var got: [Int: [String: Any]] = [:]
        for (id, trial) in byId(try await trialsJSON(sandbox, job)) {
            let values = hyperparameters(trial)
            let text = try #require(sandbox.read(".tune/\(job)/trials/\(id)/got.json"), "trial \(id) ran")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let file = try #require(object["file"] as? [String: Any])
            #expect(Set(file.keys) == Set(values.keys), "\(file)")
            // The journal's text, as JSON numbers: exactly what the flags would carry.
            let raw = try #require(sandbox.read(".tune/\(job)/trials/\(id)/params.json"))
            #expect(raw == "{\"lr\":\(values["lr"]!),\"layers\":\(values["layers"]!),\"activation\":\"\(values["activation"]!)\",\"batch\":\(values["batch"]!)}\n", "\(raw)")
            let lr = try #require(file["lr"] as? Double, "lr is a number: \(file)")
            #expect(abs(lr - Double(values["lr"]!)!) <= 1e-12 * lr, "\(file)")
            #expect(file["layers"] as? Int == Int(values["layers"] ?? ""), "layers is an integer: \(file)")
            #expect(file["activation"] as? String == values["activation"], "activation is a string: \(file)")
            #expect((file["batch"] as? Double) == Double(values["batch"] ?? ""), "batch is a number: \(file)")
            trials[id] = values
            got[id] = object
        }
        #expect(trials.count == 3)
        return (sandbox, trials, got, String(reproduce.drop { $0 == " " }.dropFirst("reproduce: ".count)))
    }

    /// `tune confirm --seed-flag seed` on the job: its repeat gets the seed the way it gets its
    /// parameters, and `tune validate` with the command names the style.
    func confirmsWithTheSeed(_ r: (sandbox: Sandbox, trials: [Int: [String: String]], got: [Int: [String: Any]], reproduce: String), job: String, shown: String) async throws {
        let validate = try await r.sandbox.tune(["validate", "c.yml"])
        #expect(validate.stdout.contains("delivery    \(shown)"), "\(validate.stdout)")
        let confirm = try await r.sandbox.tune(["confirm", job, "--top", "1", "--repeats", "1", "--seed-flag", "seed"])
        try #require(confirm.status == 0, "\(confirm)")
        let text = try #require(r.sandbox.read(".tune/\(job)/trials/4/got.json"), "the repeat ran")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(parsed(object)["seed"] == "1", "\(object)")
        // Every trial scored the same: the best is trial 1, whose parameters the repeat got.
        #expect(r.trials[1] == parsed(object).filter { $0.key != "seed" }, "\(object)")
    }

    func parsed(_ object: [String: Any]?) -> [String: String] {
        (object?["got"] as? [String: String]) ?? [:]
    }

    func argv(_ object: [String: Any]?) -> [String] {
        (object?["argv"] as? [String]) ?? []
    }

    @Test func equalsIsTheDefault() async throws {
        let r = try await run(style: nil, command: ["python3", "parse.py", "argparse"], job: "eq")
        for (id, values) in r.trials {
            #expect(parsed(r.got[id]) == values)
            #expect(argv(r.got[id]).allSatisfy { $0.hasPrefix("--") && $0.contains("=") }, "\(argv(r.got[id]))")
        }
        #expect(
            r.trials.values.contains {
                r.reproduce == "python3 parse.py argparse --lr=\($0["lr"]!) --layers=\($0["layers"]!) --activation=\($0["activation"]!) --batch=\($0["batch"]!)"
            }, "\(r.reproduce)")
    }

    @Test func separateWords() async throws {
        let r = try await run(style: "--name value", command: ["python3", "parse.py", "argparse"], job: "sep")
        for (id, values) in r.trials {
            #expect(parsed(r.got[id]) == values)
            #expect(argv(r.got[id]) == ["--lr", values["lr"]!, "--layers", values["layers"]!, "--activation", values["activation"]!, "--batch", values["batch"]!])
        }
        #expect(
            r.trials.values.contains {
                r.reproduce == "python3 parse.py argparse --lr \($0["lr"]!) --layers \($0["layers"]!) --activation \($0["activation"]!) --batch \($0["batch"]!)"
            }, "\(r.reproduce)")
    }

    @Test func bareAssignments() async throws {
        let r = try await run(style: "name=value", command: ["python3", "parse.py", "bare"], job: "bare")
        for (id, values) in r.trials {
            #expect(parsed(r.got[id]) == values)
        }
        #expect(
            r.trials.values.contains { r.reproduce == "python3 parse.py bare lr=\($0["lr"]!) layers=\($0["layers"]!) activation=\($0["activation"]!) batch=\($0["batch"]!)" },
            "\(r.reproduce)")
        try await confirmsWithTheSeed(r, job: "bare", shown: "lr=0.00316")
    }

    @Test func environmentVariables() async throws {
        let r = try await run(style: "env", command: ["python3", "parse.py", "env"], job: "env")
        for (id, values) in r.trials {
            #expect(parsed(r.got[id]) == values)
            #expect(argv(r.got[id]).isEmpty, "nothing on the command line: \(argv(r.got[id]))")
        }
        #expect(
            r.trials.values.contains {
                r.reproduce
                    == "TUNE_PARAM_LR=\($0["lr"]!) TUNE_PARAM_LAYERS=\($0["layers"]!) TUNE_PARAM_ACTIVATION=\($0["activation"]!) TUNE_PARAM_BATCH=\($0["batch"]!) python3 parse.py env"
            }, "\(r.reproduce)")
        try await confirmsWithTheSeed(r, job: "env", shown: "TUNE_PARAM_LR=0.00316")
    }

    /// Placeholders of parameters select the template by themselves; tune's own still work, and no flags are added.
    @Test func commandTemplate() async throws {
        let command = ["python3", "parse.py", "bare", "lr={lr}", "layers={layers}", "activation={activation}", "batch={batch}", "trial={trial_id}"]
        let r = try await run(style: nil, command: command, job: "tpl")
        for (id, values) in r.trials {
            #expect(parsed(r.got[id]) == values.merging(["trial": String(id)]) { a, _ in a })
            #expect(argv(r.got[id]).count == 5)
        }
        #expect(
            r.trials.contains { id, v in
                r.reproduce == "python3 parse.py bare lr=\(v["lr"]!) layers=\(v["layers"]!) activation=\(v["activation"]!) batch=\(v["batch"]!) trial=\(id)"
            }, "\(r.reproduce)")
    }

    @Test func aBadStyleIsAConfigError() async throws {
        let sandbox = try Sandbox()
        try sandbox.write("parse.py", Self.parser)
        try sandbox.write("c.yml", config(maxTrials: 1, extra: "parameterStyle: '--name:value'", params: Self.params))
        let run = try await sandbox.tune(["run", "--config", "c.yml", "--", "python3", "parse.py", "argparse"])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("parameterStyle") && run.stderr.contains("--name value") && run.stderr.contains("template"), "\(run.stderr)")
        #expect(!sandbox.exists(".tune"), "nothing ran")
    }

    @Test func aPlaceholderNamingNoParameterIsAUsageError() async throws {
        let sandbox = try Sandbox()
        try sandbox.write("parse.py", Self.parser)
        try sandbox.write("c.yml", config(maxTrials: 1, params: Self.params))
        let run = try await sandbox.tune(["run", "--config", "c.yml", "--", "python3", "parse.py", "bare", "lr={lr}", "layer={layer}"])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("{layer} names no parameter") && run.stderr.contains("did you mean {layers}?"), "\(run.stderr)")
        #expect(!sandbox.exists(".tune"), "nothing ran")
        // tune validate, given the command, finds it too.
        let validate = try await sandbox.tune(["validate", "c.yml", "--", "python3", "parse.py", "bare", "lr={lr}", "layer={layer}"])
        #expect(validate.status == 2 && validate.stderr.contains("{layer} names no parameter"), "\(validate)")
    }
}
