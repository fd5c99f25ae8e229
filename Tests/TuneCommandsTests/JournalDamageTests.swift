import Foundation
import Testing
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A damaged journal is found and said, never misread: every command that reads the job warns
/// with the file and line, resume and retry refuse, `tune doctor` says what was lost and repairs,
/// and `tune jobs` never hangs on a journal that is not a file.
@Suite("End to end: journal damage and tune doctor", .limitedParallelism, .timeLimit(.minutes(10)))
struct JournalDamageTests {
    /// A finished job of `trials` trials whose trial k reports acc=0.k (one line per trial event).
    static func finishedJob(_ sandbox: Sandbox, trials: Int = 6) async throws {
        try sandbox.script(
            "train.sh",
            """
            echo "$TUNE_TRIAL_ID $TUNE_TRIAL_ATTEMPT" >> '\(sandbox.path("runs.txt"))'
            echo "acc=0.$TUNE_TRIAL_ID"
            """)
        try sandbox.write("tuning.yml", config(maxTrials: trials))
        let run = try await sandbox.tune(["./train.sh", "--config", "tuning.yml", "--job", "j"])
        try #require(run.status == 0, "\(run)")
    }

    static var journal: String { ".tune/j/journal.jsonl" }

    /// The journal's lines, and the 1-based number of the first line with all of `parts`.
    static func line(_ sandbox: Sandbox, with parts: [String]) throws -> (lines: [String], number: Int) {
        let lines = try #require(sandbox.read(journal)).components(separatedBy: "\n")
        let index = try #require(lines.firstIndex { line in parts.allSatisfy { line.contains($0) } }, "no line with \(parts)")
        return (lines, index + 1)
    }

