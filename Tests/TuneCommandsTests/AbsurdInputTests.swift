import Foundation
import Testing
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Issue 16, absurd input end to end: numbers out of any sane range on the command line and in the
/// config, destinations inside the store, probe's scratch folder, huge configs, process limits.
/// Each is refused with a message naming what and where, or handled; none crashes or hangs tune.
@Suite("End to end: absurd input", .limitedParallelism)
struct AbsurdInputTests {
    // MARK: numeric options

    struct OptionCase: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        /// Every one of these is in tune's stderr.
        var says: [String]
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let optionCases: [OptionCase] = [
        OptionCase(arguments: ["./train.sh", "-c", "c.yml", "--grace-period", "inf"], says: ["--grace-period inf", "from 0 to 3600"]),
        OptionCase(arguments: ["./train.sh", "-c", "c.yml", "--grace-period", "nan"], says: ["--grace-period nan", "from 0 to 3600"]),
        OptionCase(arguments: ["./train.sh", "-c", "c.yml", "--grace-period", "1e300"], says: ["--grace-period 1e+300", "from 0 to 3600"]),
        OptionCase(arguments: ["./train.sh", "-c", "c.yml", "--grace-period=-1"], says: ["--grace-period -1", "from 0 to 3600"]),
        OptionCase(arguments: ["resume", "J", "--grace-period", "inf"], says: ["--grace-period inf"]),
        OptionCase(arguments: ["watch", "J", "--interval", "inf"], says: ["--interval inf", "above 0 to 3600"]),
        OptionCase(arguments: ["status", "J", "--follow", "--interval", "0"], says: ["--interval 0", "above 0 to 3600"]),
        OptionCase(arguments: ["plot", "J", "--width", "9223372036854775807"], says: ["--width 9223372036854775807", "to 1000"]),
        OptionCase(arguments: ["plot", "J", "--height", "100000000"], says: ["--height 100000000", "to 1000"]),
        OptionCase(arguments: ["resume", "J", "--max-trials", "9223372036854775807"], says: ["--max-trials 9223372036854775807", "1000000"]),
    ]

    @Test(arguments: optionCases)
    func absurdNumericOptionsAreUsageErrors(_ c: OptionCase) async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("c.yml", config(maxTrials: 1))
        let first = try await sandbox.tune(["./train.sh", "-c", "c.yml", "--job", "J", "-q"])
        try #require(first.status == 0, "\(first)")
        let journal = sandbox.read(".tune/J/journal.jsonl")
        let run = try await sandbox.tune(c.arguments)
        #expect(run.status == 2, "\(run)")
        for part in c.says { #expect(run.stderr.contains(part), "'\(part)' in: \(run)") }
        #expect(sandbox.list(".tune") == ["J"], "no job was created")
        #expect(sandbox.read(".tune/J/journal.jsonl") == journal, "the job is unchanged")
    }

    // MARK: config bounds

