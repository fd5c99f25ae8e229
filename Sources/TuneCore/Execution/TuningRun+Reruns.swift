import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Trials run again: what a resume or retry starts from, each new attempt (the earlier output
/// moved aside), and maxTrialRetries.
extension TuningRun {
    /// Journals what a resume or retry starts from: trials that were running when tune died are
    /// recorded as interrupted (and any process of theirs still alive is stopped), and the trials
    /// to run again are queued.
    func prepare() throws(StoreError) {
        guard plan != .fresh else { return }
        for trial in job.unfinishedTrials {
            var reason =
                trial.startTime == nil
                ? "not started: tune stopped before it could start the trial"
                : "interrupted: tune stopped while the trial ran"
            if trial.startTime != nil, let pid = trial.pid, StaleTrialProcess.stop(pid: pid, trialDirectory: store.trialDirectory(job.id, trial: trial.id)) {
                reason += " (its processes, still running, were stopped)"
            }
            if trial.scheduler != nil { launcher.stopLeftovers(job: job.id, trial: trial.id) }
            try record(.trialFinished(TrialOutcome(trial: trial.id, state: .cancelled, time: Date(), reason: reason)))
        }
        switch plan {
        case .fresh:
            return
        case .resume:
            reruns = job.trials.filter { $0.state == .cancelled }.map { ($0.id, .resume) }
            try record(.jobStateChanged(.running, reason: "resumed", time: Date()))
        case .retry(let ids):
            // Journaled at once, so the failure budget no longer counts them while they wait.
            for id in ids {
                if let trial = job.trial(id) { try beginAttempt(of: trial, cause: .manual) }
            }
            reruns = ids.map { ($0, nil) }
            try record(.jobStateChanged(.running, reason: "retrying trial\(ids.count == 1 ? "" : "s") \(ids.map(String.init).joined(separator: ", "))", time: Date()))
        case .confirm(let confirmation):
            let originals = Set(confirmation.new.map(\.of) + confirmation.again.compactMap { job.trial($0)?.repeatOf?.of }).sorted()
            try record(
                .jobStateChanged(
                    .running,
                    reason: "confirming trial\(originals.count == 1 ? "" : "s") \(originals.map(String.init).joined(separator: ", ")) (\(confirmation.count) repeats)",
                    time: Date()))
            reruns = confirmation.again.map { ($0, .resume) }
            for entry in confirmation.new {
                guard let original = job.trial(entry.of) else { continue }
                let id = (job.trials.last?.id ?? 0) + 1
                try record(.trialCreated(trial: id, parameters: original.parameters, time: Date(), repeatOf: entry))
                if let problem = setAsideUnrecordedOutput(of: id) { unstartable[id] = problem }
                reruns.append((id, nil))
            }
        }
    }

    var proposesNew: Bool {
        switch plan {
        case .retry, .confirm: return false
        case .fresh, .resume: return true
        }
    }

    /// Moves the trial's earlier output aside (`trials/3` → `trials/3.attempt-1`) and journals the new attempt.
    func beginAttempt(of trial: TrialRecord, cause: RerunCause) throws(StoreError) {
        var kept: String?
        switch TrialFolders.moveAside(store.trialDirectory(job.id, trial: trial.id), attempt: trial.attempt) {
        case .moved(let name): kept = "trials/\(name)"
        case .nothingThere: break
        case .failed(let problem):
            // Never over it: the new attempt would read the earlier one's metric file as its own.
            unstartable[trial.id] =
                "its earlier output in \(store.trialDirectory(job.id, trial: trial.id)) cannot be moved aside (\(problem)): fix that folder, then tune retry \(job.id)"
        }
        try record(.trialRerun(TrialRerun(trial: trial.id, attempt: trial.attempt + 1, cause: cause, time: Date(), outputFolder: kept)))
    }

    /// A new trial's folder should not exist yet, nor its checkpoints unless an earlier trial
    /// shares them (Hyperband): what is there is output the journal does not record — a trial of
    /// the same id from before the journal was cut short or restored from a backup. It is moved
    /// aside (`trials/5.unrecorded`), so the new trial never reads it as its own and nothing is lost.
    /// Returns why it could not be, when it could not: the trial must not start over it.
    func setAsideUnrecordedOutput(of id: Int) -> String? {
        guard let trial = job.trial(id) else { return nil }
        let folders = store.folders(of: trial, in: job.id)
        let key = trial.placement?.configuration ?? trial.id
        let shared = job.trials.contains { $0.id != id && ($0.placement?.configuration ?? $0.id) == key }
        for place in [folders.trial] + (shared ? [] : [folders.checkpoints]) {
            switch TrialFolders.moveAside(place, as: "unrecorded") {
            case .moved(let name):
                let parent = ((place as NSString).deletingLastPathComponent as NSString).lastPathComponent
                reporter.note(
                    "trial \(id): \(parent)/\((place as NSString).lastPathComponent) held output the journal does not record (an earlier trial \(id), from before the journal was cut short or restored): kept as \(parent)/\(name)"
                )
            case .nothingThere: break
            case .failed(let problem):
                return "\(place) holds output the journal does not record (an earlier trial \(id)) and cannot be moved aside: \(problem) — move it away, then tune retry"
            }
        }
        return nil
    }

    /// maxTrialRetries: a trial that failed with signs of infrastructure trouble runs again at once
    /// (a new attempt of the same id), unless the job is being stopped or its retries are spent.
    func retryIfInfrastructure(_ id: Int, sign: String?) throws(StoreError) {
        guard let sign, cancelReason == nil, let trial = job.trial(id), trial.state == .failed else { return }
        let allowed = spec.maxTrialRetries ?? 0
        guard trial.automaticRetries < allowed else {
            if allowed > 0 { reporter.note("trial \(id): not retried again, its \(allowed) retr\(allowed == 1 ? "y is" : "ies are") spent (maxTrialRetries)") }
            return
        }
        reporter.note("trial \(id) failed, \(sign): running it again (retry \(trial.automaticRetries + 1) of \(allowed), maxTrialRetries)")
        try beginAttempt(of: trial, cause: .retry)
        reruns.insert((id, nil), at: 0)
    }
}
