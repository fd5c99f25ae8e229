import Foundation

/// How a trial that ended is recorded: the loop's judgement of an exit, as a pure function of
/// what it knows then. In order: a trial tune stopped is recorded for why it stopped it (cancelled,
/// timed out, stopped early with the value it had reached — unless it ran its course anyway); one
/// the launcher's system ended (a time limit, preemption) failed for that; any other is judged by
/// its exit and its objective (`TrialVerdict`).
struct TrialEnd: Equatable {
    /// What the loop knows when a trial has ended.
    struct Facts {
        var trial: Int
        var exit: TrialExit
        var stopCause: StopCause?
        /// Every reading of this run of the trial.
        var readings: [MetricReading]
        /// The trial's journaled readings of the objective.
        var objectiveReadings: [MetricReading]
        /// Told to stop early, it still got where finished trials do (`TrialScheduler.ranItsCourse`).
        var ranItsCourse: Bool
        /// How the launcher's system ended it, if it did.
        var launcherEnd: SchedulerEnd?
        var lastErrorLine: String?
        /// Said in its record (metric reports it missed).
        var notes: [String] = []
        var time: Date
    }

    var outcome: TrialOutcome
    /// Where the objective came from, when that is worth saying (once per job).
    var sourceNote: String?
    /// Every trial would end this way: the job stops launching, for this reason.
    var stopsJob: String?
    /// Signs of infrastructure trouble (the machine, not the trial): maxTrialRetries may run it again.
    var retrySign: String?

    /// `strayHint` is asked only for a trial that exited 0 without its objective: where its event
    /// files went, if they were written somewhere tune does not look.
    static func judge(_ facts: Facts, spec: TuningSpec, strayHint: () -> String?) -> TrialEnd {
        var (exitCode, signal): (Int32?, Int32?) = (nil, nil)
        switch facts.exit {
        case .exited(let code): exitCode = code
        case .signaled(let number): signal = number
        }
        let id = facts.trial
        let time = facts.time
        // How the launcher's system ended it, unless tune itself stopped it.
        let launcherEnd = facts.stopCause == nil ? facts.launcherEnd : nil
        var end: TrialEnd
        switch facts.stopCause {
        case .cancelled(let reason):
            end = TrialEnd(outcome: TrialOutcome(trial: id, state: .cancelled, time: time, exitCode: exitCode, signal: signal, reason: reason))
        case .timedOut(let reason):
            end = TrialEnd(outcome: TrialOutcome(trial: id, state: .failed, time: time, exitCode: exitCode, signal: signal, reason: reason))
        case .stoppedEarly(let reason) where !(facts.exit == .exited(0) && facts.ranItsCourse):
            let readings = facts.objectiveReadings
            let objective = ObjectiveSelection.select(
                from: readings, tag: readings.last?.tag ?? spec.metricTag, goal: spec.goal,
                selection: spec.measurementSelection)
            if let objective, objective.value.isFinite {
                end = TrialEnd(
                    outcome: TrialOutcome(
                        trial: id, state: .succeeded, time: time, finalMetric: objective,
                        exitCode: exitCode, signal: signal, reason: reason, stoppedEarly: true))
            } else {
                end = TrialEnd(
                    outcome: TrialOutcome(
                        trial: id, state: .failed, time: time, exitCode: exitCode, signal: signal,
                        reason: reason + "; its last value was not a finite number"))
            }
        default:
            if let launcherEnd {
                end = TrialEnd(
                    outcome: TrialOutcome(
                        trial: id, state: .failed, time: time, exitCode: exitCode, signal: signal,
                        reason: launcherEnd.reason))
                if launcherEnd.stopsJob { end.stopsJob = "trial \(id): \(launcherEnd.reason)" }
            } else {
                let verdict = TrialVerdict.judge(exit: facts.exit, readings: facts.readings, spec: spec, lastErrorLine: facts.lastErrorLine)
                var reason = verdict.reason
                if verdict.state == .failed, facts.exit == .exited(0), verdict.finalMetric == nil, let hint = strayHint() {
                    reason = (reason ?? "") + " — " + hint
                }
                end = TrialEnd(
                    outcome: TrialOutcome(
                        trial: id, state: verdict.state, time: time, finalMetric: verdict.finalMetric,
                        exitCode: exitCode, signal: signal, reason: reason))
                end.sourceNote = verdict.sourceNote
            }
        }
        end.outcome.notes = facts.notes.isEmpty ? nil : facts.notes
        // A failure tune did not cause may be the machine's: a retry may help.
        switch facts.stopCause {
        case .cancelled, .timedOut: break
        case .stoppedEarly, nil:
            if end.outcome.state == .failed, launcherEnd?.isInfrastructure ?? true {
                end.retrySign = launcherEnd?.reason ?? InfrastructureFailure.sign(exit: facts.exit, reason: end.outcome.reason)
            }
        }
        return end
    }
}
