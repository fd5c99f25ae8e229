import Foundation
import Testing
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A job is its folder: copies and renames of job folders, a journal cut short, a job killed after
/// its last trial, and a new job raced by a resume of its name — with real tune processes.
@Suite("End to end: the store's identity", .limitedParallelism)
struct StoreIdentityTests {
    /// `cp -a` of a running job's folder, then `tune resume` of the copy while the original runs:
    /// the copy becomes a job of its own and never touches the original's folders or processes.
    @Test(.timeLimit(.minutes(10)))
    func aCopyOfARunningJobIsAJobOfItsOwn() async throws {
        let sandbox = try Sandbox()
        let release = sandbox.path("release")
        // The original's trials hold until released; every trial logs who it is, and a SIGTERM.
        try sandbox.script(
            "train.sh",
            """
            trap 'echo "$TUNE_TRIAL_DIR" >> "\(sandbox.path("terminated.txt"))"; exit 143' TERM
            echo "$TUNE_JOB_ID $TUNE_TRIAL_DIR" >> '\(sandbox.path("started.txt"))'
            case "$TUNE_TRIAL_DIR" in
              */o/trials/*) while [ ! -f '\(release)' ]; do sleep 0.05; done ;;
            esac
            echo "acc=0.$TUNE_TRIAL_ID"
            """)
        try sandbox.write("c.yml", config(maxTrials: 3, parallel: 2))
        let original = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", "o"])
        let running = await sandbox.waitUntil { (sandbox.read("started.txt") ?? "").split(separator: "\n").count == 2 }
        try #require(running, "\(original.stderrSoFar)")
        try #require(Process.run("/bin/cp", ["-a", sandbox.path(".tune/o"), sandbox.path(".tune/o2")]) == 0)

        let copy = try await sandbox.tune(["resume", "o2"])
        #expect(copy.status == 0, "\(copy)")
        #expect(copy.stderr.contains("job folder o2 is a copy of job o"), "\(copy)")
        #expect(original.isRunning, "the original still runs")
        #expect(sandbox.read("terminated.txt") == nil, "no trial of the original was stopped: \(sandbox.read("terminated.txt") ?? "")")
        let started = (sandbox.read("started.txt") ?? "").split(separator: "\n").map(String.init)
        let copyTrials = started.filter { $0.contains("/o2/trials/") }
        #expect(copyTrials.count == 3, "the copy ran its 2 interrupted trials again and its third, in its own folders: \(started)")
        #expect(copyTrials.allSatisfy { $0.hasPrefix("o2 ") }, "as job o2: \(started)")
        let copied = try await trialsJSON(sandbox, "o2")
        #expect(copied.count == 3 && copied.allSatisfy { $0["state"] as? String == "SUCCEEDED" }, "\(copied)")

        try sandbox.write("release", "")
        let done = await original.finish()
        #expect(done.status == 0, "\(done)")
        let trials = try await trialsJSON(sandbox, "o")
        #expect(trials.count == 3 && trials.allSatisfy { $0["state"] as? String == "SUCCEEDED" && $0["attempt"] == nil }, "\(trials)")
        #expect(sandbox.read("terminated.txt") == nil)
        let jobs = try await sandbox.tune(["jobs"])
        #expect(Self.names(jobs) == ["o", "o2"], "\(jobs)")
    }

