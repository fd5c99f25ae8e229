import Foundation
import Testing
import TuneTestSupport

/// Shell completion as a user gets it: the script tune generates, loaded into a real bash, asked to
/// complete a command line the way bash's programmable completion does when Tab is pressed.
@Suite("End to end: shell completion", .limitedParallelism)
struct CompletionTests {
    /// Two jobs in the default store (.tune), one in another store.
    static func stores(_ sandbox: Sandbox) async throws {
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("c.yml", config(maxTrials: 1))
        for (job, store) in [("first-job", ".tune"), ("second-job", ".tune"), ("elsewhere", "other")] {
            let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", job, "--store", store])
            try #require(run.status == 0, "\(run)")
        }
    }

    /// What bash offers for `line` (the cursor at its end), with tune on PATH as `tune`.
    static func complete(_ line: String, in sandbox: Sandbox) async throws -> [String] {
        let script = try await sandbox.tune(["--generate-completion-script", "bash"])
        try #require(script.status == 0, "\(script)")
        _ = try sandbox.write("tune.bash", script.stdout)
        // bash's programmable completion, by hand: the words, the cursor, the completion function.
        let driver = try sandbox.write(
            "complete.sh",
            """
            source ./tune.bash
            COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
            read -ra COMP_WORDS <<< "$COMP_LINE"
            [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            # As bash calls it: the command, the word being completed, the word before it.
            _tune tune "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """)
        let bin = URL(fileURLWithPath: TuneBinary.path).deletingLastPathComponent().path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [driver, line]
        process.currentDirectoryURL = sandbox.dir
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["TUNE_STORE"] = nil
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        await process.exited(timeout: 30)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func bashCompletesJobNamesFromTheStoreTheLineNames() async throws {
        let sandbox = try Sandbox()
        try await Self.stores(sandbox)
        #expect(Set(try await Self.complete("tune trials ", in: sandbox)) == ["first-job", "second-job", "latest"])
        #expect(Set(try await Self.complete("tune report s", in: sandbox)) == ["second-job"])
        #expect(Set(try await Self.complete("tune status --store other ", in: sandbox)) == ["elsewhere", "latest"])
        #expect(Set(try await Self.complete("tune resume --store=other e", in: sandbox)) == ["elsewhere"])
        #expect(Set(try await Self.complete("tune compare first-job ", in: sandbox)) == ["first-job", "second-job", "latest"])
        #expect(Set(try await Self.complete("tune rm f", in: sandbox)) == ["first-job"])
        let commands = try await Self.complete("tune ", in: sandbox)
        for command in ["run", "trials", "report", "status", "collect"] {
            #expect(commands.contains(command), "tune <Tab> offers \(command): \(commands)")
        }
        #expect(try await Self.complete("tune report --wa", in: sandbox) == ["--watch"])
    }

    @Test func everyShellGetsAScriptThatAsksTuneForJobNames() async throws {
        let sandbox = try Sandbox()
        for shell in ["bash", "zsh", "fish"] {
            let script = try await sandbox.tune(["--generate-completion-script", shell])
            #expect(script.status == 0, "\(script)")
            #expect(script.stdout.contains("---completion trials"), "\(shell): job names come from tune itself")
        }
        // What the scripts run when Tab is pressed after `tune logs`: the names, one per line.
        try await Self.stores(sandbox)
        let asked = try await sandbox.tune(["---completion", "logs", "--", "positional@0", "2", "0", "tune", "logs", ""])
        #expect(asked.status == 0, "\(asked)")
        #expect(asked.stdout.split(separator: "\n").map(String.init) == ["second-job", "first-job", "latest"], "newest first: \(asked)")
    }
}
