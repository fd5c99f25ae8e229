import Foundation
import Testing
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `tune resume`, `tune retry`, maxTrialRetries and resumePreviousJobId, with real processes.
@Suite("End to end: resume and retry", .limitedParallelism)
struct ResumeTests {
    /// A grid job over x = 1…8 whose trials log every start and every finish to side files, so a
    /// test can tell which ran and whether a finished trial ever ran twice.
    static func gridJob(_ sandbox: Sandbox, maxTrials: Int, parallel: Int, extra: String = "") throws {
        try sandbox.write(
            "grid.yml",
            config(
                maxTrials: maxTrials, parallel: parallel, tag: "score", algorithm: "GRID_SEARCH", extra: extra,
                params: """
                      - parameterName: x
                        type: INTEGER
                        minValue: 1
                        maxValue: 8
                    """))
    }

    @Test func sigkilledJobResumesWithoutRunningAFinishedTrialTwice() async throws {
        let sandbox = try Sandbox()
        let gate = sandbox.path("gate")
        // Trials 3 and 4 (first attempt) hold until the gate opens, which it never does: tune is
        // SIGKILLed while they run. Each writes its pid, so the test can check none survives.
        try sandbox.script(
            "train.sh",
            """
            x=${1#--x=}
            echo "$TUNE_TRIAL_ID $TUNE_TRIAL_ATTEMPT $x" >> '\(sandbox.path("started.txt"))'
            echo $$ > "$TUNE_TRIAL_DIR/pid"
            if { [ "$TUNE_TRIAL_ID" = 3 ] || [ "$TUNE_TRIAL_ID" = 4 ]; } && [ "$TUNE_TRIAL_ATTEMPT" = 1 ]; then
              sleep 300 &
              echo $! > "$TUNE_TRIAL_DIR/child.pid"
              while [ ! -f '\(gate)' ]; do sleep 0.05; done
            fi
            echo "$x" >> '\(sandbox.path("finished.txt"))'
            echo "score=$x"
            """)
        try Self.gridJob(sandbox, maxTrials: 6, parallel: 2)
        let tune = try sandbox.start(["./train.sh", "--config", "grid.yml", "--job", "g", "--grace-period", "1"])
        let bothHeld = await sandbox.waitUntil {
            sandbox.exists(".tune/g/trials/3/child.pid") && sandbox.exists(".tune/g/trials/4/child.pid")
        }
        try #require(bothHeld, "trials 3 and 4 started: \(tune.stderrSoFar)")
        tune.signal(SIGKILL)
        _ = await tune.finish()
        let held = [3, 4].flatMap { id in
            ["pid", "child.pid"].compactMap { Int32(sandbox.read(".tune/g/trials/\(id)/\($0)")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") }
        }
        #expect(held.count == 4)

        let status = try await sandbox.tune(["status", "g"])
        #expect(status.stdout.contains("INTERRUPTED"), "\(status)")
        #expect(status.stdout.contains("tune resume g"), "\(status)")

        let resumed = try await sandbox.tune(["resume", "g", "--grace-period", "1"])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.stderr.contains("2 finished trials kept, 2 to run again"), "\(resumed)")
        // The first attempts of 3 and 4, and their children, are gone.
        for pid in held { #expect(!isAlive(pid), "pid \(pid) of an interrupted attempt still runs") }

        let trials = try await trialsJSON(sandbox, "g")
        #expect(trials.count == 6, "exactly maxTrials trials: \(trials.count)")
        #expect(trials.allSatisfy { $0["state"] as? String == "SUCCEEDED" }, "\(trials)")
        let xs = trials.map { hyperparameters($0)["x"] ?? "" }
        #expect(Set(xs).count == 6, "no grid point twice: \(xs)")
        // Every trial finished exactly once: the side file has each x once.
        let finished = (sandbox.read("finished.txt") ?? "").split(separator: "\n").map(String.init)
        #expect(finished.sorted() == xs.sorted(), "finished \(finished) vs trials \(xs)")
        let byTrial = byId(trials)
        for id in [3, 4] {
            let trial = try #require(byTrial[id])
            #expect(trial["attempt"] as? Int == 2, "\(trial)")
            let earlier = try #require((trial["previousAttempts"] as? [[String: Any]])?.first, "\(trial)")
            #expect(earlier["state"] as? String == "CANCELLED")
            #expect((earlier["failureReason"] as? String)?.contains("interrupted") == true, "\(earlier)")
            #expect(earlier["outputFolder"] as? String == "trials/\(id).attempt-1")
            #expect(sandbox.exists(".tune/g/trials/\(id).attempt-1/stdout.log"), "the first attempt's output is kept aside")
            #expect(hyperparameters(trial)["x"] == String(id), "re-run with its own parameters")
        }
        for id in [1, 2, 5, 6] { #expect(byTrial[id]?["attempt"] == nil, "trial \(id) ran once") }
    }

    @Test func resumeStopsTheLeftoversOfAnAttemptWhenTheWatchdogWasGoneToo() async throws {
        let sandbox = try Sandbox()
        let gate = sandbox.path("gate")
        // Attempt 1 holds (with a child) until tune is gone; attempt 2 finishes.
        try sandbox.script(
            "train.sh",
            """
            if [ "$TUNE_TRIAL_ATTEMPT" = 1 ]; then
              sleep 300 &
              echo "$$ $!" > "$TUNE_TRIAL_DIR/pids"
              while [ ! -f '\(gate)' ]; do sleep 0.05; done
            fi
            echo "acc=0.$TUNE_TRIAL_ID"
            """)
        try sandbox.write("c.yml", config(maxTrials: 1))
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", "w", "--grace-period", "0.5"])
        let watchdog = try #require(await TeardownTests.findWatchdog(of: tune.pid), "\(tune.stderrSoFar)")
        // Running, and journaled as started (tune writes that just after the spawn; on a loaded
        // machine the trial can get as far as its pids file first).
        let started = await sandbox.waitUntil {
            sandbox.exists(".tune/w/trials/1/pids") && (sandbox.read(".tune/w/journal.jsonl")?.contains("\"trial_started\"") ?? false)
        }
        try #require(started, "\(tune.stderrSoFar)")
        let pids = TeardownTests.numbers(sandbox.read(".tune/w/trials/1/pids"))
        try #require(pids.count == 2)
        // Both tune and its watchdog die at once: nothing stops the trial.
        kill(watchdog, SIGKILL)
        tune.signal(SIGKILL)
        _ = await TeardownTests.waitForExit(tune, timeout: 5)
        try? await Task.sleep(nanoseconds: 700_000_000)
        #expect(pids.allSatisfy(isAlive), "the trial outlived tune: \(TeardownTests.describe(pids))")

        let resumed = try await sandbox.tune(["resume", "w"])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(pids.allSatisfy { !isAlive($0) }, "resume stopped the old attempt first: \(TeardownTests.describe(pids))")
        let trial = try #require(try await trialsJSON(sandbox, "w").first)
        #expect(trial["state"] as? String == "SUCCEEDED")
        let earlier = (trial["previousAttempts"] as? [[String: Any]])?.first
        #expect((earlier?["failureReason"] as? String)?.contains("its processes, still running, were stopped") == true, "\(trial)")
        TeardownTests.cleanUp(pids)
        _ = await tune.finish()
    }

    @Test func interruptedJobSaysHowToResumeAndKeepsItsBudget() async throws {
        let sandbox = try Sandbox()
        let gate = sandbox.path("gate")
        try sandbox.script(
            "train.sh",
            """
            if [ "$TUNE_TRIAL_ID" = 2 ] && [ "$TUNE_TRIAL_ATTEMPT" = 1 ]; then
              while [ ! -f '\(gate)' ]; do sleep 0.05; done
            fi
            echo "$TUNE_TRIAL_ID" >> '\(sandbox.path("finished.txt"))'
            echo "acc=0.$TUNE_TRIAL_ID"
            """)
        try sandbox.write("c.yml", config(maxTrials: 4, parallel: 1))
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", "c", "--grace-period", "1"])
        let holding = await sandbox.waitUntil { sandbox.exists(".tune/c/trials/2/stdout.log") }
        try #require(holding, "\(tune.stderrSoFar)")
        tune.signal(SIGINT)
        let stopped = await tune.finish()
        #expect(stopped.status == 130, "\(stopped)")
        #expect(stopped.stderr.contains("tune resume c"), "\(stopped)")

        let resumed = try await sandbox.tune(["resume", "c"])
        #expect(resumed.status == 0, "\(resumed)")
        let trials = try await trialsJSON(sandbox, "c")
        #expect(trials.count == 4, "maxTrials counts the whole job, not one invocation")
        #expect(trials.allSatisfy { $0["state"] as? String == "SUCCEEDED" }, "\(trials)")
        #expect(byId(trials)[2]?["attempt"] as? Int == 2)
        #expect((sandbox.read("finished.txt") ?? "").split(separator: "\n").sorted() == ["1", "2", "3", "4"])

        let again = try await sandbox.tune(["resume", "c"])
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.contains("Nothing to resume"), "\(again)")
        #expect(try await trialsJSON(sandbox, "c").count == 4)
    }

    @Test func maxTrialsRaisesTheBudgetOfAFinishedJob() async throws {
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            x=${1#--x=}
            echo "$x" >> '\(sandbox.path("finished.txt"))'
            echo "score=$x"
            """)
        try Self.gridJob(sandbox, maxTrials: 3, parallel: 2)
        let first = try await sandbox.tune(["./train.sh", "--config", "grid.yml", "--job", "b"])
        #expect(first.status == 0, "\(first)")

        let lower = try await sandbox.tune(["resume", "b", "--max-trials", "2"])
        #expect(lower.status == 2, "\(lower)")
        #expect(lower.stderr.contains("below the 3 trials"), "\(lower)")

        let more = try await sandbox.tune(["resume", "b", "--max-trials", "5"])
        #expect(more.status == 0, "\(more)")
        let trials = try await trialsJSON(sandbox, "b")
        #expect(trials.count == 5)
        let xs = trials.compactMap { hyperparameters($0)["x"] }
        #expect(Set(xs).count == 5, "a grid never repeats a point: \(xs)")
        #expect((sandbox.read("finished.txt") ?? "").split(separator: "\n").count == 5, "nothing ran twice")
        let status = try await sandbox.tune(["status", "b"])
        #expect(status.stdout.contains("5/5 trials finished"), "\(status)")

        // Past the grid's 8 points there is nothing more to run.
        let past = try await sandbox.tune(["resume", "b", "--max-trials", "20"])
        #expect(past.status == 0, "\(past)")
        #expect(try await trialsJSON(sandbox, "b").count == 8)
        let done = try await sandbox.tune(["resume", "b"])
        #expect(done.stdout.contains("Nothing to resume"), "\(done)")
    }

    @Test func bayesianResumeLearnsFromTheWholeHistory() async throws {
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            x=${1#--x=}
            echo "acc=$(awk "BEGIN { print -($x - 0.3) * ($x - 0.3) }")"
            """)
        try sandbox.write("c.yml", config(maxTrials: 8, algorithm: "ALGORITHM_UNSPECIFIED", extra: "seed: 3"))
        let first = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "bo"])
        #expect(first.status == 0, "\(first)")
        let more = try await sandbox.tune(["resume", "bo", "--max-trials", "12"])
        #expect(more.status == 0, "\(more)")
        let trials = try await trialsJSON(sandbox, "bo")
        #expect(trials.count == 12)
        // The four new trials come from the GP fitted to all eight earlier ones: near the optimum at 0.3.
        let late = trials.filter { Int($0["trialId"] as? String ?? "") ?? 0 > 8 }.compactMap { hyperparameters($0)["x"].flatMap(Double.init) }
        #expect(late.count == 4)
        #expect(late.allSatisfy { abs($0 - 0.3) < 0.25 }, "warm proposals near the optimum: \(late)")
    }

