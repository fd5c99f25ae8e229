import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

private let spec = TuningSpec(
    goal: .maximize, metricTag: "acc", maxTrials: 10, algorithm: .random,
    params: [ParameterSpec(name: "x", domain: .double(min: 0, max: 1, scale: .linear))])
private let now = Date(timeIntervalSince1970: 1_800_000_000)

private func readings(_ values: [Double]) -> [MetricReading] {
    values.enumerated().map { MetricReading(tag: "acc", value: $1, step: $0 + 1, source: .stdout) }
}

private func facts(
    exit: TrialExit = .exited(0), stop: StopCause? = nil, values: [Double] = [0.5, 0.7], ranItsCourse: Bool = false,
    launcherEnd: SchedulerEnd? = nil, notes: [String] = []
) -> TrialEnd.Facts {
    TrialEnd.Facts(
        trial: 4, exit: exit, stopCause: stop, readings: readings(values), objectiveReadings: readings(values),
        ranItsCourse: ranItsCourse, launcherEnd: launcherEnd, lastErrorLine: "RuntimeError: boom", notes: notes, time: now)
}

@Suite("How a trial's end is recorded", .limitedParallelism)
struct TrialEndTests {
    @Test func aTrialThatReportedAndExitedZeroSucceedsWithItsLastValue() {
        let end = TrialEnd.judge(facts(), spec: spec) {
            Issue.record("no stray search for a trial with its metric")
            return nil
        }
        #expect(end.outcome.state == .succeeded)
        #expect(end.outcome.finalMetric?.value == 0.7)
        #expect(end.retrySign == nil && end.stopsJob == nil)
    }

    @Test func whatTuneStoppedIsRecordedForWhyItStoppedIt() {
        let cancelled = TrialEnd.judge(facts(exit: .signaled(SIGTERM), stop: .cancelled("cancelled by SIGINT")), spec: spec) { nil }
        #expect(cancelled.outcome.state == .cancelled && cancelled.outcome.reason == "cancelled by SIGINT")
        #expect(cancelled.outcome.signal == SIGTERM && cancelled.retrySign == nil)

        let timedOut = TrialEnd.judge(facts(exit: .signaled(SIGKILL), stop: .timedOut("timed out after 1s (trialTimeout)")), spec: spec) { nil }
        #expect(timedOut.outcome.state == .failed && timedOut.outcome.reason == "timed out after 1s (trialTimeout)")
        #expect(timedOut.retrySign == nil, "a timeout is the trial's own, never retried")
    }

    @Test func aTrialStoppedEarlySucceedsWithTheValueItReachedUnlessItRanItsCourse() {
        let stopped = TrialEnd.judge(facts(exit: .signaled(SIGTERM), stop: .stoppedEarly("behind")), spec: spec) { nil }
        #expect(stopped.outcome.state == .succeeded && stopped.outcome.stoppedEarly)
        #expect(stopped.outcome.finalMetric?.value == 0.7 && stopped.outcome.reason == "behind")

        // It exited 0 where finished trials end: judged as any other trial, not stopped early.
        let ran = TrialEnd.judge(facts(stop: .stoppedEarly("behind"), ranItsCourse: true), spec: spec) { nil }
        #expect(ran.outcome.state == .succeeded && !ran.outcome.stoppedEarly && ran.outcome.reason == nil)

        // Ran its course but was killed: still the stopped-early record.
        #expect(
            TrialEnd.judge(facts(exit: .signaled(SIGKILL), stop: .stoppedEarly("behind"), ranItsCourse: true), spec: spec) { nil }
                .outcome.stoppedEarly)

