import Foundation
import Testing
import TuneCore
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The Slurm launcher against a real Slurm: `.ci/run` brings up a one-node cluster
/// (`.ci/slurm-up.sh`: Debian's slurm-wlm and munge, partitions `debug` and `urgent`, the second
/// preempting the first). Elsewhere the suite is skipped unless a Slurm answers `sinfo`.
/// Serialized: the trials of every test share the one node's CPUs.
@Suite("End to end: Slurm", .limitedParallelism, .serialized, .enabled(if: SlurmCluster.runnable, SlurmCluster.skipMessage))
struct SlurmTests {
    /// A job name no earlier run used, so squeue shows only this test's trials.
    static func jobName(_ prefix: String) -> String { "\(prefix)\(UUID().uuidString.prefix(6).lowercased())" }

    /// A sandbox, once the cluster has no job left from an earlier test (one that is still
    /// completing holds CPUs, and would change which trials run first).
    static func sandbox() async throws -> Sandbox {
        let sandbox = try Sandbox()
        let idle = await sandbox.waitUntil(timeout: 60) {
            await SlurmCluster.run("squeue", ["--noheader", "--format=%i %j %T"]).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        if !idle { print("note: Slurm still has jobs: \(await SlurmCluster.run("squeue", []))") }
        return sandbox
    }

    static let fixtures = TuneBinary.repository.appendingPathComponent("Tests/TuneCoreTests/Fixtures/events").path

    /// The config of these tests: `launcher:` at the top, Slurm settings under it.
    static func slurmConfig(
        maxTrials: Int, parallel: Int, algorithm: String = "GRID_SEARCH", launcher: String = "",
        extra: String = "",
        params: String = """
          - parameterName: x
            type: INTEGER
            minValue: 1
            maxValue: 6
        """
    ) -> String {
        config(maxTrials: maxTrials, parallel: parallel, algorithm: algorithm, extra: extra, params: params) + """
            launcher:
              type: slurm
            \(launcher)

            """
    }

    /// Slurm forgets every trial of `job` (a cancelled job may show as completing for a moment).
    static func expectNoJobLeft(_ job: String, _ sandbox: Sandbox, sourceLocation: SourceLocation = #_sourceLocation) async {
        let empty = await sandbox.waitUntil(timeout: 30) { await jobsInQueue(job).isEmpty }
        let left = await jobsInQueue(job)
        #expect(empty, "Slurm jobs left: \(left)", sourceLocation: sourceLocation)
    }

    /// Trials of `job` still known to Slurm (queued, running or completing).
    static func jobsInQueue(_ job: String) async -> [String] {
        // Its trials' names: tune-<job>-<trial>-<folder tag> (the test's job names are unique).
        let out = await SlurmCluster.run("squeue", ["--noheader", "--format=%i %j %T"])
        return out.split(separator: "\n").map(String.init).filter { $0.split(separator: " ").dropFirst().first?.hasPrefix("tune-\(job)-") == true }
    }

    @Test(.timeLimit(.minutes(10)))
    func sixTrialsRunAsSlurmJobsWithMetricsFromStdoutAndEventFiles() async throws {
        let sandbox = try await Self.sandbox()
        let job = Self.jobName("six")
        // Odd x print the metric; even x write it to TensorFlow event files (a real writer's file).
        try sandbox.script(
            "train.sh",
            """
            x=${1#--x=}
            echo "$x $SLURM_JOB_ID $SLURM_JOB_NAME $(pwd)" >> '\(sandbox.path("jobs.txt"))'
            sleep 1
            if [ $((x % 2)) = 1 ]; then echo "acc=0.$x"; else cp '\(Self.fixtures)'/tf1/events.out.tfevents.* "$TUNE_TRIAL_DIR/"; fi
            """)
        try sandbox.write("c.yml", Self.slurmConfig(maxTrials: 6, parallel: 3, launcher: "  cpusPerTask: 1\n  time: 5"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", job], timeout: 150)
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("up to 3 at a time on Slurm"), "\(run)")
        let trials = byId(try await trialsJSON(sandbox, job))
        #expect(trials.count == 6)
        for id in 1...6 {
            let trial = try #require(trials[id])
            #expect(trial["state"] as? String == "SUCCEEDED", "\(trial)")
            let x = Int(hyperparameters(trial)["x"] ?? "") ?? 0
            let expected = x % 2 == 1 ? Double("0.\(x)")! : Double(Float(0.45))
            #expect(abs((objective(trial) ?? -1) - expected) < 1e-9, "trial \(id): \(trial)")
            let scheduler = try #require(trial["scheduler"] as? [String: Any], "\(trial)")
            #expect(scheduler["system"] as? String == "slurm")
            #expect(scheduler["jobId"] is String, "the Slurm job id is journaled: \(scheduler)")
        }
        // One Slurm job per trial, named tune-<job>-<trial>-<folder tag>, run in the job's working directory.
        let lines = (sandbox.read("jobs.txt") ?? "").split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.count == 6, "\(lines)")
        #expect(Set(lines.map { $0[1] }).count == 6, "six distinct Slurm jobs: \(lines)")
        let names = Set(lines.map { $0[2] })
        let folder = JobStore(root: sandbox.store).jobDirectory(job)
        #expect(names == Set((1...6).map { SlurmCommandLine.jobName(job: job, trial: $0, jobDirectory: folder) }), "\(names)")
        #expect(lines.allSatisfy { $0.count == 4 && $0[3] == sandbox.dir.path }, "\(lines)")
        await Self.expectNoJobLeft(job, sandbox)
    }

    /// The bundled example's Slurm config, as a user runs it: the same 12 trials as locally (same
    /// seed), each a Slurm job.
    @Test(.timeLimit(.minutes(10)))
    func theBundledExampleRunsOnSlurm() async throws {
        let sandbox = try await Self.sandbox()
        let example = TuneBinary.repository.appendingPathComponent("Examples/synthetic")
        let job = Self.jobName("ex")
        let run = try await sandbox.tune(
            [
                example.appendingPathComponent("train.sh").path, "--config",
                example.appendingPathComponent("tuning-slurm.yml").path, "--job", job,
            ], timeout: 150)
        #expect(run.status == 0, "\(run)")
        let local = try await sandbox.tune(
            [
                example.appendingPathComponent("train.sh").path, "--config",
                example.appendingPathComponent("tuning.yml").path, "--job", "local",
            ], timeout: 150)
        #expect(local.status == 0, "\(local)")
        let onSlurm = try await trialsJSON(sandbox, job)
        let here = try await trialsJSON(sandbox, "local")
        #expect(onSlurm.count == 12 && onSlurm.allSatisfy { $0["state"] as? String == "SUCCEEDED" && $0["scheduler"] != nil }, "\(onSlurm)")
        // The same seed gives the same trials and the same results wherever they run.
        let key = { (trials: [[String: Any]]) in
            trials.map { trial in
                hyperparameters(trial).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + " \(objective(trial) ?? -1)"
            }.sorted()
        }
        #expect(key(onSlurm) == key(here))
        #expect(sandbox.exists(".tune/\(job)/trials/1/model.txt"), "the trial wrote its model into its folder from the node")
    }

    @Test(.timeLimit(.minutes(10)))
    func statusShowsSlurmJobsAndCtrlCLeavesNoJobBehind() async throws {
        let sandbox = try await Self.sandbox()
        let job = Self.jobName("int")
        try sandbox.script(
            "train.sh",
            """
            trap 'echo "$TUNE_TRIAL_ID" >> "\(sandbox.path("terminated.txt"))"; exit 143' TERM
            echo acc=0.5
            # Slurm signals every process of the step: a background sleep killed first would end the
            # script before its own TERM arrived. The loop keeps it alive until the trap runs.
            while :; do sleep 0.2; done
            """)
        // Two CPUs, one per trial: two run and the third waits in Slurm's queue.
        try sandbox.write("c.yml", Self.slurmConfig(maxTrials: 3, parallel: 3, launcher: "  cpusPerTask: 1"))
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", job, "--grace-period", "20"])
        var status = ""
        let seen = await sandbox.waitUntil(timeout: 60) {
            status = await SlurmCluster.run(TuneBinary.path, ["status", job, "--store", sandbox.path(".tune")])
            // Both running trials have reported, so their TERM traps are set.
            return status.contains("2 running, 1 pending in Slurm") && status.components(separatedBy: " RUNNING on ").count == 3
                && status.components(separatedBy: "acc=0.5 at step").count == 3
        }
        #expect(seen, "status shows two running Slurm jobs and one pending: \(status)\n\(tune.stderrSoFar)")
        #expect(status.contains("pending   trial 3") || status.contains("PENDING ("), "\(status)")
        #expect(status.contains("launcher  slurm (1 CPU)"), "\(status)")
        let inQueue = await Self.jobsInQueue(job)
        #expect(inQueue.count == 3, "\(inQueue)")
        let listing = try await sandbox.tune(["trials", job])
        #expect(listing.stdout.contains("PENDING"), "a trial waiting in Slurm is listed as pending: \(listing)")

        tune.signal(SIGINT)
        let run = await tune.finish(timeout: 60)
        #expect(run.status == 130, "\(run)")
        #expect(run.stderr.contains("tune resume \(job)"), "\(run)")
        // The running trials were asked to stop (SIGTERM through scancel), and nothing is left in Slurm.
        // (Which two Slurm started first is Slurm's choice: the ones status showed running.)
        let runningTrials = Set(
            status.split(separator: "\n").filter { $0.hasPrefix("running ") }.compactMap {
                $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).first.map { String($0.dropLast()) }
            })
        #expect(runningTrials.count == 2, "\(status)")
        let terminated = Set((sandbox.read("terminated.txt") ?? "").split(separator: "\n").map(String.init))
        #expect(terminated == runningTrials, "\(terminated) \(status)\n\(run)")
        await Self.expectNoJobLeft(job, sandbox)
        let trials = try await trialsJSON(sandbox, job)
        #expect(trials.allSatisfy { $0["state"] as? String == "CANCELLED" }, "\(trials)")
    }

