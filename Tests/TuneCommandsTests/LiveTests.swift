import Foundation
import Testing
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Reading the store while tune runs, and interrupting it.
@Suite("End to end: a running job", .limitedParallelism)
struct LiveTests {
    @Test func readersWorkWhileTheJobRuns() async throws {
        let sandbox = try Sandbox()
        // Each trial waits at a gate the test opens: trial 1 once `logs --follow` is seen following it,
        // the others once the test has read the store — so the job is certainly still running while
        // the readers run, however slow the machine.
        let gate1 = sandbox.path("gate1")
        let gate = sandbox.path("gate")
        try sandbox.script(
            "train.sh",
            """
            echo "hello from trial $TUNE_TRIAL_ID"
            if [ "$TUNE_TRIAL_ID" = 1 ]; then while [ ! -f '\(gate1)' ]; do sleep 0.05; done; fi
            if [ "$TUNE_TRIAL_ID" -gt 1 ]; then while [ ! -f '\(gate)' ]; do sleep 0.05; done; fi
            echo "acc=0.$TUNE_TRIAL_ID"
            """)
        try sandbox.write("c.yml", config(maxTrials: 4, parallel: 1))
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", "live"])

        let started = await sandbox.waitUntil { sandbox.exists(".tune/live/trials/1/stdout.log") }
        try #require(started, "trial 1 started: \(tune.stderrSoFar)")
        // --follow prints the trial's output as it comes and returns by itself when the trial ends.
        let follow = try sandbox.start(["logs", "live", "--trial", "1", "--follow"])
        let following = await sandbox.waitUntil { follow.stdoutSoFar.contains("hello from trial 1") }
        #expect(following, "follow printed what the trial wrote so far: \(follow.stdoutSoFar)")
        #expect(follow.isRunning, "follow keeps going while the trial runs")
        _ = try sandbox.write("gate1", "")
        let logs = await follow.finish(timeout: 60)
        #expect(logs.status == 0, "\(logs)")
        #expect(logs.stdout.contains("hello from trial 1"), "\(logs)")
        #expect(logs.stdout.contains("acc=0.1"), "the whole output, to the trial's end: \(logs)")

        // Trial 2 waits at the gate.
        let status = try await sandbox.tune(["status", "live"])
        #expect(status.status == 0, "\(status)")
        #expect(status.stdout.contains("RUNNING"), "\(status)")
        let trials = try await trialsJSON(sandbox, "live")
        let first = try #require(byId(trials)[1], "\(trials)")
        #expect(first["state"] as? String == "SUCCEEDED")
        #expect(objective(first) == 0.1)
        #expect(tune.isRunning, "the readers ran while tune was still running")
        _ = try sandbox.write("gate", "")

        let end = await tune.finish(timeout: 60)
        #expect(end.status == 0, "\(end)")
        let after = try await sandbox.tune(["status", "live"])
        #expect(after.stdout.contains("SUCCEEDED"), "\(after)")
        #expect(try await trialsJSON(sandbox, "live").count == 4)
    }

    @Test func readersInALoopNeverSeeAHalfWrittenTrial() async throws {
        let sandbox = try Sandbox()
        // Many short trials, each with many readings: the journal grows all the time. Trials past
        // the 12th wait for the test's fifth read, so reads certainly overlap the run.
        let gate = sandbox.path("gate")
        try sandbox.script(
            "train.sh",
            """
            if [ "$TUNE_TRIAL_ID" -gt 12 ]; then while [ ! -f '\(gate)' ]; do sleep 0.02; done; fi
            i=1
            while [ $i -le 40 ]; do echo "acc=0.$i step=$i"; i=$((i + 1)); done
            sleep 0.1
            echo "acc=0.$TUNE_TRIAL_ID"
            """)
        try sandbox.write("c.yml", config(maxTrials: 40, parallel: 3))
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", "busy"])
        _ = await sandbox.waitUntil { sandbox.exists(".tune/busy/journal.jsonl") }
        var reads = 0
        var lastCount = 0
        var lastSucceeded = 0
        while tune.isRunning || reads == 0 {
            let trials = try await trialsJSON(sandbox, "busy")
            reads += 1
            let succeeded = trials.filter { $0["state"] as? String == "SUCCEEDED" }
            // A trial is seen whole: succeeded means its objective is there, and counts only grow.
            #expect(succeeded.allSatisfy { objective($0) != nil && trainingStep($0) != nil }, "\(trials)")
            #expect(trials.count >= lastCount && succeeded.count >= lastSucceeded)
            lastCount = trials.count
            lastSucceeded = succeeded.count
            let status = try await sandbox.tune(["status", "busy"])
            #expect(status.status == 0, "\(status)")
            if reads == 5 {
                #expect(tune.isRunning, "the job was still running during the first five reads")
                _ = try sandbox.write("gate", "")
            }
        }
        let end = await tune.finish()
        #expect(end.status == 0, "the readers never blocked the runner: \(end)")
        #expect(reads >= 5, "read while the job ran: \(reads) reads")
        #expect(try await trialsJSON(sandbox, "busy").count == 40)
    }

