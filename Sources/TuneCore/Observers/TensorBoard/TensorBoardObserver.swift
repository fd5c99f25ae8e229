import Foundation

/// Writes the TensorBoard HParams plugin's summaries of a job as it runs (see `HParamsFiles` for
/// where): the experiment, and one session per trial, started when the trial starts and ended
/// when it ends, with the trial's final values that its own event files do not hold.
///
/// When a run starts (a new job, or an earlier one resumed, including one made before tune wrote
/// these files) and when it ends, every started trial's session and the experiment are written
/// in full; in between, each journaled start, end and re-run updates what it changes. A trial run
/// again (resume, retry) keeps one session: the earlier attempt's file leaves with its folder
/// (`trials/3.attempt-1`) and is removed there, and the new attempt's is written when it starts.
///
/// Files are small and written whole or appended to (`EventFileWriter`). A file that cannot be
/// written is said once through `note`, and the run goes on.
final class TensorBoardObserver: JobObserver {
    let store: JobStore
    private let note: (String) -> Void
    private var noted = false
    /// Each finished trial's final values as the dashboard shows them, by trial id.
    private var metrics: [Int: TrialHParamsMetrics] = [:]
    private var experiment: HParamsExperiment?

    init(store: JobStore, note: @escaping (String) -> Void) {
        self.store = store
        self.note = note
    }

    func runStarted(_ job: JobRecord) {
        writeAll(job)
    }

    func observe(_ event: JournalEvent, in job: JobRecord) {
        switch event {
        case .trialStarted(let id, _, _, _):
            if let trial = job.trial(id) { writeSession(trial, job: job) }
        case .trialFinished(let outcome):
            guard let trial = job.trial(outcome.trial) else { return }
            measure(trial, job: job)
            writeSession(trial, job: job)
            writeExperiment(job)
        case .trialRerun(let rerun):
            metrics[rerun.trial] = nil
            if let kept = rerun.outputFolder { HParamsFiles.remove(in: store.jobDirectory(job.id) + "/" + kept) }
        default:
            return
        }
    }

    func runEnded(_ job: JobRecord) {
        writeAll(job)
    }

    /// The experiment and every started trial's session.
    func writeAll(_ job: JobRecord) {
        for trial in job.trials where trial.state.isFinished && metrics[trial.id] == nil {
            measure(trial, job: job)
        }
        writeExperiment(job)
        for trial in job.trials { writeSession(trial, job: job) }
    }

    private func measure(_ trial: TrialRecord, job: JobRecord) {
        guard trial.state.isFinished else { return }
        metrics[trial.id] = TrialHParamsMetrics(trial: trial, spec: job.spec, folder: store.trialDirectory(job.id, trial: trial.id))
    }

    private func writeExperiment(_ job: JobRecord) {
        let wanted = JobHParams.experiment(of: job, metrics: metrics)
        guard wanted != experiment else { return }
        if write(HParamsFiles.experiment(job, store: store), JobHParams.experimentEvents(wanted)) { experiment = wanted }
    }

    private func writeSession(_ trial: TrialRecord, job: JobRecord) {
        let folder = store.trialDirectory(job.id, trial: trial.id)
        guard let events = JobHParams.sessionEvents(of: trial, spec: job.spec, metrics: metrics[trial.id]),
            FileManager.default.fileExists(atPath: folder)
        else { return }
        let path = HParamsFiles.session(trial, job: job, store: store)
        HParamsFiles.remove(in: folder, keeping: (path as NSString).lastPathComponent)
        write(path, events)
    }

    @discardableResult
    private func write(_ path: String, _ events: [SummaryEvent]) -> Bool {
        switch EventFileWriter.update(path, events: events) {
        case .success: return true
        case .failure(let error):
            if !noted {
                noted = true
                note("cannot write TensorBoard's HParams summaries (\(error)); the job goes on without them")
            }
            return false
        }
    }
}
