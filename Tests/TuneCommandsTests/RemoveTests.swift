import Foundation
import Testing
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `tune rm` on real jobs: asked or --yes, refused for a running job or without a terminal, and
/// never following a link out of the store.
@Suite("End to end: tune rm", .limitedParallelism)
struct RemoveTests {
    static func jobs(_ sandbox: Sandbox, _ names: [String]) async throws {
        try sandbox.script("train.sh", "echo \"acc=0.$TUNE_TRIAL_ID\"")
        try sandbox.write("c.yml", config(maxTrials: 2))
        for name in names {
            let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", name])
            try #require(run.status == 0, "\(run)")
        }
    }

    @Test func removesWithYesAndLeavesTheOthers() async throws {
        let sandbox = try Sandbox()
        try await Self.jobs(sandbox, ["a", "b", "c"])
        let result = try await sandbox.tune(["rm", "a", "c", "--yes"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("removed job a") && result.stdout.contains("removed job c"), "\(result)")
        #expect(sandbox.list(".tune") == ["b"], "no job folder and no hidden leftover: \(sandbox.list(".tune"))")
        let jobs = try await sandbox.tune(["jobs"])
        #expect(jobs.stdout.contains("b ") && !jobs.stdout.contains("a ") && !jobs.stdout.contains("c "), "\(jobs)")
        let trials = try await trialsJSON(sandbox, "b")
        #expect(trials.count == 2)
    }

    @Test func withoutATerminalItNeedsYes() async throws {
        let sandbox = try Sandbox()
        try await Self.jobs(sandbox, ["a"])
        let result = try await sandbox.tune(["rm", "a"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("not a terminal") && result.stderr.contains("--yes") && result.stderr.contains("nothing was removed"), "\(result)")
        #expect(sandbox.exists(".tune/a/journal.jsonl"))
    }

    @Test func unknownJobsAreRefusedBeforeAnythingIsRemoved() async throws {
        let sandbox = try Sandbox()
        try await Self.jobs(sandbox, ["a"])
        let result = try await sandbox.tune(["rm", "a", "nope", "--yes"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("no job 'nope'") && result.stderr.contains("known jobs: a"), "\(result)")
        #expect(sandbox.exists(".tune/a/journal.jsonl"), "a stays: every name is checked first")
        let path = try await sandbox.tune(["rm", "../work/.tune/a", "--yes"])
        #expect(path.status == 2 && sandbox.exists(".tune/a/journal.jsonl"), "\(path)")
    }

    @Test func aRunningJobIsRefused() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("slow.sh", "sleep 30\necho acc=1")
        try sandbox.write("c.yml", config(maxTrials: 1))
        let tune = try sandbox.start(["./slow.sh", "--config", "c.yml", "--job", "busy"])
        let started = await sandbox.waitUntil { sandbox.read(".tune/busy/journal.jsonl")?.contains("trial_started") ?? false }
        try #require(started, "\(tune.stderrSoFar)")
        let result = try await sandbox.tune(["rm", "busy", "--yes"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("job busy is running (tune process \(tune.pid))"), "\(result)")
        #expect(result.stderr.contains("stop it first") && result.stderr.contains("tune status busy"), "\(result)")
        #expect(sandbox.exists(".tune/busy/journal.jsonl") && sandbox.exists(".tune/busy/trials/1"), "the job is intact")
        #expect(tune.isRunning)
        let status = try await sandbox.tune(["status", "busy"])
        #expect(status.stdout.contains("RUNNING"), "\(status)")
        tune.signal(SIGTERM)
        _ = await tune.finish()
        let after = try await sandbox.tune(["rm", "busy", "--yes"])
        #expect(after.status == 0 && !sandbox.exists(".tune/busy"), "stopped, it goes: \(after)")
    }

    @Test func linksInTheJobAreNotFollowed() async throws {
        let sandbox = try Sandbox()
        try await Self.jobs(sandbox, ["a"])
        let outside = sandbox.root.appendingPathComponent("outside").path
        try FileManager.default.createDirectory(atPath: outside + "/deep", withIntermediateDirectories: true)
        try "keep".write(toFile: outside + "/deep/precious.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: sandbox.path(".tune/a/trials/1/data"), withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: sandbox.path(".tune/a/file-link"), withDestinationPath: outside + "/deep/precious.txt")
        // A trial folder its trial made read-only still goes.
        chmod(sandbox.path(".tune/a/trials/2"), 0o555)
        let result = try await sandbox.tune(["rm", "a", "--yes"])
        #expect(result.status == 0, "\(result)")
        #expect(!sandbox.exists(".tune/a"))
        #expect(sandbox.list(".tune").isEmpty, "\(sandbox.list(".tune"))")
        #expect(sandbox.read(outside + "/deep/precious.txt") == "keep", "the link's target survives")
    }

    /// util-linux `script` (Linux; BSD's takes other options).
    static var hasScript: Bool {
        #if os(Linux)
        return FileManager.default.isExecutableFile(atPath: "/usr/bin/script")
        #else
        return false
        #endif
    }

    @Test(.enabled(if: hasScript))
    func asksOnATerminal() async throws {
        let sandbox = try Sandbox()
        try await Self.jobs(sandbox, ["a"])
        let no = try Self.onTerminal(sandbox, "rm a", answer: "n")
        #expect(no.contains("Remove job a (2 trials, SUCCEEDED)? [y/N]") && no.contains("kept job a"), "\(no)")
        #expect(sandbox.exists(".tune/a/journal.jsonl"))
        let yes = try Self.onTerminal(sandbox, "rm a", answer: "y")
        #expect(yes.contains("removed job a"), "\(yes)")
        #expect(!sandbox.exists(".tune/a"))
    }

    /// Runs `tune <arguments>` on a pseudo-terminal (util-linux `script`), typing `answer`; what it showed.
    static func onTerminal(_ sandbox: Sandbox, _ arguments: String, answer: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", "'\(TuneBinary.path)' \(arguments) --store '\(sandbox.store)'", "/dev/null"]
        process.currentDirectoryURL = sandbox.dir
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data((answer + "\n").utf8))
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