        let diverged = TrialEnd.judge(facts(exit: .signaled(SIGTERM), stop: .stoppedEarly("behind"), values: [0.5, .nan]), spec: spec) { nil }
        #expect(diverged.outcome.state == .failed)
        #expect(diverged.outcome.reason == "behind; its last value was not a finite number")
    }

    @Test func theLaunchersEndFailsTheTrialAndMayStopTheJobOrRetryIt() {
        let limit = TrialEnd.judge(facts(exit: .exited(1), launcherEnd: SchedulerEnd(reason: "Slurm stopped it at its time limit")), spec: spec) { nil }
        #expect(limit.outcome.state == .failed && limit.outcome.reason == "Slurm stopped it at its time limit")
        #expect(limit.retrySign == nil && limit.stopsJob == nil)

        let preempted = TrialEnd.judge(facts(exit: .exited(1), launcherEnd: SchedulerEnd(reason: "preempted", isInfrastructure: true)), spec: spec) { nil }
        #expect(preempted.retrySign == "preempted")

        let everywhere = TrialEnd.judge(facts(exit: .exited(1), launcherEnd: SchedulerEnd(reason: "no trial folder on the node", stopsJob: true)), spec: spec) { nil }
        #expect(everywhere.stopsJob == "trial 4: no trial folder on the node")

        // What tune stopped is never blamed on the launcher.
        let cancelled = TrialEnd.judge(facts(exit: .exited(1), stop: .cancelled("stop"), launcherEnd: SchedulerEnd(reason: "x", stopsJob: true)), spec: spec) { nil }
        #expect(cancelled.stopsJob == nil && cancelled.outcome.state == .cancelled)
    }

    @Test func aTrialKilledFromOutsideIsAnInfrastructureFailureToRetry() {
        let killed = TrialEnd.judge(facts(exit: .signaled(SIGKILL), values: []), spec: spec) { nil }
        #expect(killed.outcome.state == .failed)
        #expect(killed.retrySign == InfrastructureFailure.sign(exit: .signaled(SIGKILL), reason: killed.outcome.reason))
        #expect(killed.retrySign != nil)
        let crashed = TrialEnd.judge(facts(exit: .exited(1), values: []), spec: spec) { nil }
        #expect(crashed.outcome.state == .failed && crashed.retrySign == nil, "a trial's own error is not retried")
    }

    @Test func aTrialWithoutItsMetricIsToldWhereItsEventFilesWent() {
        var asked = 0
        let end = TrialEnd.judge(facts(values: []), spec: spec) {
            asked += 1
            return "event files under runs/"
        }
        #expect(asked == 1)
        #expect(end.outcome.state == .failed)
        #expect(end.outcome.reason?.hasSuffix(" — event files under runs/") == true, "\(end.outcome.reason ?? "")")
    }

    @Test func notesGoIntoTheRecord() {
        #expect(TrialEnd.judge(facts(notes: ["2 reports missed"]), spec: spec) { nil }.outcome.notes == ["2 reports missed"])
        #expect(TrialEnd.judge(facts(), spec: spec) { nil }.outcome.notes == nil)
    }
}

@Suite("Stopping trials: causes, teardown, GPUs", .limitedParallelism)
struct StoppingValuesTests {
    @Test func aStrongerCauseReplacesAWeakerOne() {
        #expect(StopCause.raise(nil, to: .stoppedEarly("a")) == .stoppedEarly("a"))
        #expect(StopCause.raise(.stoppedEarly("a"), to: .timedOut("b")) == .timedOut("b"))
        #expect(StopCause.raise(.timedOut("b"), to: .cancelled("c")) == .cancelled("c"))
        #expect(StopCause.raise(.cancelled("c"), to: .timedOut("b")) == .cancelled("c"))
        #expect(StopCause.raise(.timedOut("b"), to: .stoppedEarly("a")) == .timedOut("b"))
    }

    @Test func sigtermThenSigkillAfterTheGracePeriodOnce() {
        var teardown = Teardown(gracePeriod: 10)
        #expect(teardown.begin(1, now: now) == SIGTERM)
        #expect(teardown.begin(2, now: now.addingTimeInterval(5)) == SIGTERM)
        // Asked again later, a trial keeps its first deadline.
        _ = teardown.begin(1, now: now.addingTimeInterval(8))
        #expect(teardown.due(now: now.addingTimeInterval(9.9)).isEmpty)
        #expect(teardown.due(now: now.addingTimeInterval(10)) == [1])
        #expect(teardown.due(now: now.addingTimeInterval(12)).isEmpty, "each SIGKILL once")
        teardown.forget(2)
        #expect(teardown.due(now: now.addingTimeInterval(100)).isEmpty, "a trial that ended is not killed")
    }

    @Test func gpusAreSharedOutWithoutOverlap() {
        var pool = GPUPool(gpus: ["0", "1", "2", "3", "4"], perTrial: 2)
        #expect(pool.slots(maxParallel: 8) == 2)
        #expect(pool.slots(maxParallel: 1) == 1)
        let a = pool.take()
        let b = pool.take()
        #expect(a == ["0", "1"] && b == ["2", "3"] && pool.free == ["4"])
        pool.putBack(b)
        #expect(pool.free == ["2", "3", "4"], "a trial that could not start gives its GPUs back first in line")
        pool.release(a)
        #expect(pool.free == ["2", "3", "4", "0", "1"])

        var none = GPUPool(gpus: ["0"], perTrial: nil)
        #expect(none.slots(maxParallel: 6) == 6 && none.take().isEmpty && none.free == ["0"])
    }
}