    /// The job names `tune jobs` lists.
    static func names(_ jobs: TuneOutcome) -> Set<String> {
        Set(jobs.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) })
    }

    /// `mv .tune/a .tune/b`: every command knows the job as b, and resume goes on in b's folder.
    @Test(.timeLimit(.minutes(10)))
    func aRenamedJobFolderIsTheJobUnderItsNewName() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo \"$TUNE_JOB_ID\" > marker.txt; echo acc=0.$TUNE_TRIAL_ID")
        try sandbox.write("c.yml", config(maxTrials: 2))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "a"])
        try #require(run.status == 0, "\(run)")
        try FileManager.default.moveItem(atPath: sandbox.path(".tune/a"), toPath: sandbox.path(".tune/b"))

        for command in [["trials", "b"], ["status", "b"], ["logs", "b", "--trial", "1"], ["report", "latest"], ["collect", "b", "--to", "out"]] {
            let result = try await sandbox.tune(command)
            #expect(result.status == 0, "\(result)")
        }
        #expect(sandbox.exists(".tune/b/report.html"), "the report of latest is b's")
        #expect(!sandbox.list("out").isEmpty, "collect copied b's best trial")
        let jobs = try await sandbox.tune(["jobs"])
        #expect(Self.names(jobs) == ["b"], "\(jobs)")

        let resumed = try await sandbox.tune(["resume", "b", "--max-trials", "3"])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.stderr.contains("job a was renamed to b"), "\(resumed)")
        #expect(sandbox.exists(".tune/b/trials/3/stdout.log"), "trial 3 ran in b's folder")
        #expect(!sandbox.exists(".tune/a"), "nothing written under the old name")
        let again = try await sandbox.tune(["resume", "b", "--max-trials", "4"])
        #expect(again.status == 0 && !again.stderr.contains("renamed"), "said once, journaled: \(again)")
        #expect(try await trialsJSON(sandbox, "b").count == 4)
    }

    /// tune killed after the last trial ended, before it journaled the job's end (here: the journal
    /// as that kill leaves it): the job reads as finished, and resume journals its end.
    @Test(.timeLimit(.minutes(10)))
    func aJobKilledAfterItsLastTrialReadsAsFinished() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.$TUNE_TRIAL_ID")
        try sandbox.write("c.yml", config(maxTrials: 2))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "k"])
        try #require(run.status == 0, "\(run)")
        let journal = try #require(sandbox.read(".tune/k/journal.jsonl"))
        var lines = journal.split(separator: "\n", omittingEmptySubsequences: true)
        try #require(lines.last?.contains("\"job_state\"") == true)
        lines.removeLast()
        try sandbox.write(".tune/k/journal.jsonl", lines.joined(separator: "\n") + "\n")

        let status = try await sandbox.tune(["status", "k"])
        #expect(status.stdout.contains("SUCCEEDED") && !status.stdout.contains("INTERRUPTED") && !status.stdout.contains("tune resume"), "\(status)")
        let jobs = try await sandbox.tune(["jobs"])
        #expect(jobs.stdout.contains("SUCCEEDED"), "\(jobs)")
        let resumed = try await sandbox.tune(["resume", "k"])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.stderr.contains("recorded it as SUCCEEDED"), "\(resumed)")
        #expect(resumed.stdout.contains("Nothing to resume"), "\(resumed)")
        let last = sandbox.read(".tune/k/journal.jsonl")?.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.contains("\"job_state\"") && last.contains("SUCCEEDED"), "\(last)")
    }

    /// A journal cut short (restored from an older backup, say) no longer records trials 2 and 3,
    /// whose folders remain: the re-created trials start in fresh folders, never reading their
    /// predecessors' metric file as theirs, and the old output is kept.
    @Test(.timeLimit(.minutes(10)))
    func trialsRecreatedAfterACutJournalStartInFreshFolders() async throws {
        let sandbox = try Sandbox()
        // Until `quiet` exists, a trial reports through the hypertune file; then it reports nothing.
        try sandbox.script(
            "train.sh",
            """
            [ -f '\(sandbox.path("quiet"))' ] && exit 0
            echo '{"acc": 0.9, "global_step": "1"}' > "$CLOUD_ML_HP_METRIC_FILE"
            echo "checkpoint of trial $TUNE_TRIAL_ID" > "$TUNE_CHECKPOINT_DIR/model.ckpt"
            echo "first run of trial $TUNE_TRIAL_ID"
            """)
        try sandbox.write("c.yml", config(maxTrials: 3))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "t"])
        try #require(run.status == 0, "\(run)")
        // Keep the header and trial 1's events only.
        let lines = try #require(sandbox.read(".tune/t/journal.jsonl")).split(separator: "\n").map(String.init)
        let kept = lines.filter { line in
            line.contains("\"job_created\"") || line.contains("\"trial\":1,") || line.contains("\"trial\":1}")
        }
        try #require(kept.count >= 3 && kept.count < lines.count)
        try sandbox.write(".tune/t/journal.jsonl", kept.joined(separator: "\n") + "\n")
        try sandbox.write("quiet", "")

        let resumed = try await sandbox.tune(["resume", "t"])
        #expect(resumed.stderr.contains("held output the journal does not record"), "\(resumed)")
        let trials = byId(try await trialsJSON(sandbox, "t"))
        for id in [2, 3] {
            let trial = try #require(trials[id])
            #expect(trial["state"] as? String == "FAILED", "trial \(id) reported nothing this time: \(trial)")
            #expect(sandbox.read(".tune/t/trials/\(id).unrecorded/stdout.log")?.contains("first run of trial \(id)") == true)
            #expect(sandbox.read(".tune/t/checkpoints/\(id).unrecorded/model.ckpt")?.contains("trial \(id)") == true)
            #expect(!sandbox.exists(".tune/t/checkpoints/\(id)/model.ckpt"), "no predecessor's checkpoint for the new trial \(id)")
        }
        #expect(trials[1]?["state"] as? String == "SUCCEEDED")
    }

    /// `tune run --job X` and `tune resume X` at once: the resume finds no job or a running one,
    /// never a new job it could take over.
    @Test(.timeLimit(.minutes(10)))
    func aResumeNeverTakesOverAJobBeingCreated() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo \"$PPID\" >> \"$TUNE_TRIAL_DIR/../../runners\"; echo acc=0.5")
        try sandbox.write("c.yml", config(maxTrials: 1))
        for round in 1...15 {
            let job = "race\(round)"
            let run = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", job, "--quiet"])
            var resumes: [TuneOutcome] = []
            for _ in 0..<3 { resumes.append(try await sandbox.tune(["resume", job, "--quiet"])) }
            let created = await run.finish()
            #expect(created.status == 0, "round \(round): \(created)")
            let trials = try await trialsJSON(sandbox, job)
            #expect(trials.count == 1 && trials.first?["attempt"] == nil, "round \(round): one trial, run once: \(trials) \(resumes)")
            for resume in resumes where resume.status == 0 {
                #expect(resume.stdout.contains("Nothing to resume"), "round \(round): a resume ran the new job: \(resume)")
            }
        }
    }
}

extension Process {
    /// Runs a program to its end; its exit status.
    static func run(_ path: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