    /// trialTimeout on Slurm: the trial gets SIGTERM through scancel, and its clock starts when
    /// Slurm runs it, not while it waits behind the other trial (each takes the whole node).
    @Test(.timeLimit(.minutes(10)))
    func trialTimeoutStopsTheSlurmJobAndCountsOnlyRunningTime() async throws {
        let sandbox = try await Self.sandbox()
        let job = Self.jobName("to")
        try sandbox.script(
            "train.sh",
            """
            trap 'echo "$TUNE_TRIAL_ID" >> "\(sandbox.path("terminated.txt"))"; exit 143' TERM
            echo "$TUNE_TRIAL_ID $(date +%s.%N)" >> '\(sandbox.path("started.txt"))'
            echo acc=0.5
            # Slurm signals every process of the step: a background sleep killed first would end the
            # script before its own TERM arrived. The loop keeps it alive until the trap runs.
            while :; do sleep 0.2; done
            """)
        try sandbox.write(
            "c.yml",
            Self.slurmConfig(
                maxTrials: 2, parallel: 2, launcher: "  cpusPerTask: \(SlurmCluster.cpus)",
                extra: "trialTimeout: 4s"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", job], timeout: 120)
        #expect(run.status == 1, "\(run)")
        let trials = try await trialsJSON(sandbox, job)
        #expect(
            trials.count == 2
                && trials.allSatisfy {
                    $0["state"] as? String == "FAILED" && ($0["failureReason"] as? String)?.hasPrefix("timed out after 4s (trialTimeout)") == true
                }, "both ran their own 4 s, the second after waiting for the first: \(trials)")
        #expect(Set((sandbox.read("terminated.txt") ?? "").split(separator: "\n")) == ["1", "2"], "each got SIGTERM")
        let starts = (sandbox.read("started.txt") ?? "").split(separator: "\n").compactMap { Double($0.split(separator: " ").last ?? "") }
        #expect(starts.count == 2 && abs(starts[1] - starts[0]) >= 4, "the second started only when the first had stopped: \(starts)")
        await Self.expectNoJobLeft(job, sandbox)
    }

    /// The median stopping rule on Slurm: the trial that falls behind gets SIGTERM through scancel
    /// and is recorded as stopped early, with its value.
    @Test(.timeLimit(.minutes(10)))
    func earlyStoppingStopsTheSlurmJob() async throws {
        let sandbox = try await Self.sandbox()
        let job = Self.jobName("es")
        try sandbox.script(
            "train.sh",
            """
            x=${1#--x=}
            trap 'echo "$TUNE_TRIAL_ID" >> "\(sandbox.path("terminated.txt"))"; exit 143' TERM
            steps=3; [ "$x" = 3 ] && steps=60
            i=1
            while [ $i -le $steps ]; do
              echo "step=$i acc=$(awk "BEGIN { print 1 / $x }")"
              sleep 0.3 & wait
              i=$((i + 1))
            done
            """)
        try sandbox.write(
            "c.yml",
            Self.slurmConfig(
                maxTrials: 3, parallel: 1,
                extra: """
                    enableTrialEarlyStopping: true
                    earlyStopping: {minTrials: 2, startStep: 2}
                    """,
                params: """
                      - parameterName: x
                        type: INTEGER
                        minValue: 1
                        maxValue: 3
                    """))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", job], timeout: 90)
        #expect(run.status == 0, "\(run)")
        let trial = try #require(byId(try await trialsJSON(sandbox, job))[3])
        #expect(trial["state"] as? String == "SUCCEEDED" && trial["isTrialStoppedEarly"] as? Bool == true, "\(trial)")
        #expect(sandbox.read("terminated.txt") == "3\n", "the stopped trial got SIGTERM on its node")
        #expect(((trial["allMetrics"] as? [Any])?.count ?? 99) < 20, "stopped long before its 60 steps: \(trial)")
        await Self.expectNoJobLeft(job, sandbox)
    }

    /// maxFailedTrials on Slurm: trials still waiting in the queue are cancelled (they had not
    /// started); nothing is left queued. The test holds them in the queue (`scontrol hold`) so
    /// that they are certainly still pending when the running trial fails. (Which trial Slurm
    /// runs first is its own choice: the sruns reach it in any order. That one fails.)
    @Test(.timeLimit(.minutes(10)))
    func whenTheJobStopsTrialsStillQueuedAreCancelled() async throws {
        let sandbox = try await Self.sandbox()
        let job = Self.jobName("mf")
        let go = sandbox.path("go")
        try sandbox.script(
            "train.sh",
            """
            if mkdir '\(sandbox.path("first"))' 2>/dev/null; then
              echo "$TUNE_TRIAL_ID" > '\(sandbox.path("first-trial"))'
              i=0; while [ ! -e '\(go)' ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
              echo "no data" >&2; exit 1
            fi
            echo acc=1
            """)
        try sandbox.write(
            "c.yml",
            Self.slurmConfig(
                maxTrials: 3, parallel: 3, launcher: "  cpusPerTask: \(SlurmCluster.cpus)",
                extra: "maxFailedTrials: 1"))
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", job])
        var queued: [String] = []
        let waiting = await sandbox.waitUntil(timeout: 60) {
            queued = await Self.jobsInQueue(job).filter { $0.hasSuffix(" PENDING") }
            return queued.count == 2 && sandbox.exists("first-trial")
        }
        let queuedNow = await Self.jobsInQueue(job)
        try #require(waiting, "one trial runs, two wait: \(queuedNow)\n\(tune.stderrSoFar)")
        let held = await SlurmCluster.run("scontrol", ["hold"] + queued.map { String($0.split(separator: " ")[0]) })
        FileManager.default.createFile(atPath: go, contents: nil)
        let run = await tune.finish(timeout: 60)
        #expect(run.status == 1, "\(run)\nhold: \(held)")
        #expect(run.stderr.contains("cancelling the 2 still queued in Slurm"), "\(run)")
        let first = Int((sandbox.read("first-trial") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        let trials = byId(try await trialsJSON(sandbox, job))
        #expect(trials[first]?["state"] as? String == "FAILED", "trial \(first) ran and failed: \(trials)")
        for id in [1, 2, 3] where id != first {
            #expect(trials[id]?["state"] as? String == "CANCELLED", "\(String(describing: trials[id]))\n\(run)")
            #expect((trials[id]?["failureReason"] as? String)?.contains("waited in Slurm's queue") == true, "\(String(describing: trials[id]))")
        }
        await Self.expectNoJobLeft(job, sandbox)
    }

    /// tune SIGKILLed with trials running on Slurm: its watchdog stops their sruns, so Slurm ends
    /// the jobs; `tune resume` runs them again and the job finishes.
    @Test(.timeLimit(.minutes(10)))
    func aKilledTuneLeavesNoSlurmJobAndResumes() async throws {
        let sandbox = try await Self.sandbox()
        let job = Self.jobName("kill")
        try sandbox.script(
            "train.sh",
            """
            echo "$TUNE_TRIAL_ID $TUNE_TRIAL_ATTEMPT" >> '\(sandbox.path("starts.txt"))'
            [ "$TUNE_TRIAL_ATTEMPT" = 1 ] && sleep 120
            echo acc=0.${1#--x=}
            """)
        try sandbox.write("c.yml", Self.slurmConfig(maxTrials: 2, parallel: 2, launcher: "  cpusPerTask: 1"))
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", job])
        let both = await sandbox.waitUntil(timeout: 60) { (sandbox.read("starts.txt") ?? "").split(separator: "\n").count == 2 }
        try #require(both, "\(tune.stderrSoFar)")
        tune.signal(SIGKILL)
        _ = await tune.finish(timeout: 10)
        await Self.expectNoJobLeft(job, sandbox)
        let resumed = try await sandbox.tune(["resume", job], timeout: 90)
        #expect(resumed.status == 0, "\(resumed)")
        let trials = try await trialsJSON(sandbox, job)
        #expect(trials.count == 2 && trials.allSatisfy { $0["state"] as? String == "SUCCEEDED" && $0["attempt"] as? Int == 2 }, "\(trials)")
        await Self.expectNoJobLeft(job, sandbox)
    }

    @Test(.timeLimit(.minutes(10)))
    func aTrialOverItsSlurmTimeLimitIsRecordedWithThatReason() async throws {
        let sandbox = try await Self.sandbox()
        let job = Self.jobName("tl")
        try sandbox.script(
            "train.sh",
            """
            echo acc=0.5
            sleep 400
            echo acc=0.9
            """)
        try sandbox.write("c.yml", Self.slurmConfig(maxTrials: 1, parallel: 1, launcher: "  time: 1"))
        // Slurm enforces limits in whole minutes, checked about every 30 s: the trial ends after 60–90 s.
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", job], timeout: 200)
        #expect(run.status == 1, "\(run)")
        let trial = try #require(try await trialsJSON(sandbox, job).first)
        #expect(trial["state"] as? String == "FAILED", "\(trial)")
        let reason = trial["failureReason"] as? String ?? ""
        #expect(reason.contains("Slurm ended it at its time limit of 1 min (launcher.time)"), "\(reason)")
        await Self.expectNoJobLeft(job, sandbox)
    }

    @Test(.timeLimit(.minutes(10)))
    func insideAnAllocationTrialsRunAsJobSteps() async throws {
        let sandbox = try await Self.sandbox()
        let job = Self.jobName("alloc")
        try sandbox.script(
            "train.sh",
            """
            echo "$SLURM_JOB_ID $SLURM_STEP_ID" >> '\(sandbox.path("steps.txt"))'
            sleep 1
            echo acc=0.${1#--x=}
            """)
        try sandbox.write("c.yml", Self.slurmConfig(maxTrials: 4, parallel: 2, launcher: "  cpusPerTask: 1"))
        // salloc runs tune here with SLURM_JOB_ID set to the allocation it was granted.
        let run = try await sandbox.tune(
            [
                "--ntasks=2", "--job-name=tune-alloc-\(job)", TuneBinary.path,
                "run", "./train.sh", "--config", "c.yml", "--job", job,
            ],
            env: ["TUNE_STORE": sandbox.path(".tune")], timeout: 120, through: "salloc")
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("each trial runs as a job step of it"), "\(run)")
        let lines = (sandbox.read("steps.txt") ?? "").split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.count == 4, "\(lines)")
        #expect(Set(lines.map { $0.first ?? "" }).count == 1, "every trial in the one allocation: \(lines)")
        #expect(Set(lines.compactMap { $0.count == 2 ? $0[1] : nil }).count == 4, "four distinct steps: \(lines)")
        let trials = try await trialsJSON(sandbox, job)
        #expect(trials.count == 4 && trials.allSatisfy { $0["state"] as? String == "SUCCEEDED" }, "\(trials)")
        let steps = trials.compactMap { ($0["scheduler"] as? [String: Any])?["jobId"] as? String }
        #expect(steps.count == 4 && steps.allSatisfy { $0.hasPrefix((lines.first?.first ?? "?") + ".") }, "step ids journaled: \(steps)")
    }

    @Test(.timeLimit(.minutes(10)))
    func aPreemptedTrialIsRetriedAsInfrastructureTrouble() async throws {
        let sandbox = try await Self.sandbox()
        let job = Self.jobName("pre")
        try sandbox.script(
            "train.sh",
            """
            echo "attempt $TUNE_TRIAL_ATTEMPT" >> '\(sandbox.path("attempts.txt"))'
            sleep 6
            echo acc=0.7
            """)
        try sandbox.write(
            "c.yml",
            Self.slurmConfig(
                maxTrials: 1, parallel: 1, launcher: "  cpusPerTask: \(SlurmCluster.cpus)",
                extra: "maxTrialRetries: 1"))
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", job])
        let started = await sandbox.waitUntil(timeout: 60) { (sandbox.read("attempts.txt") ?? "").contains("attempt 1") }
        try #require(started, "\(tune.stderrSoFar)")
        // A job in the higher-priority partition takes the node: Slurm cancels the trial's job.
        let urgent = await SlurmCluster.run("srun", ["--partition=urgent", "--cpus-per-task=\(SlurmCluster.cpus)", "--job-name=tune-test-urgent", "true"], timeout: 60)
        let run = await tune.finish(timeout: 90)
        #expect(run.status == 0, "\(run)\nurgent: \(urgent)")
        let trial = try #require(try await trialsJSON(sandbox, job).first)
        #expect(trial["state"] as? String == "SUCCEEDED", "\(trial)")
        #expect(trial["attempt"] as? Int == 2, "\(trial)")
        let earlier = (trial["previousAttempts"] as? [[String: Any]])?.first
        #expect((earlier?["failureReason"] as? String)?.contains("preempted by Slurm") == true, "\(trial)")
        #expect(run.stderr.contains("preempted by Slurm") && run.stderr.contains("running it again (retry 1 of 1, maxTrialRetries)"), "\(run)")
    }

    @Test(.timeLimit(.minutes(10)))
    func aTrialOnAFailedNodeIsRetried() async throws {
        let sandbox = try await Self.sandbox()
        let job = Self.jobName("nf")
        try sandbox.script(
            "train.sh",
            """
            echo "attempt $TUNE_TRIAL_ATTEMPT" >> '\(sandbox.path("attempts.txt"))'
            echo acc=0.6
            sleep 5
            echo acc=0.8
            """)
        try sandbox.write("c.yml", Self.slurmConfig(maxTrials: 1, parallel: 1, extra: "maxTrialRetries: 1"))
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", job])
        let started = await sandbox.waitUntil(timeout: 60) { (sandbox.read("attempts.txt") ?? "").contains("attempt 1") }
        try #require(started, "\(tune.stderrSoFar)")
        // The node goes DOWN under the running trial (Slurm records NODE_FAIL, and srun exits 0),
        // then comes back for the retry.
        let down = await SlurmCluster.run("scontrol", ["update", "NodeName=\(SlurmCluster.node)", "State=DOWN", "Reason=tune-test"])
        _ = await sandbox.waitUntil(timeout: 10) { (sandbox.read("attempts.txt") ?? "").contains("attempt 2") || !tune.isRunning }
        let resumed = await SlurmCluster.run("scontrol", ["update", "NodeName=\(SlurmCluster.node)", "State=RESUME"])
        let run = await tune.finish(timeout: 90)
        #expect(run.status == 0, "\(run)\ndown: \(down)\nresume: \(resumed)")
        let trial = try #require(try await trialsJSON(sandbox, job).first)
        #expect(trial["state"] as? String == "SUCCEEDED" && objective(trial) == 0.8, "\(trial)")
        #expect(trial["attempt"] as? Int == 2, "\(trial)")
        let earlier = (trial["previousAttempts"] as? [[String: Any]])?.first
        #expect((earlier?["failureReason"] as? String)?.contains("its Slurm node") == true, "a node failure, not the metric of attempt 1: \(trial)")
    }

    @Test func aRequestTheClusterCannotRunIsAUsageErrorAndCreatesNothing() async throws {
        let sandbox = try await Self.sandbox()
        try sandbox.script("train.sh", "echo acc=1")
        try sandbox.write("c.yml", Self.slurmConfig(maxTrials: 2, parallel: 1, launcher: "  cpusPerTask: 4096"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "big"])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("Slurm cannot run the trials as configured: Requested node configuration is not available"), "\(run)")
        #expect(run.stderr.contains("--cpus-per-task=4096"), "\(run)")
        #expect(!sandbox.exists(".tune/big"))

        try sandbox.write("p.yml", Self.slurmConfig(maxTrials: 2, parallel: 1, launcher: "  partition: nosuchpartition"))
        let partition = try await sandbox.tune(["./train.sh", "--config", "p.yml", "--job", "part"])
        #expect(partition.status == 2, "\(partition)")
        #expect(partition.stderr.contains("invalid partition specified: nosuchpartition"), "\(partition)")

        // gpusPerTrial on Slurm is Slurm's business (--gres=gpu:1), not this machine's nvidia-smi:
        // this cluster has no GPU, and Slurm says so.
        try sandbox.write("g.yml", Self.slurmConfig(maxTrials: 2, parallel: 1, extra: "gpusPerTrial: 1"))
        let gpu = try await sandbox.tune(["./train.sh", "--config", "g.yml", "--job", "gpu"], env: ["CUDA_VISIBLE_DEVICES": ""])
        #expect(gpu.status == 2, "\(gpu)")
        #expect(gpu.stderr.contains("--gres=gpu:1") && gpu.stderr.contains("Invalid generic resource (gres) specification"), "\(gpu)")
        #expect(!gpu.stderr.contains("nvidia-smi"), "\(gpu)")
        #expect(!sandbox.exists(".tune/gpu"))
    }

