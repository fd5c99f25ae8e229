import Foundation
import Testing
import TuneTestSupport

/// Trials that fail, and the job's failure budget.
@Suite("End to end: failures", .limitedParallelism)
struct FailureTests {
    @Test func wrongMetricFailsEveryTrialAndTheJob() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo loss=0.1")
        try sandbox.write("c.yml", config(maxTrials: 5))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "wrong"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("the first 3 trials all failed"), "\(run)")
        let trials = try await trialsJSON(sandbox, "wrong")
        #expect(trials.count == 3, "stops after the first 3 failures: \(trials.count)")
        for trial in trials {
            #expect(trial["state"] as? String == "FAILED")
            #expect(trial["finalMetric"] == nil)
            let reason = trial["failureReason"] as? String ?? ""
            #expect(reason.contains("'acc'") && reason.contains("loss"), "names the tag and what was reported: \(reason)")
        }
        let status = try await sandbox.tune(["status", "wrong"])
        #expect(status.stdout.contains("FAILED"), "\(status)")
    }

    @Test func nonZeroExitNamesTheCodeAndTheLastErrorLine() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.9\necho 'ValueError: bad things happened' >&2\nexit 3")
        try sandbox.write("c.yml", config(maxTrials: 1))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "crash"])
        #expect(run.status == 1, "\(run)")
        let trials = try await trialsJSON(sandbox, "crash")
        try #require(trials.count == 1)
        #expect(trials[0]["state"] as? String == "FAILED")
        let reason = trials[0]["failureReason"] as? String ?? ""
        #expect(reason.contains("exited with code 3"), "\(reason)")
        #expect(reason.contains("ValueError: bad things happened"), "\(reason)")
        #expect(run.stderr.contains("ValueError: bad things happened"), "the summary shows why: \(run)")
    }

    @Test func maxFailedTrialsStopsLaunching() async throws {
        let sandbox = try Sandbox()
        // Odd trials fail: 1 fails, 2 succeeds, 3 fails → 2 failures reach maxFailedTrials 2
        // (Cloud ML: "the number of failed trials that need to be seen before failing the job").
        try sandbox.script(
            "train.sh",
            """
            if [ $((TUNE_TRIAL_ID % 2)) -eq 1 ]; then echo "odd trial $TUNE_TRIAL_ID" >&2; exit 1; fi
            echo acc=0.5
            """)
        try sandbox.write("c.yml", config(maxTrials: 8, extra: "maxFailedTrials: 2"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "budget"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("maxFailedTrials"), "\(run)")
        // The failures' reasons, grouped, with the trials they hit.
        #expect(run.stderr.contains("Failed trials:\n  1 × exited with code 1: odd trial 1 (trial 1)\n  1 × exited with code 1: odd trial 3 (trial 3)"), "\(run)")
        let trials = try await trialsJSON(sandbox, "budget")
        #expect(trials.count == 3, "stopped launching after the 2nd failure: \(trials.count) trials")
        #expect(trials.count < 8)
        let states = byId(trials).mapValues { $0["state"] as? String ?? "" }
        #expect(states == [1: "FAILED", 2: "SUCCEEDED", 3: "FAILED"])
        let status = try await sandbox.tune(["status", "budget"])
        #expect(status.stdout.contains("FAILED"), "\(status)")
    }

    @Test func failuresWithinBudgetStillSucceed() async throws {
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            if [ "$TUNE_TRIAL_ID" = 2 ]; then exit 1; fi
            echo acc=0.5
            """)
        try sandbox.write("c.yml", config(maxTrials: 4, parallel: 2, extra: "maxFailedTrials: 2"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "ok"])
        #expect(run.status == 0, "\(run)")
        let states = byId(try await trialsJSON(sandbox, "ok")).mapValues { $0["state"] as? String ?? "" }
        #expect(states == [1: "SUCCEEDED", 2: "FAILED", 3: "SUCCEEDED", 4: "SUCCEEDED"])
    }
}

/// trialTimeout: a trial past its limit is stopped, with everything it started, and fails as timed out.
@Suite("End to end: trial timeout", .limitedParallelism)
struct TrialTimeoutTests {
    @Test func trialPastItsTimeoutIsStoppedAndFails() async throws {
        let sandbox = try Sandbox()
        let pids = sandbox.path("pids.txt")
        try sandbox.script(
            "train.sh",
            """
            if [ "$TUNE_TRIAL_ID" = 2 ]; then echo acc=0.5; exit 0; fi
            trap '' TERM
            sleep 90 &
            echo "$$ $!" > '\(pids)'
            wait
            echo acc=0.9
            """)
        try sandbox.write("c.yml", config(maxTrials: 2, extra: "trialTimeout: 1s"))
        let started = Date()
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "slow", "--grace-period", "1"], timeout: 80)
        #expect(run.status == 0, "the job goes on after a timed-out trial: \(run)")
        #expect(Date().timeIntervalSince(started) < 60, "stopped after about 1 s plus the 1 s grace period, not after 90 s (loose: the whole suite runs at once)")
        let trials = byId(try await trialsJSON(sandbox, "slow"))
        #expect(trials[1]?["state"] as? String == "FAILED", "\(trials)")
        #expect((trials[1]?["failureReason"] as? String)?.contains("timed out after 1s (trialTimeout)") == true, "\(trials)")
        #expect(trials[2]?["state"] as? String == "SUCCEEDED")
        let numbers = (sandbox.read(pids) ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int32($0) }
        #expect(numbers.count == 2)
        for pid in numbers { #expect(!isAlive(pid), "process \(pid) of the timed-out trial is gone") }
    }
}