    static func replaceLine(_ sandbox: Sandbox, _ number: Int, in lines: [String], _ change: (String) -> String) throws {
        var lines = lines
        lines[number - 1] = change(lines[number - 1])
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: sandbox.path(journal)))
    }

    /// One changed digit in trial 5's creation (5 read as 9) was a wrong table before: trials 5–8
    /// gone and trial 9's result beside trial 5's parameters. Now: reported with its line by
    /// `tune trials` (what is intact still shown) and by `tune doctor` (exit 1).
    @Test func aChangedDigitIsReportedWithItsLine() async throws {
        let sandbox = try Sandbox()
        try await Self.finishedJob(sandbox, trials: 10)
        let (lines, number) = try Self.line(sandbox, with: ["\"event\":\"trial_created\"", "\"trial\":5"])
        try Self.replaceLine(sandbox, number, in: lines) { $0.replacingOccurrences(of: "\"trial\":5", with: "\"trial\":9") }

        let trials = try await sandbox.tune(["trials", "j", "--format", "json"])
        #expect(trials.status == 0, "\(trials)")
        // The line itself (its checksum), then trial 5's events that follow it, for a trial never created.
        #expect(trials.stderr.contains("warning: journal \(Self.journal) is damaged at lines \(number), \(number + 1)"), "\(trials)")
        #expect(trials.stderr.contains("(line \(number): checksum mismatch: "), "\(trials)")
        #expect(trials.stderr.contains("run tune doctor j"), "\(trials)")
        #expect(trials.stderr.components(separatedBy: "warning:").count == 2, "warned once: \(trials)")
        let shown = byId(try JSONSerialization.jsonObject(with: Data(trials.stdout.utf8)) as? [[String: Any]] ?? [])
        #expect(shown[5] == nil, "trial 5's creation is lost: \(shown.keys.sorted())")
        for id in [1, 2, 3, 4, 6, 7, 8, 9, 10] {
            #expect(objective(shown[id] ?? [:]) == Double("0.\(id)"), "trial \(id) shows its own result: \(shown[id] ?? [:])")
        }

        // Every command that reads the job says it once, and still does its work.
        for arguments in [
            ["status", "j"], ["report", "j"], ["collect", "j", "--to", "out"], ["logs", "j", "--trial", "1"], ["plot", "j"], ["watch", "j"], ["jobs"],
        ] {
            let result = try await sandbox.tune(arguments)
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr.components(separatedBy: "warning: journal \(Self.journal) is damaged at lines \(number), ").count == 2, "\(result)")
        }

        let doctor = try await sandbox.tune(["doctor", "j"])
        #expect(doctor.status == 1, "\(doctor)")
        #expect(doctor.stdout.contains("line \(number) (byte "), "\(doctor)")
        #expect(doctor.stdout.contains("trial 5: not in the journal"), "\(doctor)")
        #expect(doctor.stdout.contains("on disk: trials/5/ stdout.log"), "\(doctor)")
    }

    /// A warm start (`resumePreviousJobId`) from a damaged job says so, and uses its intact trials.
    @Test func aWarmStartFromADamagedJobSaysSo() async throws {
        let sandbox = try Sandbox()
        try await Self.finishedJob(sandbox, trials: 4)
        let (lines, number) = try Self.line(sandbox, with: ["\"event\":\"trial_finished\"", "\"trial\":2"])
        try Self.replaceLine(sandbox, number, in: lines) { $0.replacingOccurrences(of: "0.2", with: "0.7") }
        try sandbox.write("warm.yml", config(maxTrials: 2, extra: "resumePreviousJobId: j"))
        let warm = try await sandbox.tune(["./train.sh", "--config", "warm.yml", "--job", "w"])
        #expect(warm.status == 0, "\(warm)")
        #expect(warm.stderr.contains("resumePreviousJobId: journal ") && warm.stderr.contains("/\(Self.journal) is damaged at line \(number)"), "\(warm)")
        #expect(warm.stderr.contains("warm start from job j: 3 finished trials"), "the 3 intact ones: \(warm)")
    }

    /// A damaged trial_finished line made a succeeded trial run again on resume. Now resume (and
    /// retry) refuse, changing nothing; `tune doctor --repair` keeps the damaged journal and writes
    /// the intact events; resume then runs exactly that trial again, as attempt 2, and the job ends
    /// with maxTrials trials.
    @Test func aDamagedEndStopsResumeUntilRepaired() async throws {
        let sandbox = try Sandbox()
        try await Self.finishedJob(sandbox, trials: 6)
        let (lines, number) = try Self.line(sandbox, with: ["\"event\":\"trial_finished\"", "\"trial\":4"])
        try Self.replaceLine(sandbox, number, in: lines) { $0.replacingOccurrences(of: "0.4", with: "0.5") }
        let damaged = try #require(FileManager.default.contents(atPath: sandbox.path(Self.journal)))

        for arguments in [["resume", "j"], ["retry", "j", "--trials", "4"]] {
            let refused = try await sandbox.tune(arguments)
            #expect(refused.status == 2, "\(refused)")
            #expect(refused.stderr.contains("damaged at line \(number) (checksum mismatch: what reads as trial 4's end is lost)"), "\(refused)")
            #expect(refused.stderr.contains("tune doctor j"), "\(refused)")
            #expect(FileManager.default.contents(atPath: sandbox.path(Self.journal)) == damaged, "nothing changed by \(arguments)")
        }
        #expect(sandbox.read("runs.txt")?.components(separatedBy: "\n").filter { !$0.isEmpty }.count == 6, "no trial ran again")

        let doctor = try await sandbox.tune(["doctor", "j"])
        #expect(doctor.status == 1, "\(doctor)")
        #expect(doctor.stdout.contains("line \(number) (byte ") && doctor.stdout.contains("checksum mismatch — what reads as trial 4's end is lost"), "\(doctor)")
        #expect(doctor.stdout.contains("trial 4: RUNNING in the journal, attempt 1"), "\(doctor)")
        #expect(doctor.stdout.contains("journal.damaged-1.jsonl"), "\(doctor)")
        #expect(doctor.stdout.contains("runs trial 4 again"), "\(doctor)")

        let repair = try await sandbox.tune(["doctor", "j", "--repair"])
        #expect(repair.status == 0, "\(repair)")
        #expect(FileManager.default.contents(atPath: sandbox.path(".tune/j/journal.damaged-1.jsonl")) == damaged, "the damaged journal is kept as it was")
        let healthy = try await sandbox.tune(["doctor", "j"])
        #expect(healthy.status == 0 && healthy.stdout.contains("no damage"), "\(healthy)")
        let quiet = try await sandbox.tune(["trials", "j"])
        #expect(quiet.status == 0 && !quiet.stderr.contains("warning"), "\(quiet)")

        let resume = try await sandbox.tune(["resume", "j"])
        #expect(resume.status == 0, "\(resume)")
        let runs = sandbox.read("runs.txt")?.components(separatedBy: "\n").filter { !$0.isEmpty } ?? []
        #expect(runs.count == 7 && runs.last == "4 2", "exactly trial 4 again, as attempt 2: \(runs)")
        let after = byId(try await trialsJSON(sandbox, "j"))
        #expect(after.count == 6, "maxTrials trials: \(after.keys.sorted())")
        #expect(objective(after[4] ?? [:]) == 0.4, "\(after[4] ?? [:])")
        #expect(sandbox.exists(".tune/j/trials/4.attempt-1"), "the earlier attempt's folder is kept aside")
    }

    /// A job written by an earlier release (format 2, no checksums) with a garbled middle line:
    /// reported too, by the structural checks and the line that does not read.
    @Test func aGarbledLineOfAFormat2JournalIsReported() async throws {
        let sandbox = try ReleaseJournalTests.sandbox("finished")
        let journal = sandbox.store + "/finished/journal.jsonl"
        var lines = try #require(sandbox.read(journal)).components(separatedBy: "\n")
        let number = try #require(lines.firstIndex { $0.contains("\"event\":\"trial_finished\"") && $0.contains("\"trial\":2") }) + 1
        lines[number - 1] = "{#" + String(lines[number - 1].dropFirst(2))
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: journal))

        let trials = try await sandbox.tune(["trials", "finished"])
        #expect(trials.status == 0, "\(trials)")
        #expect(trials.stderr.contains("is damaged at line \(number) (not a journal event: trial 2's end is lost)"), "\(trials)")
        let doctor = try await sandbox.tune(["doctor", "finished"])
        #expect(doctor.status == 1 && doctor.stdout.contains("format 2") && doctor.stdout.contains("line \(number) (byte "), "\(doctor)")
        let resume = try await sandbox.tune(["resume", "finished"])
        #expect(resume.status == 2 && resume.stderr.contains("tune doctor finished"), "\(resume)")
        let jobs = try await sandbox.tune(["jobs"])
        #expect(jobs.status == 0 && jobs.stdout.contains("(DAMAGED)") && jobs.stderr.contains("line \(number)"), "\(jobs)")
    }

    /// A journal that is a link to /dev/zero, or a FIFO, hung `tune jobs` (read without end, or an
    /// open waiting for a writer) and the job was hidden. Now it is listed as unreadable with the
    /// reason, at once, and `tune jobs` exits 1; the other jobs are listed.
    @Test func jobsListsAJournalThatIsNotAFileAsUnreadable() async throws {
        let sandbox = try Sandbox()
        try await Self.finishedJob(sandbox, trials: 1)
        try FileManager.default.createDirectory(atPath: sandbox.path(".tune/zero"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: sandbox.path(".tune/zero/journal.jsonl"), withDestinationPath: "/dev/zero")
        try FileManager.default.createDirectory(atPath: sandbox.path(".tune/fifo"), withIntermediateDirectories: true)
        #expect(mkfifo(sandbox.path(".tune/fifo/journal.jsonl"), 0o644) == 0)
        #expect(mkfifo(sandbox.path(".tune/fifo/lock"), 0o644) == 0)

        let jobs = try await sandbox.tune(["jobs"])
        #expect(!jobs.timedOut)
        #expect(jobs.status == 1, "\(jobs)")
        #expect(jobs.stdout.contains("j "), "the sound job is listed: \(jobs)")
        let zero = jobs.stdout.components(separatedBy: "\n").first { $0.hasPrefix("zero") } ?? ""
        #expect(zero.contains("UNREADABLE") && zero.contains("a character device, not a regular file"), "\(jobs)")
        let fifo = jobs.stdout.components(separatedBy: "\n").first { $0.hasPrefix("fifo") } ?? ""
        #expect(fifo.contains("UNREADABLE") && fifo.contains("a FIFO (named pipe), not a regular file"), "\(jobs)")
        #expect(jobs.stderr.contains("cannot be read (zero, fifo)") || jobs.stderr.contains("cannot be read (fifo, zero)"), "\(jobs)")

        for job in ["zero", "fifo"] {
            for arguments in [["trials", job], ["status", job], ["doctor", job], ["resume", job]] {
                let result = try await sandbox.tune(arguments)
                #expect(!result.timedOut && result.status != 0 && result.stderr.contains("not a regular file"), "\(result)")
            }
        }
    }
}
