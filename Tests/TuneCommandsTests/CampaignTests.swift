import Foundation
import Testing
import TuneCore
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The reliability campaign (Reliability.md): tune killed at every point of its loop, every write
/// of its journal made to fail, and hostile trials — each followed by the checks a user relies on:
/// tune ends with a clear error, never a crash or a hang; no trial process outlives it; the job
/// loads; `tune resume` ends it with exactly its trials, none finished twice.
///
/// The faults come from `Fixtures/faults.c`, an LD_PRELOAD library built here with the C compiler.
@Suite("Reliability campaign", .limitedParallelism, .serialized)
struct CampaignTests {
    /// The fault library, built once; nil where no C compiler is found.
    static let faults: String? = {
        let source = TuneBinary.repository.appendingPathComponent("Tests/TuneCommandsTests/Fixtures/faults.c").path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tune-faults-\(getpid()).so").path
        for compiler in ["/usr/bin/cc", "/usr/bin/clang", "/opt/swift/usr/bin/clang"] where FileManager.default.isExecutableFile(atPath: compiler) {
            if (try? Process.run(compiler, ["-shared", "-fPIC", "-O1", "-o", output, source, "-ldl"])) == 0 { return output }
        }
        return nil
    }()

    static func requireFaults() throws -> String {
        try #require(faults, "no C compiler (cc, clang) built Tests/TuneCommandsTests/Fixtures/faults.c")
    }

    /// A job of 4 trials, 2 at a time, each reporting 3 readings; every trial logs its pid and,
    /// when it ends, "id attempt" to finished.txt.
    static func job(_ sandbox: Sandbox, maxTrials: Int = 4, algorithm: String = "RANDOM_SEARCH", extra: String = "") throws {
        try sandbox.script(
            "train.sh",
            """
            echo $$ >> '\(sandbox.path("pids.txt"))'
            for s in 1 2 3; do echo "step=$s acc=0.$TUNE_TRIAL_ID$s"; sleep 0.02; done
            echo "$TUNE_TRIAL_ID $TUNE_TRIAL_ATTEMPT" >> '\(sandbox.path("finished.txt"))'
            """)
        let integer = "  - parameterName: x\n    type: INTEGER\n    minValue: 1\n    maxValue: 8"
        try sandbox.write(
            "c.yml",
            algorithm == "GRID_SEARCH"
                ? config(maxTrials: maxTrials, parallel: 2, algorithm: algorithm, extra: extra, params: integer)
                : config(maxTrials: maxTrials, parallel: 2, algorithm: algorithm, extra: extra))
    }

    /// What a user relies on after tune died or failed: no trial process left, and `tune resume`
    /// ends the job with exactly its trials, each finished once per attempt.
    static func expectRecovers(_ sandbox: Sandbox, _ job: String, trials expected: Int, _ context: String) async throws {
        let pids = (sandbox.read("pids.txt") ?? "").split(separator: "\n").compactMap { Int32($0) }
        let gone = await sandbox.waitUntil(timeout: 10) { pids.allSatisfy { !isAlive($0) } }
        #expect(gone, "\(context): a trial outlived tune")
        guard !(sandbox.read(".tune/\(job)/journal.jsonl") ?? "").isEmpty else {
            // Killed before the header: no job, and the name is free again.
            let again = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", job, "--quiet"])
            #expect(again.status == 0, "\(context): the name is free: \(again)")
            return try await expectRecovers(sandbox, job, trials: expected, context + " (run again)")
        }
        let resumed = try await sandbox.tune(["resume", job, "--quiet"])
        #expect(resumed.status == 0, "\(context): \(resumed)")
        let trials = try await trialsJSON(sandbox, job)
        #expect(trials.count == expected, "\(context): exactly \(expected) trials: \(trials.count)")
        #expect(trials.allSatisfy { $0["state"] as? String == "SUCCEEDED" }, "\(context): \(trials)")
        let finished = (sandbox.read("finished.txt") ?? "").split(separator: "\n").map(String.init)
        #expect(Set(finished).count == finished.count, "\(context): an attempt finished twice: \(finished)")
        for trial in trials {
            let id = trial["trialId"] as? String ?? "?"
            let attempt = trial["attempt"] as? Int ?? 1
            #expect(finished.contains("\(id) \(attempt)"), "\(context): trial \(id) attempt \(attempt) never ran to its end")
        }
        let status = try await sandbox.tune(["status", job])
        #expect(status.stdout.contains("SUCCEEDED"), "\(context): \(status)")
    }

