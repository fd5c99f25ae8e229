/// The observers every run of a job has, beside any its caller adds: what `RunOptions` and the
/// job ask for.
enum JobObservers {
    static func standard(for job: JobRecord, store: JobStore, options: RunOptions, reporter: ProgressReporter) -> [any JobObserver] {
        let observers: [any JobObserver] = [TensorBoardObserver(store: store, note: reporter.note)]
        return observers
    }
}