    @Test func retryRerunsFailedTrialsWithTheirParameters() async throws {
        let sandbox = try Sandbox()
        // Trials 2 and 3 fail on their first attempt only.
        try sandbox.script(
            "train.sh",
            """
            x=${1#--x=}
            if [ "$TUNE_TRIAL_ATTEMPT" = 1 ] && { [ "$TUNE_TRIAL_ID" = 2 ] || [ "$TUNE_TRIAL_ID" = 3 ]; }; then
              echo "flaky failure" >&2; exit 3
            fi
            echo "score=$x"
            """)
        try Self.gridJob(sandbox, maxTrials: 4, parallel: 1)
        let first = try await sandbox.tune(["./train.sh", "--config", "grid.yml", "--job", "r"])
        #expect(first.status == 0, "\(first)")
        #expect(try await trialsJSON(sandbox, "r").filter { $0["state"] as? String == "FAILED" }.count == 2)

        let succeeded = try await sandbox.tune(["retry", "r", "--trials", "1"])
        #expect(succeeded.status == 2, "\(succeeded)")
        #expect(succeeded.stderr.contains("SUCCEEDED"), "\(succeeded)")

        let one = try await sandbox.tune(["retry", "r", "--trials", "3"])
        #expect(one.status == 0, "\(one)")
        var trials = byId(try await trialsJSON(sandbox, "r"))
        #expect(trials[3]?["state"] as? String == "SUCCEEDED")
        #expect(trials[3]?["attempt"] as? Int == 2)
        #expect(hyperparameters(trials[3] ?? [:])["x"] == "3")
        #expect(trials[2]?["state"] as? String == "FAILED", "only the chosen trial ran")
        #expect(sandbox.exists(".tune/r/trials/3.attempt-1/stderr.log"))

        let rest = try await sandbox.tune(["retry", "r"])
        #expect(rest.status == 0, "\(rest)")
        trials = byId(try await trialsJSON(sandbox, "r"))
        #expect(trials.count == 4, "retry adds no trial")
        #expect(trials.values.allSatisfy { $0["state"] as? String == "SUCCEEDED" })
        let nothing = try await sandbox.tune(["retry", "r"])
        #expect(nothing.stdout.contains("Nothing to retry"), "\(nothing)")
    }