    /// The check each trial makes on its node, run as srun runs it: a trial folder the node does
    /// not have stops the job with what to do.
    @Test func theOnNodeCheckStopsTheJobWhenTheNodeCannotSeeTheTrialFolder() async throws {
        let sandbox = try await Self.sandbox()
        let job = Self.jobName("fs")
        try sandbox.script("train.sh", "echo acc=1")
        try sandbox.write("c.yml", Self.slurmConfig(maxTrials: 3, parallel: 1))
        // A private mount namespace: tune's store is a tmpfs that only tune sees, as a store on a
        // login node's local disk is invisible to the compute nodes.
        await SlurmCluster.run("unshare", ["--mount", "true"])
        guard SlurmCluster.lastStatus == 0 else {
            print("skipped: unshare --mount is not permitted here")
            return
        }
        let hidden = sandbox.path("hidden")
        try FileManager.default.createDirectory(atPath: hidden, withIntermediateDirectories: true)
        let run = try await sandbox.tune(
            [
                "--mount", "sh", "-c",
                "mount -t tmpfs none '\(hidden)' && exec \"$0\" \"$@\"", TuneBinary.path,
                "run", "./train.sh", "--config", "c.yml", "--job", job, "--store", hidden + "/store",
            ],
            timeout: 90, through: "unshare")
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("is not on node") && run.stderr.contains("must be on a file system the compute nodes share"), "\(run)")
        #expect(run.stdout.contains("Job \(job) FAILED: 1 trial (0 succeeded, 1 failed)"), "the job stopped at the first trial: \(run)")
        #expect(run.stderr.contains("error: job \(job) failed: trial 1: the trial folder"), "\(run)")
    }
}