    /// The trial sleeps far longer than any wait here, so that on a loaded machine it is still
    /// running when the interrupt comes (with 30 s, it once finished first).
    @Test func interruptCancelsTheJobAndKillsTheTrialsProcesses() async throws {
        let sandbox = try Sandbox()
        let pids = sandbox.path("pids.txt")
        try sandbox.script(
            "train.sh",
            """
            echo "epoch 1: acc=0.1"
            sleep 600 &
            echo "$$ $!" > '\(pids).tmp' && mv '\(pids).tmp' '\(pids)'
            wait
            echo acc=0.9
            """)
        try sandbox.write("c.yml", config(maxTrials: 3, parallel: 1))
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", "stop", "--grace-period", "2"])

        let ready = await sandbox.waitUntil { sandbox.exists(pids) }
        try #require(ready, "the trial wrote its pids: \(tune.stderrSoFar)")
        let numbers = (sandbox.read(pids) ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int32($0) }
        try #require(numbers.count == 2, "\(numbers)")
        #expect(numbers.allSatisfy(isAlive))

        let interrupted = Date()
        tune.signal(SIGINT)
        let end = await tune.finish(timeout: 60)
        #expect(end.status == 130, "\(end)")
        #expect(Date().timeIntervalSince(interrupted) < 45, "ends within seconds of Ctrl-C (loose: the whole suite runs at once)")

        let status = try await sandbox.tune(["status", "stop"])
        #expect(status.stdout.contains("CANCELLED"), "\(status)")
        let trials = try await trialsJSON(sandbox, "stop")
        #expect(trials.count == 1, "no trial launched after the interrupt: \(trials)")
        #expect(byId(trials)[1]?["state"] as? String == "CANCELLED", "\(trials)")

        // Neither the trial nor the process it started outlives tune.
        let gone = await sandbox.waitUntil(timeout: 3) { !numbers.contains(where: isAlive) }
        #expect(gone, "still alive: \(numbers.filter(isAlive))")
        for pid in numbers where isAlive(pid) { kill(pid, SIGKILL) }
    }

    /// A trial that ignores SIGTERM and keeps waiting: killed after --grace-period, or at once on a second Ctrl-C.
    @Test(arguments: [false, true])
    func stubbornTrialIsKilled(secondInterrupt: Bool) async throws {
        let sandbox = try Sandbox()
        let pids = sandbox.path("pids.txt")
        try sandbox.script(
            "train.sh",
            """
            trap '' TERM
            sleep 30 &
            echo "$$ $!" > '\(pids).tmp' && mv '\(pids).tmp' '\(pids)'
            while true; do wait; done
            """)
        try sandbox.write("c.yml", config(maxTrials: 2, parallel: 1))
        let grace = secondInterrupt ? "90" : "1"
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", "stubborn", "--grace-period", grace])
        let ready = await sandbox.waitUntil { sandbox.exists(pids) }
        try #require(ready, "the trial wrote its pids: \(tune.stderrSoFar)")
        let numbers = (sandbox.read(pids) ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int32($0) }

        let interrupted = Date()
        tune.signal(SIGINT)
        if secondInterrupt {
            try await Task.sleep(nanoseconds: 300_000_000)
            tune.signal(SIGINT)
        }
        let end = await tune.finish(timeout: 60)
        let took = Date().timeIntervalSince(interrupted)
        #expect(end.status == 130, "\(end)")
        if secondInterrupt {
            // Far below the 90 s grace period, with room for a loaded machine (the whole suite runs
            // at once, the campaign's fsyncs among it: 16 s was seen).
            #expect(took < 45, "the second interrupt kills at once, not after the 90 s grace period: \(took)s")
        } else {
            #expect(took >= 0.9 && took < 45, "SIGKILL after the 1 s grace period: \(took)s")
        }
        #expect(byId(try await trialsJSON(sandbox, "stubborn"))[1]?["state"] as? String == "CANCELLED")
        let gone = await sandbox.waitUntil(timeout: 3) { !numbers.contains(where: isAlive) }
        #expect(gone, "still alive: \(numbers.filter(isAlive))")
        for pid in numbers where isAlive(pid) { kill(pid, SIGKILL) }
    }
}
