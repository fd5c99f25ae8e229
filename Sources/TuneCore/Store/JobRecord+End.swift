import Foundation

extension JobRecord {
    /// What a resume would run: trials to run again (interrupted or cancelled) and new ones within the budget.
    public var trialsLeft: (again: Int, new: Int) {
        let again = trials.filter { $0.state == .cancelled || !$0.state.isFinished }.count
        let new = max(0, min(spec.plannedTrials, spec.maxTrials) - searchTrials.count)
        return (again, new)
    }

    /// The end a job's results give it once it has nothing more to run: FAILED when no trial
    /// succeeded, else SUCCEEDED.
    public var endByResults: (state: JobState, reason: String?) {
        guard count(.succeeded) == 0 else { return (.succeeded, nil) }
        return (.failed, trials.isEmpty ? "no trial could be proposed" : "no trial succeeded")
    }

    /// The end of a job journaled as running that has nothing left to run: its tune was stopped
    /// (SIGKILL, power loss) after the last trial ended and before it journaled the job's end.
    /// nil while a trial is unfinished or more would run.
    public var unrecordedEnd: (state: JobState, reason: String?)? {
        guard state == .running, unfinishedTrials.isEmpty else { return nil }
        if let reason = failureBudgetExceeded { return (.failed, reason) }
        let left = trialsLeft
        guard left.again == 0, left.new == 0 else { return nil }
        return endByResults
    }

    /// Shows the unrecorded end (in memory only; `tune resume` journals it).
    mutating func settleUnrecordedEnd() {
        guard let end = unrecordedEnd else { return }
        state = end.state
        let note = "tune stopped after the last trial ended, before it journaled the job's end"
        stateReason = end.reason.map { "\($0) (\(note))" } ?? note
        endTime = trials.compactMap(\.endTime).max()
    }
}