    @Test func aJobStoppedByMaxFailedTrialsGoesOnAfterRetry() async throws {
        let sandbox = try Sandbox()
        // Every first attempt fails until the "fixed" file exists.
        try sandbox.script(
            "train.sh",
            """
            if [ ! -f '\(sandbox.path("fixed"))' ]; then echo "missing data" >&2; exit 1; fi
            echo "acc=0.$TUNE_TRIAL_ID"
            """)
        try sandbox.write("c.yml", config(maxTrials: 5, extra: "maxFailedTrials: 2"))
        let first = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "f"])
        #expect(first.status == 1, "\(first)")
        #expect(try await trialsJSON(sandbox, "f").count == 2)

        let refused = try await sandbox.tune(["resume", "f"])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("reaching maxFailedTrials (2)") && refused.stderr.contains("tune retry f"), "\(refused)")
        #expect(try await trialsJSON(sandbox, "f").count == 2, "nothing ran")

        _ = try sandbox.write("fixed", "")
        let retried = try await sandbox.tune(["retry", "f"])
        #expect(retried.status == 0, "\(retried)")
        let resumed = try await sandbox.tune(["resume", "f"])
        #expect(resumed.status == 0, "\(resumed)")
        let trials = try await trialsJSON(sandbox, "f")
        #expect(trials.count == 5)
        #expect(trials.allSatisfy { $0["state"] as? String == "SUCCEEDED" }, "\(trials)")
        let status = try await sandbox.tune(["status", "f"])
        #expect(status.stdout.contains("SUCCEEDED"), "\(status)")
    }

    @Test func maxTrialRetriesRerunsInfrastructureFailuresOnly() async throws {
        let sandbox = try Sandbox()
        // Trial 2 is SIGKILLed from outside on its first attempt (as the OOM killer would);
        // trial 3 is always killed; trial 4 exits 1, its own bug, which is not retried.
        try sandbox.script(
            "train.sh",
            """
            case "$TUNE_TRIAL_ID:$TUNE_TRIAL_ATTEMPT" in
              2:1|3:*) kill -KILL $$ ;;
              4:*) echo "bug" >&2; exit 1 ;;
            esac
            echo "acc=0.$TUNE_TRIAL_ID"
            """)
        try sandbox.write("c.yml", config(maxTrials: 4, extra: "maxTrialRetries: 2\nmaxFailedTrials: 5"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "m"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("trial 2 failed, killed by SIGKILL from outside tune"), "\(run)")
        let trials = byId(try await trialsJSON(sandbox, "m"))
        #expect(trials[2]?["state"] as? String == "SUCCEEDED")
        #expect(trials[2]?["attempt"] as? Int == 2)
        #expect(trials[3]?["state"] as? String == "FAILED")
        #expect(trials[3]?["attempt"] as? Int == 3, "the first try and maxTrialRetries (2) more")
        #expect(trials[4]?["state"] as? String == "FAILED")
        #expect(trials[4]?["attempt"] == nil, "a script's own error is not retried")
        #expect(trials.count == 4)
    }

    @Test func resumePreviousJobIdWarmStartsANewJob() async throws {
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            x=${1#--x=}
            echo "score=$x"
            """)
        try Self.gridJob(sandbox, maxTrials: 3, parallel: 1)
        #expect(try await sandbox.tune(["./train.sh", "--config", "grid.yml", "--job", "old"]).status == 0)

        try Self.gridJob(sandbox, maxTrials: 3, parallel: 1, extra: "resumePreviousJobId: old")
        let warm = try await sandbox.tune(["./train.sh", "--config", "grid.yml", "--job", "new"])
        #expect(warm.status == 0, "\(warm)")
        #expect(warm.stderr.contains("warm start from job old: 3 finished trials"), "\(warm)")
        let xs = try await trialsJSON(sandbox, "new").compactMap { hyperparameters($0)["x"] }.sorted()
        #expect(xs == ["4", "5", "6"], "the grid goes on where the old job stopped: \(xs)")
        let status = try await sandbox.tune(["status", "new"])
        #expect(status.stdout.contains("3 trials of job old"), "\(status)")

        // Another parameter name: refused, nothing created.
        try sandbox.write(
            "other.yml",
            config(
                maxTrials: 2, tag: "score", extra: "resumePreviousJobId: old",
                params: """
                      - parameterName: y
                        type: INTEGER
                        minValue: 1
                        maxValue: 8
                    """))
        let other = try await sandbox.tune(["./train.sh", "--config", "other.yml", "--job", "other"])
        #expect(other.status == 2, "\(other)")
        #expect(
            other.stderr.contains("resumePreviousJobId: job old did not search y, which this config adds: give each added parameter a defaultValue"),
            "\(other)")
        #expect(!sandbox.exists(".tune/other"))
        // Another type for the same name: refused too.
        try sandbox.write("typed.yml", config(maxTrials: 2, tag: "score", extra: "resumePreviousJobId: old"))
        let typed = try await sandbox.tune(["./train.sh", "--config", "typed.yml", "--job", "typed"])
        #expect(typed.status == 2, "\(typed)")
        #expect(typed.stderr.contains("had x as INTEGER, this config has it as DOUBLE"), "\(typed)")
        #expect(!sandbox.exists(".tune/typed"))
        try sandbox.write("missing.yml", config(maxTrials: 2, tag: "score", extra: "resumePreviousJobId: nope"))
        let missing = try await sandbox.tune(["./train.sh", "--config", "missing.yml", "--job", "m"])
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderr.contains("nope"), "\(missing)")
        #expect(!sandbox.exists(".tune/m"))
    }

    /// A warm start may add a parameter that has a defaultValue: the earlier trials are taken to
    /// have had it, so they feed the new job (a grid skips them) and are never run again.
    @Test func aWarmStartAddsAParameterAtItsDefault() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "for a in \"$@\"; do case $a in --x=*) x=${a#--x=} ;; esac; done\necho \"score=$x\"")
        try Self.gridJob(sandbox, maxTrials: 3, parallel: 1)
        #expect(try await sandbox.tune(["./train.sh", "--config", "grid.yml", "--job", "old"]).status == 0)
        let params = """
                  - parameterName: x
                    type: INTEGER
                    minValue: 1
                    maxValue: 8
                  - parameterName: y
                    type: DISCRETE
                    discreteValues: [1, 2]
            """
        // Without the default the added parameter is refused, saying what to do.
        try sandbox.write(
            "bare.yml",
            config(
                maxTrials: 4, tag: "score", algorithm: "GRID_SEARCH", extra: "resumePreviousJobId: old",
                params: params))
        let bare = try await sandbox.tune(["./train.sh", "--config", "bare.yml", "--job", "bare"])
        #expect(bare.status == 2, "\(bare)")
        #expect(bare.stderr.contains("give each added parameter a defaultValue"), "\(bare)")
        #expect(!sandbox.exists(".tune/bare"))

        try sandbox.write(
            "grown.yml",
            config(
                maxTrials: 4, tag: "score", algorithm: "GRID_SEARCH", extra: "resumePreviousJobId: old",
                params: params + "\n        defaultValue: 1"))
        let grown = try await sandbox.tune(["./train.sh", "--config", "grown.yml", "--job", "grown"])
        #expect(grown.status == 0, "\(grown)")
        #expect(grown.stderr.contains("warm start from job old: 3 finished trials"), "\(grown)")
        let points = try await trialsJSON(sandbox, "grown").map { hyperparameters($0) }.map { "\($0["x"] ?? "?"),\($0["y"] ?? "?")" }
        // Trial 1 is the default point (x at its midpoint, y at 1); the grid then skips (1,1),
        // (2,1) and (3,1), which the earlier job ran with y taken at its default.
        #expect(Set(points) == ["5,1", "1,2", "2,2", "3,2"], "\(points)")
    }

    @Test func aRunningJobCannotBeResumedTwice() async throws {
        let sandbox = try Sandbox()
        let gate = sandbox.path("gate")
        try sandbox.script(
            "train.sh",
            """
            while [ ! -f '\(gate)' ]; do sleep 0.05; done
            echo acc=0.5
            """)
        try sandbox.write("c.yml", config(maxTrials: 1))
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", "busy"])
        let started = await sandbox.waitUntil { sandbox.exists(".tune/busy/trials/1/stdout.log") }
        try #require(started, "\(tune.stderrSoFar)")
        for command in ["resume", "retry"] {
            let second = try await sandbox.tune([command, "busy"])
            #expect(second.status == 1, "\(second)")
            #expect(second.stderr.contains("process \(tune.pid)"), "names the holder: \(second)")
        }
        _ = try sandbox.write("gate", "")
        #expect(await tune.finish().status == 0)
    }
}