/// The Slurm cluster the tests use, if one answers.
enum SlurmCluster {
    static let reachable: Bool = {
        runBlocking("sinfo", ["--noheader", "--format=%N"], timeout: 10).isEmpty == false && lastStatus == 0
    }()

    /// In CI (.ci/run sets TUNE_CI=1 and starts the cluster) the tests must run; elsewhere they need a Slurm.
    static let runnable = reachable || ProcessInfo.processInfo.environment["TUNE_CI"] == "1"

    static let skipMessage: Comment = "no Slurm answers `sinfo`: start a one-node cluster with `sudo .ci/slurm-up.sh` (Debian/Ubuntu), then `swift test --filter Slurm`"

    /// The node of the one-node cluster.
    static let node: String = runBlocking("sinfo", ["--noheader", "--format=%N"]).trimmingCharacters(in: .whitespacesAndNewlines)

    /// Its CPUs (a trial asking for all of them has the node to itself).
    static let cpus: Int = Int(runBlocking("sinfo", ["--noheader", "--format=%c"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 2

    nonisolated(unsafe) static var lastStatus: Int32 = -1

    /// A command (found on PATH) started with its stdout and stderr going to a new file; nil
    /// (lastStatus −1) when it could not start.
    private static func launch(_ command: String, _ arguments: [String]) -> (process: Process, output: URL)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + arguments
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        guard let handle = try? FileHandle(forWritingTo: output) else { return nil }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        guard (try? process.run()) != nil else {
            lastStatus = -1
            try? FileManager.default.removeItem(at: output)
            return nil
        }
        return (process, output)
    }

    /// What the ended command wrote; its status in lastStatus.
    private static func result(of process: Process, _ output: URL) -> String {
        defer { try? FileManager.default.removeItem(at: output) }
        lastStatus = process.terminationStatus
        return (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    }

    /// Runs a command (found on PATH) and gives its stdout (and stderr after it); empty on failure
    /// to start. For test bodies: waits without holding a thread of the test pool.
    @discardableResult
    static func run(_ command: String, _ arguments: [String], timeout: TimeInterval = 30) async -> String {
        guard let (process, output) = launch(command, arguments) else { return "" }
        if await !process.exited(timeout: timeout) {
            process.terminate()
            await process.exited()
        }
        return result(of: process, output)
    }

    /// `run`, blocking: only for the cluster's static facts, read once.
    @discardableResult
    static func runBlocking(_ command: String, _ arguments: [String], timeout: TimeInterval = 30) -> String {
        guard let (process, output) = launch(command, arguments) else { return "" }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return result(of: process, output)
    }
}

/// What a user without Slurm sees (runs everywhere, no cluster needed).
@Suite("End to end: the Slurm launcher where there is no Slurm", .limitedParallelism)
struct NoSlurmTests {
    @Test func noSrunOnThePathSaysWhatToDoAndCreatesNothing() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=1")
        try FileManager.default.createDirectory(atPath: sandbox.path("empty-bin"), withIntermediateDirectories: true)
        try sandbox.write("c.yml", config(maxTrials: 1) + "launcher:\n  type: slurm\n")
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "s"], env: ["PATH": sandbox.path("empty-bin")])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("the Slurm launcher needs srun, squeue, scancel, scontrol, sinfo on the PATH"), "\(run)")
        #expect(run.stderr.contains("or run trials here with --launcher local"), "\(run)")
        #expect(!sandbox.exists(".tune/s"))

        // --launcher local runs the same config here.
        let local = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "l", "--launcher", "local"])
        #expect(local.status == 0, "\(local)")
        #expect(!local.stderr.contains("on Slurm"), "\(local)")
    }

    @Test func anUnknownLauncherIsAUsageError() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=1")
        try sandbox.write("c.yml", config(maxTrials: 1))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--launcher", "slrum"])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("--launcher slrum: expected local or slurm"), "\(run)")
        #expect(sandbox.list(".tune").isEmpty)
    }
}
