import Foundation
import Testing
import TuneTestSupport

/// Usage and config errors: exit 2, a message that says what to do, and no job in the store.
@Suite("End to end: usage and config errors", .limitedParallelism)
struct UsageErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: [String]
        var messages: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "unknown key", arguments: ["./train.sh", "--config", "typo.yml"],
            messages: ["typo.yml:5", "did you mean 'maxTrials'?"]),
        Case(
            name: "missing config file", arguments: ["./train.sh", "--config", "absent.yml"],
            messages: ["absent.yml"]),
        Case(
            name: "missing command", arguments: ["./nope.sh", "--config", "c.yml"],
            messages: ["./nope.sh"]),
        Case(
            name: "non-executable script", arguments: ["./plain.sh", "--config", "c.yml"],
            messages: ["chmod +x"]),
        Case(
            name: "job named latest", arguments: ["./train.sh", "--config", "c.yml", "--job", "latest"],
            messages: ["latest"]),
        Case(
            name: "no command", arguments: ["run", "--config", "c.yml"],
            messages: ["no trial command"]),
        Case(
            name: "no command, default subcommand", arguments: ["--config", "c.yml"],
            messages: ["no trial command"]),
        Case(
            name: "no config option", arguments: ["./train.sh"],
            messages: ["--config"]),
    ]

    static func prepare(_ sandbox: Sandbox) throws {
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("plain.sh", "#!/bin/sh\necho acc=0.5\n")
        try sandbox.write("c.yml", config(maxTrials: 2))
        try sandbox.write(
            "typo.yml",
            """
            goal: MAXIMIZE
            hyperparameterMetricTag: acc
            algorithm: RANDOM_SEARCH
            maxParallelTrials: 1
            maxTrails: 3
            params:
              - parameterName: x
                type: INTEGER
                minValue: 1
                maxValue: 4

            """)
    }

    @Test(arguments: cases)
    func exitsTwoAndCreatesNoJob(_ c: Case) async throws {
        let sandbox = try Sandbox()
        try Self.prepare(sandbox)
        let run = try await sandbox.tune(c.arguments)
        #expect(run.status == 2, "\(run)")
        for message in c.messages {
            #expect(run.stderr.contains(message), "stderr mentions \(message): \(run)")
        }
        #expect(sandbox.list(".tune").isEmpty, "no job folder: \(sandbox.list(".tune"))")
    }

    @Test func aSecondConfigIsAUsageErrorNamingBoth() async throws {
        let sandbox = try Sandbox()
        try Self.prepare(sandbox)
        try sandbox.write("b.yml", config(maxTrials: 1))
        for arguments in [
            ["run", "./train.sh", "-c", "c.yml", "--config", "b.yml"],
            ["./train.sh", "--config=c.yml", "-c", "b.yml"],
            ["--config", "c.yml", "python3", "train.py", "--config", "b.yml"],
            ["-qc", "c.yml", "./train.sh", "--config", "b.yml"],
            ["probe", "./train.sh", "--config", "c.yml", "--config", "b.yml"],
        ] {
            let run = try await sandbox.tune(arguments)
            #expect(run.status == 2, "\(run)")
            #expect(run.stderr.contains("--config is given twice (c.yml and b.yml)"), "\(run)")
            #expect(run.stderr.contains("put `--` before the command"), "\(run)")
        }
        let three = try await sandbox.tune(["./train.sh", "-c", "c.yml", "-c", "b.yml", "-c", "typo.yml"])
        #expect(three.status == 2 && three.stderr.contains("--config is given 3 times (c.yml, b.yml and typo.yml)"), "\(three)")
        #expect(sandbox.list(".tune").isEmpty, "no job: \(sandbox.list(".tune"))")

        // After `--`, --config is the trial's own: tune takes c.yml and the trial gets the rest.
        try sandbox.script("show.sh", "echo \"$@\" > \"$TUNE_TRIAL_DIR/args.txt\"; echo acc=0.5")
        let passed = try await sandbox.tune(["run", "--config", "c.yml", "--job", "p", "--", "./show.sh", "--config", "b.yml"])
        #expect(passed.status == 0, "\(passed)")
        #expect(sandbox.read(".tune/p/trials/1/args.txt")?.hasPrefix("--config b.yml --x=") == true, "\(String(describing: sandbox.read(".tune/p/trials/1/args.txt")))")
    }

    @Test func existingJobNameIsRefusedAndLeftAlone() async throws {
        let sandbox = try Sandbox()
        try Self.prepare(sandbox)
        let first = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "dup"])
        try #require(first.status == 0, "\(first)")
        let journal = sandbox.read(".tune/dup/journal.jsonl")
        let again = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "dup"])
        #expect(again.status == 2, "\(again)")
        #expect(again.stderr.contains("already exists"), "\(again)")
        #expect(sandbox.list(".tune") == ["dup"])
        #expect(sandbox.read(".tune/dup/journal.jsonl") == journal, "the existing job is untouched")
    }
}