    @Test(.timeLimit(.minutes(10)))
    func hyperbandMaxResourceAtIntMaxIsAConfigError() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write(
            "c.yml", config(maxTrials: 2, algorithm: "HYPERBAND", extra: "resourceParameter: epochs\nmaxResource: 9223372036854775807"))
        for arguments in [["validate", "c.yml"], ["./train.sh", "--config", "c.yml"]] {
            let run = try await sandbox.tune(arguments)
            #expect(run.status == 2, "a config error, not a crash: \(run)")
            #expect(run.stderr.contains("c.yml:7:"), "\(run)")
            #expect(run.stderr.contains("maxResource must be at most 1000000000000"), "\(run)")
        }
        #expect(!sandbox.exists(".tune"))
    }

    @Test(.timeLimit(.minutes(10)))
    func theWidestHyperbandLadderRuns() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        // 41 rungs at η = 2: the bracket cycle has about 10^12 entries, never listed.
        try sandbox.write(
            "c.yml", config(maxTrials: 2, algorithm: "HYPERBAND", extra: "resourceParameter: epochs\nmaxResource: 1000000000000\nreductionFactor: 2"))
        let validate = try await sandbox.tune(["validate", "c.yml"], timeout: 50)
        #expect(validate.status == 0, "\(validate)")
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "wide", "-q"], timeout: 50)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("2 trials (2 succeeded)"), "\(run)")
    }

    // MARK: destinations inside the store

    /// A job `J` of two trials whose folders hold a file.
    static func jobWithTrials() async throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo model > \"$TUNE_TRIAL_DIR/model.txt\"\necho acc=0.$TUNE_TRIAL_ID")
        try sandbox.write("c.yml", config(maxTrials: 2))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "J", "-q"])
        try #require(run.status == 0, "\(run)")
        return sandbox
    }

    /// Every file under the store, with its size.
    static func storeContents(_ sandbox: Sandbox) -> [String] {
        let root = sandbox.store
        let files = FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []
        return files.sorted().map { path in
            let size = (try? FileManager.default.attributesOfItem(atPath: root + "/" + path))?[.size] as? Int ?? -1
            return "\(path) \(size)"
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func collectRefusesDestinationsInsideTheStore() async throws {
        let sandbox = try await Self.jobWithTrials()
        try FileManager.default.createSymbolicLink(atPath: sandbox.path("link"), withDestinationPath: sandbox.path(".tune/J"))
        let before = Self.storeContents(sandbox)
        for destination in [".tune/J/trials/1", ".tune", "runs/../.tune/J", "link/trials", sandbox.path(".tune/J/trials/1/deeper")] {
            for extra in [[], ["--overwrite"]] {
                let run = try await sandbox.tune(["collect", "J", "--trials", "all", "--to", destination] + extra)
                #expect(run.status == 2, "\(destination): \(run)")
                #expect(run.stderr.contains("--to \(destination) is inside the job store"), "\(run)")
                #expect(run.stderr.contains("write it outside the store"), "\(run)")
            }
        }
        #expect(Self.storeContents(sandbox) == before, "nothing in the store changed")
        #expect(!sandbox.exists("runs"))
        // Outside the store it copies as before, also into the folder that holds the store.
        let fine = try await sandbox.tune(["collect", "J", "--trials", "all", "--to", "out"])
        #expect(fine.status == 0, "\(fine)")
        #expect(sandbox.list("out") == ["J-1", "J-2"])
        let here = try await sandbox.tune(["collect", "J", "--trials", "all", "--to", ".", "--overwrite"])
        #expect(here.status == 0, "\(here)")
        #expect(sandbox.exists("J-1/model.txt") && sandbox.exists("J-2/model.txt"), "\(here)")
        #expect(Self.storeContents(sandbox) == before)
    }

    @Test func reportRefusesToWriteOverTheJournal() async throws {
        let sandbox = try await Self.jobWithTrials()
        try FileManager.default.createSymbolicLink(atPath: sandbox.path("link"), withDestinationPath: sandbox.path(".tune"))
        let before = Self.storeContents(sandbox)
        let journal = sandbox.read(".tune/J/journal.jsonl")
        for output in [".tune/J/journal.jsonl", "link/J/journal.jsonl", "x/../.tune/J/lock", ".tune/J/trials/1/report.html", ".tune"] {
            let run = try await sandbox.tune(["report", "J", "-o", output])
            #expect(run.status == 2, "\(output): \(run)")
            #expect(run.stderr.contains("-o \(output) is inside the job store"), "\(run)")
        }
        #expect(sandbox.read(".tune/J/journal.jsonl") == journal)
        #expect(Self.storeContents(sandbox) == before)
        let trials = try await trialsJSON(sandbox, "J")
        #expect(trials.count == 2, "the journal still reads")
        // The default place, and the same place written out, are the report's own.
        let standard = try await sandbox.tune(["report", "J"])
        #expect(standard.status == 0 && sandbox.exists(".tune/J/report.html"), "\(standard)")
        let named = try await sandbox.tune(["report", "J", "-o", ".tune/J/report.html"])
        #expect(named.status == 0, "\(named)")
        let outside = try await sandbox.tune(["report", "J", "-o", "r.html"])
        #expect(outside.status == 0 && sandbox.exists("r.html"), "\(outside)")
    }

    // MARK: probe's scratch folder

    @Test func probeScratchFolderIsPrivateAndRemoved() async throws {
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(atPath: sandbox.path("tmp"), withIntermediateDirectories: true)
        // The trial records the mode of the store it runs in (its folder is <store>/probe/trials/1).
        try sandbox.script("train.sh", "stat -c %a \"$TUNE_TRIAL_DIR/../../..\" > \"$TUNE_MODE_FILE\"\necho acc=0.5")
        try sandbox.write("c.yml", config(maxTrials: 1))
        let modeFile = sandbox.path("mode.txt")
        for script in ["./train.sh", "./missing.sh"] {
            let run = try await sandbox.tune(["probe", script, "--config", "c.yml"], env: ["TMPDIR": sandbox.path("tmp"), "TUNE_MODE_FILE": modeFile])
            if script == "./train.sh" {
                #expect(run.status == 0, "\(run)")
                #expect(sandbox.read("mode.txt") == "700\n", "the scratch store is the user's alone")
            }
            #expect(sandbox.list("tmp") == [], "the scratch store is removed: \(sandbox.list("tmp")) after \(run)")
        }
        // A trial that fails is reported, and its store removed too.
        try sandbox.script("fail.sh", "echo boom >&2; exit 3")
        let failed = try await sandbox.tune(["probe", "./fail.sh", "--config", "c.yml"], env: ["TMPDIR": sandbox.path("tmp")])
        #expect(failed.status == 1, "\(failed)")
        #expect(sandbox.list("tmp") == [], "\(sandbox.list("tmp"))")
    }

    // MARK: huge configs

    struct BigConfig: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var testDescription: String { name }
    }

    static let bigConfigs: [BigConfig] = [
        BigConfig(
            name: "16,000 categorical values",
            text:
                "hyperparameterMetricTag: acc\nmaxTrials: 2\nparams:\n  - parameterName: c\n    type: CATEGORICAL\n    categoricalValues: [\((0..<16_000).map { "v\($0)" }.joined(separator: ", "))]\n"
        ),
        BigConfig(
            name: "a 100,000-character parameter name",
            text:
                "hyperparameterMetricTag: acc\nmaxTrials: 2\nparams:\n  - parameterName: \(String(repeating: "a", count: 100_000))\n    type: DOUBLE\n    minValue: 0\n    maxValue: 1\n"
        ),
        BigConfig(
            name: "a 100,000-character value",
            text:
                "hyperparameterMetricTag: acc\nmaxTrials: 2\nparams:\n  - parameterName: c\n    type: CATEGORICAL\n    categoricalValues: [x, \(String(repeating: "b", count: 100_000))]\n"
        ),
    ]

    @Test(.timeLimit(.minutes(10)), arguments: bigConfigs)
    func hugeConfigsValidateAndRun(_ c: BigConfig) async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("c.yml", c.text)
        // A hang guard, not a speed check: before the fix these took 18 s to several minutes.
        let validate = try await sandbox.tune(["validate", "c.yml"], timeout: 60)
        #expect(validate.status == 0 && validate.stdout.contains("c.yml: valid"), "\(validate.stderr.prefix(500))")
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "big", "-q"], timeout: 60)
        #expect(run.status == 0 && run.stdout.contains("2 trials (2 succeeded)"), "\(run.stderr.prefix(500))")
    }

    // MARK: process limits

    @Test(.timeLimit(.minutes(10)))
    func parallelTrialsAreFittedToTheOpenFileLimit() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "sleep 0.2; echo acc=0.5")
        try sandbox.write("c.yml", config(maxTrials: 12, parallel: 400))
        let run = try await HostileInputTests.tuneWithLimit(sandbox, "-n 64", ["./train.sh", "--config", "c.yml", "--job", "fds"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("not maxParallelTrials 400: the open-file limit (ulimit -n) is 64"), "\(run)")
        #expect(run.stderr.components(separatedBy: "running at most").count == 2, "said once: \(run)")
        let trials = try await trialsJSON(sandbox, "fds")
        #expect(trials.count == 12 && trials.allSatisfy { $0["state"] as? String == "SUCCEEDED" }, "\(trials)")
    }
}
