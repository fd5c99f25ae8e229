import Foundation
import Testing
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Issue 5, hostile input, end to end: each bad input gets a clear error (or a clear trial
/// failure), quickly, and nothing is created, lost or damaged.
@Suite("End to end: hostile input", .limitedParallelism)
struct HostileInputTests {
    // MARK: configs

    struct ConfigCase: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        /// Every one of these is in tune's stderr.
        var says: [String]
        var testDescription: String { name }

        init(_ name: String, _ text: String, says: [String]) {
            self.init(name, bytes: Array(text.utf8), says: says)
        }

        init(_ name: String, bytes: [UInt8], says: [String]) {
            self.name = name
            self.bytes = bytes
            self.says = says
        }
    }

    static let params = "params: [{parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}]\n"

    static let configCases: [ConfigCase] = [
        ConfigCase("not YAML", "goal: [MAXIMIZE\n", says: ["c.yml:2:1: error: invalid YAML"]),
        ConfigCase("empty", "", says: ["c.yml is empty", "write a hyperparameter spec"]),
        ConfigCase("a YAML scalar", "hello\n", says: ["c.yml:1:1", "must be a mapping"]),
        ConfigCase("billion laughs", billionLaughs() + params, says: ["c.yml:7:", "aliases repeat more than 1000000 values", "write the repeated values out"]),
        ConfigCase("alias bomb as a mapping key", billionLaughs() + "? *a8\n: 1\n", says: ["aliases repeat more than"]),
        ConfigCase(
            "huge number", "params: [{parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1e999}]\n",
            says: ["c.yml:1:", "maxValue must be a number, got '1e999'", "beyond the largest number"]),
        ConfigCase(
            "huge integer", "maxTrials: 123456789012345678901234567890\n" + params,
            says: ["c.yml:1:12", "maxTrials must be a positive integer", "beyond the largest integer"]),
        ConfigCase(
            "NaN bound", "params: [{parameterName: x, type: DOUBLE, minValue: .nan, maxValue: 1}]\n",
            says: ["c.yml:1:", "x: minValue must be a finite number, got '.nan'"]),
        ConfigCase(
            "infinite bound", "params: [{parameterName: x, type: DOUBLE, minValue: 0, maxValue: .inf}]\n",
            says: ["x: maxValue must be a finite number, got '.inf'", "write a finite number"]),
        ConfigCase(
            "duplicate parameter names",
            "params:\n  - {parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}\n  - {parameterName: x, type: INTEGER, minValue: 0, maxValue: 1}\n",
            says: ["c.yml:3:", "duplicate parameter name 'x'", "first defined at line 2"]),
        ConfigCase(
            "non-UTF-8 bytes", bytes: Array("goal: MAXIMIZE  # caf".utf8) + [0xE9] + Array("\n".utf8) + Array(params.utf8),
            says: ["c.yml:1:22: error: byte 0xE9 is not UTF-8 text", "save the config as UTF-8"]),
        ConfigCase(
            "a binary file", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52],
            says: ["c.yml:1:1: error: byte 0x89 is not UTF-8"]),
    ]

    /// Nothing in the working folder but what the test put there: no store, no job.
    static func expectNothingCreated(_ sandbox: Sandbox, besides files: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sandbox.list(sandbox.dir.path) == files.sorted(), "created: \(sandbox.list(sandbox.dir.path))", sourceLocation: sourceLocation)
    }

    @Test(arguments: configCases)
    func badConfigIsRefusedQuicklyAndCreatesNothing(_ c: ConfigCase) async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try Data(c.bytes).write(to: URL(fileURLWithPath: sandbox.path("c.yml")))
        for arguments in [["validate", "c.yml"], ["./train.sh", "--config", "c.yml"]] {
            // A hang guard, not a speed check (the timings are in the closing notes, measured apart).
            let run = try await sandbox.tune(arguments, timeout: 60)
            #expect(run.status == 2, "\(run)")
            for part in c.says {
                #expect(run.stderr.contains(part), "'\(part)' in: \(run)")
            }
        }
        Self.expectNothingCreated(sandbox, besides: ["c.yml", "train.sh"])
    }

    @Test func tenThousandParametersRun() async throws {
        let sandbox = try Sandbox()
        // The trial reports how many flags it got.
        try sandbox.script("train.sh", "echo \"acc=$#\"")
        try sandbox.write("c.yml", manyParameters(10_000))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "wide", "-q"], timeout: 120)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("2 trials (2 succeeded)"), "\(run)")
        #expect(run.stdout.contains(": acc=10000.0 (step 1)"), "the trial got 10,000 flags: \(run.stdout.prefix(300))")
    }

    // MARK: trial output

    struct OutputCase: Sendable, CustomTestStringConvertible {
        var name: String
        var script: String
        var state: String
        /// The objective of a successful trial, or a part of a failed one's reason.
        var objective: Double?
        var reason: String?
        /// Printed by tune exactly once.
        var warning: String?
        var testDescription: String { name }
    }

    static let outputCases: [OutputCase] = [
        OutputCase(
            name: "20 MB without a line end", script: "head -c 20000000 /dev/zero | tr '\\000' a\necho\necho acc=0.5",
            state: "SUCCEEDED", objective: 0.5, warning: "a line on stdout is longer than 64 KB"),
        OutputCase(
            name: "binary garbage", script: "head -c 3000000 /dev/urandom\nhead -c 300000 /dev/urandom >&2\necho\necho acc=0.5",
            state: "SUCCEEDED", objective: 0.5),
        OutputCase(
            name: "10 MB lines", script: "for i in 1 2; do printf 'acc=0.9 '; head -c 10000000 /dev/zero | tr '\\000' x; echo; done\necho acc=0.5",
            state: "SUCCEEDED", objective: 0.5, warning: "not read for metrics"),
        OutputCase(
            name: "NaN objective", script: "echo acc=0.3\necho acc=nan", state: "FAILED",
            reason: "the metric acc is nan at step 2 in the trial's output: a NaN or infinite objective cannot be ranked"),
        OutputCase(
            name: "infinite objective", script: "echo '{\"acc\": 0.3, \"step\": 1}'\necho 'acc=-inf step=3'", state: "FAILED",
            reason: "the metric acc is -inf at step 3"),
        OutputCase(name: "infinite objective on stderr", script: "echo acc=inf >&2", state: "FAILED", reason: "the metric acc is inf at step 1"),
        OutputCase(name: "NaN, then a number", script: "echo acc=nan\necho acc=0.7", state: "SUCCEEDED", objective: 0.7),
    ]

    @Test(arguments: outputCases)
    func hostileTrialOutput(_ c: OutputCase) async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", c.script)
        try sandbox.write("c.yml", config(maxTrials: 1))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "out"], timeout: 60)
        #expect(run.status == (c.state == "SUCCEEDED" ? 0 : 1), "\(run)")
        let trials = try await trialsJSON(sandbox, "out")
        try #require(trials.count == 1)
        #expect(trials[0]["state"] as? String == c.state, "\(trials[0])")
        if let value = c.objective { #expect(objective(trials[0]) == value, "\(trials[0])") }
        if let reason = c.reason {
            let got = trials[0]["failureReason"] as? String ?? ""
            #expect(got.contains(reason), "\(got)")
            #expect(run.stderr.contains(reason), "the summary says why: \(run)")
        }
        if let warning = c.warning {
            #expect(run.stderr.components(separatedBy: warning).count == 2, "warned exactly once: \(run)")
        }
        // The log keeps every byte the trial wrote.
        let log = sandbox.store + "/out/trials/1/stdout.log"
        let size = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? -1
        if c.name.hasPrefix("20 MB") { #expect(size == 20_000_000 + 1 + 8) }
        if c.name.hasPrefix("10 MB") { #expect(size == 2 * (8 + 10_000_000 + 1) + 8) }
    }

    // MARK: the store

    /// A config that is a FIFO nobody writes to reads as empty: an error, not tune blocked for good.
    @Test(.timeLimit(.minutes(10)))
    func aFIFOConfigIsAnErrorNotAHang() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try #require(mkfifo(sandbox.path("c.yml"), 0o644) == 0)
        for arguments in [["validate", "c.yml"], ["./train.sh", "--config", "c.yml"]] {
            let result = try await sandbox.tune(arguments, timeout: 20)
            #expect(result.status == 2 && result.stderr.contains("c.yml is empty"), "\(result)")
        }
        #expect(!sandbox.exists(".tune"), "nothing created")
    }

    @Test func storeWhoseParentIsAFileIsAnErrorAndNothingIsCreated() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("c.yml", config(maxTrials: 1))
        try sandbox.write("notafolder", "x")
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--store", "notafolder/store"])
        #expect(run.status != 0, "\(run)")
        #expect(run.stderr.contains("cannot create the store"), "\(run)")
        #expect(run.stderr.contains("notafolder is not a folder") && run.stderr.contains("--store"), "\(run)")
        Self.expectNothingCreated(sandbox, besides: ["c.yml", "notafolder", "train.sh"])
    }

    #if os(Linux)
    @Test func storeWhereNothingCanBeWrittenIsAnError() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("c.yml", config(maxTrials: 1))
        // /proc takes no new folders, even for root.
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--store", "/proc/tune-store"])
        #expect(run.status != 0, "\(run)")
        #expect(run.stderr.contains("cannot create the store /proc/tune-store"), "\(run)")
        #expect(run.stderr.contains("--store"), "says what to do: \(run)")
        #expect(!FileManager.default.fileExists(atPath: "/proc/tune-store"))
    }
    #endif

    /// Runs tune under `ulimit -f blocks` (512-byte blocks in dash, 1 KB in bash), as on a full disk.
    static func tuneWithFileSizeLimit(_ sandbox: Sandbox, blocks: Int, _ arguments: [String]) async throws -> TuneOutcome {
        try await tuneWithLimit(sandbox, "-f \(blocks)", arguments)
    }

    /// Runs tune under `ulimit <limit>` (e.g. `-n 48`).
    static func tuneWithLimit(_ sandbox: Sandbox, _ limit: String, _ arguments: [String]) async throws -> TuneOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit \(limit) && exec \"$0\" \"$@\"", TuneBinary.path] + arguments
        process.currentDirectoryURL = sandbox.dir
        var environment = ProcessInfo.processInfo.environment
        environment["TUNE_STORE"] = nil
        process.environment = environment
        // A pipe, not a file: the file size limit would cut a file short. Read on a thread of its
        // own, so the test's pool thread is free while tune runs.
        let err = Pipe()
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = err
        let started = Date()
        try process.run()
        let reader = err.fileHandleForReading
        let data = await withCheckedContinuation { (done: CheckedContinuation<Data, Never>) in
            Thread.detachNewThread { done.resume(returning: reader.readDataToEndOfFile()) }
        }
        await process.exited()
        let stderr = String(decoding: data, as: UTF8.self)
        let status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        return TuneOutcome(
            arguments: arguments, status: status, stdout: "", stderr: stderr, timedOut: false,
            elapsed: Date().timeIntervalSince(started))
    }

    @Test func fullDiskStopsTheJobWithAnErrorAndTheJournalStillReplays() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("c.yml", config(maxTrials: 200))
        let run = try await Self.tuneWithFileSizeLimit(sandbox, blocks: 8, ["./train.sh", "--config", "c.yml", "--job", "full"])
        #expect(run.status == 1, "an error, not SIGXFSZ: \(run)")
        #expect(run.stderr.contains("cannot write journal"), "\(run)")
        #expect(run.stderr.contains("File too large") && run.stderr.contains("free some space"), "\(run)")
        // Without the limit, the journal replays: the trials finished before the disk filled are there.
        let trials = try await trialsJSON(sandbox, "full")
        let succeeded = trials.filter { $0["state"] as? String == "SUCCEEDED" }
        #expect(!succeeded.isEmpty && trials.count < 200, "\(trials.count) trials")
        #expect(succeeded.allSatisfy { objective($0) == 0.5 })
        let status = try await sandbox.tune(["status", "full"])
        #expect(status.status == 0, "\(status)")
    }

    @Test func shortOfFileDescriptorsTrialsWaitInsteadOfFailing() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "sleep 0.3; echo acc=0.5")
        // 40 trials at once need 80 pipe ends; 48 descriptors in all cannot hold them.
        try sandbox.write("c.yml", config(maxTrials: 50, parallel: 40))
        let run = try await Self.tuneWithLimit(sandbox, "-n 48", ["./train.sh", "--config", "c.yml", "--job", "fds"])
        #expect(run.status == 0, "\(run)")
        // Issue 16: the open-file limit is read first, and the trials at once fitted to it (a
        // shortage left over, if any, still makes a trial wait rather than fail).
        #expect(run.stderr.contains("not maxParallelTrials 40: the open-file limit (ulimit -n) is 48"), "says so once: \(run)")
        let trials = try await trialsJSON(sandbox, "fds")
        #expect(trials.count == 50)
        #expect(trials.allSatisfy { $0["state"] as? String == "SUCCEEDED" }, "no trial failed for want of a pipe")
    }

    @Test func noRoomForTheJobHeaderLeavesNoJob() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("c.yml", config(maxTrials: 1))
        let run = try await Self.tuneWithFileSizeLimit(sandbox, blocks: 0, ["./train.sh", "--config", "c.yml", "--job", "none"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("cannot write journal"), "\(run)")
        #expect(sandbox.list(".tune").isEmpty, "no half-made job: \(sandbox.list(".tune"))")
    }

    // MARK: job names

    @Test(
        "a job name that is a path, or has spaces, is refused and creates nothing",
        arguments: [
            ("a/b", "cannot contain '/'"), ("..", "starts with '.'"), ("../escape", "cannot contain '/'"),
            ("my job", "contains a space"), ("", "is empty"), ("-rf", "starts with '-'"),
        ])
    func badJobName(name: String, reason: String) async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("c.yml", config(maxTrials: 1))
        // `--job=-rf`: as a separate word, the argument parser would take it for an option.
        let option = name.hasPrefix("-") ? ["--job=\(name)"] : ["--job", name]
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml"] + option)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("'\(name)' cannot be a job name: ") && run.stderr.contains(reason), "\(run)")
        #expect(run.stderr.contains("use letters, digits"), "says what to do: \(run)")
        Self.expectNothingCreated(sandbox, besides: ["c.yml", "train.sh"])
    }

    @Test func aJobReferenceIsNeverAPath() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("c.yml", config(maxTrials: 1))
        // A real job outside the store, where `../outside` would reach it.
        let made = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "outside", "--store", "."])
        try #require(made.status == 0, "\(made)")
        for arguments in [["status", "../outside"], ["trials", "../outside"], ["logs", "../outside"], ["collect", "../outside"]] {
            let run = try await sandbox.tune(arguments + ["--store", "store"])
            #expect(run.status == 2, "\(run)")
            #expect(run.stderr.contains("cannot contain '/'"), "\(run)")
        }
        #expect(!sandbox.exists("runs"), "nothing collected")
    }
}

/// A YAML "billion laughs": nine levels of nine aliases each.
func billionLaughs() -> String {
    var lines = [#"a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#]
    for level in 1..<9 {
        lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ",") + "]")
    }
    return lines.joined(separator: "\n") + "\n"
}

/// `count` DOUBLE parameters p0, p1, … in the bare shape.
func manyParameters(_ count: Int) -> String {
    var text = "goal: MAXIMIZE\nhyperparameterMetricTag: acc\nmaxTrials: 2\nalgorithm: RANDOM_SEARCH\nparams:\n"
    for i in 0..<count {
        text += "  - parameterName: p\(i)\n    type: DOUBLE\n    minValue: 0\n    maxValue: 1\n"
    }
    return text
}
