/// The observers every run of a job has, beside any its caller adds: what `RunOptions` and the
/// job ask for.
enum JobObservers {
    static func standard(for job: JobRecord, store: JobStore, options: RunOptions, reporter: ProgressReporter) -> [any JobObserver] {
        var observers: [any JobObserver] = [TensorBoardObserver(store: store, note: reporter.note)]
        if let mlflow = MLflowObserver.make(options.mlflowTrackingURI, reporter: reporter) { observers.append(mlflow) }
        return observers
    }
}
