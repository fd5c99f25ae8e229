import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Stopping trials, whatever the reason: `Teardown` sends SIGTERM now and SIGKILL after the grace period.
extension TuningRun {
    /// trialTimeout: a trial past its limit is stopped; any trial past its grace period gets SIGKILL.
    func enforceTimeouts(now: Date) {
        if let limit = spec.trialTimeout {
            for trial in running where trial.exit == nil {
                guard let since = trial.runningSince, now.timeIntervalSince(since) > limit else { continue }
                switch trial.stopCause {
                case .timedOut, .cancelled: continue
                case .stoppedEarly, nil: stop(trial, .timedOut("timed out after \(DurationText.format(limit)) (trialTimeout)"), now: now)
                }
            }
        }
        for id in teardown.due(now: now) {
            running.first { $0.id == id && $0.exit == nil }?.process.send(SIGKILL)
        }
    }

    /// `studyStoppingConfig`: once a rule fires, no new trials; at a time limit with
    /// `stopRunningTrials`, the running ones are stopped too (they end CANCELLED, and a resume
    /// runs them again). Said once.
    func checkStudyStopping() {
        guard studyStop == nil, proposesNew, cancelReason == nil, let stop = job.studyStop(now: Date()) ?? convergence() else { return }
        studyStop = stop
        let active = running.filter { $0.exit == nil }.count
        let stopsRunning = stop.isTimeLimit && spec.studyStopping?.stopRunningTrials == true
        var text = "stopping: \(stop.reason); no new trials"
        if active > 0 { text += stopsRunning ? ", stopping the \(active) running" : ", the \(active) running finish" }
        reporter.note(text)
        if stopsRunning { stopAll(.cancelled("stopped at the job's time limit (stopRunningTrials)")) }
    }

    /// The convergence rule (`stopOnConvergence`): after each newly finished trial, the strategy's
    /// model says how much one more trial could still improve; `convergencePatience` answers in a
    /// row below the threshold stop the job.
    func convergence() -> StudyStop? {
        guard let rules = spec.studyStopping, rules.stopOnConvergence == true else { return nil }
        let finished = job.trials.filter { $0.state.isFinished }.count
        guard finished > convergenceAsked, job.floorsPassed(now: Date()) else { return nil }
        convergenceAsked = finished
        let threshold = rules.convergenceThreshold ?? StudyStoppingSpec.defaultConvergenceThreshold
        guard let left = strategy.expectedImprovementLeft(history: job.observations) else { return nil }
        convergedStreak = left < threshold ? convergedStreak + 1 : 0
        guard convergedStreak >= StudyStoppingSpec.convergencePatience else { return nil }
        return StudyStop(
            reason:
                "converged: the model expects at most \(MetricReading.display((left * 1e4).rounded() / 1e4)) of the objective's spread from another trial (below \(StudyStoppingSpec.number(threshold)) for \(StudyStoppingSpec.convergencePatience) trials in a row)",
            isTimeLimit: false)
    }

    /// Starts stopping `trial` for `cause`: SIGTERM now, SIGKILL after the grace period.
    func stop(_ trial: RunningTrial, _ cause: StopCause, now: Date) {
        trial.stopCause = StopCause.raise(trial.stopCause, to: cause)
        trial.process.send(teardown.begin(trial.id, now: now))
    }

    /// Starts stopping every running trial for `cause`.
    func stopAll(_ cause: StopCause) {
        let now = Date()
        for trial in running where trial.exit == nil { stop(trial, cause, now: now) }
    }

    /// Kills every running trial now (a second interrupt, a journal that cannot be written).
    func killAll(reason: String? = nil) {
        for trial in running where trial.exit == nil {
            if let reason { trial.stopCause = StopCause.raise(trial.stopCause, to: .cancelled(reason)) }
            trial.process.send(SIGKILL)
            teardown.forget(trial.id)
        }
    }
}
