import Foundation

/// Logs a job to an MLflow tracking server as it runs (`--mlflow`, `MLFLOW_TRACKING_URI`): the
/// experiment named after the job, a parent run for the job and a child run per trial, kept up to
/// date by `MLflowSync` on a thread of its own (`MLflowWorker`). The run never waits on the
/// server, but for a few seconds at its end; a server that goes away is said once, and at the end,
/// if the server lacks anything, how to send it later (`tune export mlflow JOB`).
public final class MLflowObserver: JobObserver {
    private let worker: MLflowWorker
    private let uri: MLflowTrackingURI
    private let reporter: ProgressReporter
    /// How long the run's end waits for what is in flight: while the server keeps answering, up
    /// to `endLimit`; no longer than `endIdle` after its last answer.
    private let endIdle: TimeInterval
    private let endLimit: TimeInterval
    private var said = Set<String>()
    private var announced = false

    public init(uri: MLflowTrackingURI, reporter: ProgressReporter, endIdle: TimeInterval = 5, endLimit: TimeInterval = 30, requestTimeout: TimeInterval = 5) {
        self.uri = uri
        self.reporter = reporter
        self.endIdle = endIdle
        self.endLimit = endLimit
        worker = MLflowWorker(sync: MLflowSync(client: MLflowClient(uri: uri, timeout: requestTimeout)))
        worker.start()
    }

    public func runStarted(_ job: JobRecord) {
        if !announced {
            announced = true
            reporter.note("logging to MLflow at \(uri): experiment '\(job.id)', a run per trial under the job's run")
        }
        worker.submit(job)
    }

    public func observe(_ event: JournalEvent, in job: JobRecord) {
        worker.submit(job)
        sayProblems()
    }

    public func runEnded(_ job: JobRecord) {
        worker.submit(job)
        let complete = worker.finish(idle: endIdle, limit: endLimit)
        sayProblems()
        if !complete {
            reporter.note(
                "MLflow at \(uri) does not have all of job \(job.id); once the server is up, send the rest with: tune export mlflow \(job.id) --mlflow \(uri)")
        }
    }

    /// Each problem once: the first time the server could not be reached (not every retry), each refusal.
    private func sayProblems() {
        for problem in worker.takeProblems() where said.insert(problem).inserted {
            if problem.hasPrefix("MLflow refused") {
                reporter.note(problem)
            } else {
                reporter.note("\(problem); the job goes on, and tune tries MLflow again now and then")
            }
        }
    }
}

extension MLflowObserver {
    /// The observer for `RunOptions.mlflowTrackingURI`; nil without one, or (said through the
    /// reporter) when it is not a server tune can log to.
    static func make(_ text: String?, reporter: ProgressReporter) -> MLflowObserver? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        do {
            return MLflowObserver(uri: try MLflowTrackingURI(text), reporter: reporter)
        } catch {
            reporter.note("\(error.message): the job runs without MLflow")
            return nil
        }
    }
}