    static func faultEnvironment(_ library: String, call: String, at: Int, action: String, errno: String = "ENOSPC") -> [String: String] {
        [
            "LD_PRELOAD": library, "TUNE_FAULT_FILE": "journal.jsonl", "TUNE_FAULT_CALL": call,
            "TUNE_FAULT_AT": String(at), "TUNE_FAULT_DO": action, "TUNE_FAULT_ERRNO": errno,
        ]
    }

    /// How many journal writes a clean run of the job makes.
    static func journalWrites(_ library: String) async throws -> Int {
        let sandbox = try Sandbox()
        try job(sandbox)
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "count", "--quiet"])
        try #require(run.status == 0, "\(run)")
        return (sandbox.read(".tune/count/journal.jsonl") ?? "").split(separator: "\n").count
    }

    /// SIGKILL just before, and just after, each of the journal's writes: every point where the
    /// loop changes state.
    @Test(.timeLimit(.minutes(10)))
    func killedAtEveryJournalWriteTheJobResumesToExactlyItsTrials() async throws {
        let library = try Self.requireFaults()
        let writes = try await Self.journalWrites(library)
        try #require(writes >= 10)
        for point in 1...writes {
            for action in ["kill", "killafter"] {
                let sandbox = try Sandbox()
                try Self.job(sandbox)
                let run = try await sandbox.tune(
                    ["./train.sh", "--config", "c.yml", "--job", "k", "--quiet"],
                    env: Self.faultEnvironment(library, call: "write", at: point, action: action))
                let context = "\(action) at journal write \(point)"
                #expect(run.status == 128 + SIGKILL || run.status == 0, "\(context): \(run)")
                try await Self.expectRecovers(sandbox, "k", trials: 4, context)
            }
        }
    }

    /// A write of the journal fails (a full disk from then on, or a write cut short), or its fsync
    /// fails once (an I/O error): tune stops the job with a clear error, and resume ends it.
    @Test(.timeLimit(.minutes(10)))
    func aFailingJournalWriteOrFsyncStopsTheJobCleanly() async throws {
        let library = try Self.requireFaults()
        let writes = try await Self.journalWrites(library)
        for point in 1...writes {
            for (call, action, error) in [("write", "fail", "ENOSPC"), ("write", "short", "ENOSPC"), ("fsync", "once", "EIO")] {
                let sandbox = try Sandbox()
                try Self.job(sandbox)
                let run = try await sandbox.tune(
                    ["./train.sh", "--config", "c.yml", "--job", "f"],
                    env: Self.faultEnvironment(library, call: call, at: point, action: action, errno: error))
                let context = "\(call) \(action) \(error) at journal write \(point)"
                // Readings are batched as they arrive, so a run may make fewer writes than the
                // counted one: a run that journaled its whole job in fewer than `point` lines never
                // reached the fault. (One that ignored a failed write lacks the job's end.)
                let lines = (sandbox.read(".tune/f/journal.jsonl") ?? "").split(separator: "\n")
                let neverReached = run.status == 0 && lines.count < point && lines.last?.contains("\"job_state\"") == true
                if !neverReached {
                    #expect(run.status == 1, "\(context): \(run)")
                    let said = run.stderr.contains("cannot write journal") || run.stderr.contains("cannot sync journal")
                    #expect(said && (run.stderr.contains("No space left") || run.stderr.contains("Input/output error")), "\(context): says what and why: \(run)")
                }
                if point == 1 { #expect(!sandbox.exists(".tune/f/journal.jsonl"), "\(context): no job without its header") }
                try await Self.expectRecovers(sandbox, "f", trials: 4, context)
            }
        }
    }

    /// The rename that moves a trial's earlier attempt aside fails: the new attempt does not start
    /// over the old output (it would read the old metric file as its own); a later retry runs it.
    @Test(.timeLimit(.minutes(10)))
    func aFailedMoveAsideNeverLetsAnAttemptReadItsPredecessorsOutput() async throws {
        let library = try Self.requireFaults()
        let sandbox = try Sandbox()
        // Trial 2's first attempt reports 0.99 through the hypertune file, then fails.
        try sandbox.script(
            "train.sh",
            """
            if [ "$TUNE_TRIAL_ID" = 2 ] && [ "$TUNE_TRIAL_ATTEMPT" = 1 ]; then
              echo '{"acc": 0.99}' > "$CLOUD_ML_HP_METRIC_FILE"; exit 1
            fi
            echo "acc=0.$TUNE_TRIAL_ID"
            """)
        try sandbox.write("c.yml", config(maxTrials: 3))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "m"])
        try #require(run.status == 0, "\(run)")
        var env = Self.faultEnvironment(library, call: "rename", at: 1, action: "fail", errno: "EIO")
        env["TUNE_FAULT_FILE"] = "/trials/2"
        let blocked = try await sandbox.tune(["retry", "m"], env: env)
        #expect(blocked.stderr.contains("cannot be moved aside (Input/output error)"), "\(blocked)")
        var trial = try #require(byId(try await trialsJSON(sandbox, "m"))[2])
        #expect(trial["state"] as? String == "FAILED" && objective(trial) == nil, "\(trial)")
        #expect((trial["failureReason"] as? String)?.contains("cannot be moved aside") == true, "\(trial)")
        let retried = try await sandbox.tune(["retry", "m"])
        #expect(retried.status == 0, "\(retried)")
        trial = try #require(byId(try await trialsJSON(sandbox, "m"))[2])
        #expect(trial["state"] as? String == "SUCCEEDED" && objective(trial) == 0.2, "its own value: \(trial)")
        let kept = sandbox.list(".tune/m/trials").filter { $0.hasPrefix("2.attempt-") }
        #expect(kept.contains { sandbox.read(".tune/m/trials/\($0)/hypertune.metric")?.contains("0.99") == true }, "the first attempt's output is kept: \(kept)")
    }

    /// SIGKILL at random moments (seeded, so a failure can be replayed), for every strategy and
    /// scheduler, resumed until the job ends.
    @Test(
        .timeLimit(.minutes(10)),
        arguments: [
            ("RANDOM_SEARCH", ""), ("GRID_SEARCH", ""), ("ALGORITHM_UNSPECIFIED", ""),
            ("RANDOM_SEARCH", "enableTrialEarlyStopping: true"),
            ("HYPERBAND", "resourceParameter: epochs\nmaxResource: 9"),
        ])
    func randomKillsAtEveryStrategy(_ algorithm: String, _ extra: String) async throws {
        var generator = SeededGenerator(seed: algorithm.utf8.reduce(UInt64(extra.count)) { $0 &* 31 &+ UInt64($1) })
        let sandbox = try Sandbox()
        try Self.job(sandbox, maxTrials: 6, algorithm: algorithm, extra: extra)
        var arguments = ["./train.sh", "--config", "c.yml", "--job", "r", "--quiet"]
        var kills: [Double] = []
        for _ in 0..<6 {
            let delay = Double(generator.next() % 600) / 1000
            let tune = try sandbox.start(arguments)
            try? await Task.sleep(nanoseconds: UInt64(delay * 1e9))
            tune.signal(SIGKILL)
            let outcome = await tune.finish()
            kills.append(delay)
            arguments = ["resume", "r", "--quiet"]
            if outcome.status == 0 { break }
        }
        let planned = algorithm == "HYPERBAND" ? nil : 6
        let pids = (sandbox.read("pids.txt") ?? "").split(separator: "\n").compactMap { Int32($0) }
        #expect(await sandbox.waitUntil(timeout: 10) { pids.allSatisfy { !isAlive($0) } }, "kills at \(kills)")
        if !(sandbox.read(".tune/r/journal.jsonl") ?? "").isEmpty {
            let resumed = try await sandbox.tune(["resume", "r", "--quiet"])
            #expect(resumed.status == 0, "kills at \(kills): \(resumed)")
        } else {
            let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "r", "--quiet"])
            #expect(run.status == 0, "kills at \(kills): \(run)")
        }
        let trials = try await trialsJSON(sandbox, "r")
        if let planned { #expect(trials.count == planned, "kills at \(kills): \(trials.count) trials") }
        #expect(trials.allSatisfy { $0["state"] as? String == "SUCCEEDED" }, "kills at \(kills): \(trials)")
        let finished = (sandbox.read("finished.txt") ?? "").split(separator: "\n").map(String.init)
        #expect(Set(finished).count == finished.count, "kills at \(kills): an attempt finished twice: \(finished)")
    }

    /// Trials that attack their own folder, their process group or tune.
    struct HostileTrial: Sendable, CustomTestStringConvertible {
        var name: String
        var script: String
        var extra: String = ""
        var testDescription: String { name }
    }

    static let hostileTrials: [HostileTrial] = [
        HostileTrial(name: "deletes its own folder", script: "rm -rf \"$TUNE_TRIAL_DIR\"; echo acc=0.5"),
        HostileTrial(name: "replaces its folder with a link to /", script: "rm -rf \"$TUNE_TRIAL_DIR\"; ln -s / \"$TUNE_TRIAL_DIR\"; echo acc=0.5"),
        HostileTrial(name: "locks its folder", script: "echo acc=0.5; chmod 000 \"$TUNE_TRIAL_DIR\""),
        HostileTrial(name: "stops itself", script: "echo acc=0.5; kill -STOP $$", extra: "trialTimeout: 2s"),
        HostileTrial(
            name: "leaves children that ignore SIGTERM",
            script: "for i in 1 2 3 4 5 6 7 8; do (trap '' TERM; sleep 300) & echo $! >> \"$PIDS\"; done; echo acc=0.5"),
        HostileTrial(name: "closes its stdout and stderr", script: "exec >&- 2>&-; sleep 0.2; echo '{\"acc\": 0.5}' > \"$CLOUD_ML_HP_METRIC_FILE\""),
        HostileTrial(
            name: "writes 20 GB sparse files as its event file and hypertune file",
            script: "mkdir -p \"$TUNE_TRIAL_DIR/logs\"; truncate -s 20G \"$TUNE_TRIAL_DIR/logs/events.out.tfevents.1.h\" \"$CLOUD_ML_HP_METRIC_FILE\"; echo acc=0.5"),
        HostileTrial(name: "writes into the store's folders", script: "echo x > \"$TUNE_TRIAL_DIR/../3\"; mkdir -p \"$TUNE_TRIAL_DIR/../2.attempt-1\"; echo acc=0.5"),
    ]

    @Test(.timeLimit(.minutes(10)), arguments: hostileTrials)
    func aHostileTrialNeitherHangsNorDamagesTheJob(_ hostile: HostileTrial) async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo $$ >> \"$PIDS\"\n" + hostile.script)
        try sandbox.write("c.yml", config(maxTrials: 3, parallel: 2, extra: hostile.extra))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "h"], env: ["PIDS": sandbox.path("pids.txt")], timeout: 60)
        #expect(run.status == 0 || run.status == 1, "\(run)")
        #expect(!run.timedOut)
        let pids = (sandbox.read("pids.txt") ?? "").split(separator: "\n").compactMap { Int32($0) }
        #expect(await sandbox.waitUntil(timeout: 10) { pids.allSatisfy { !isAlive($0) } }, "a trial process outlived the job")
        _ = try? Process.run("/bin/chmod", ["-R", "u+rwx", sandbox.store])
        let trials = try await trialsJSON(sandbox, "h")
        #expect(trials.count == 3, "\(trials)")
        #expect(trials.allSatisfy { ["SUCCEEDED", "FAILED"].contains($0["state"] as? String ?? "") }, "\(trials)")
        let status = try await sandbox.tune(["status", "h"])
        #expect(!status.stdout.contains("INTERRUPTED") && !status.stdout.contains("RUNNING"), "\(status)")
    }
}
