import Foundation

/// Which MLflow run of a job: the job's parent run, or one attempt of one trial.
struct MLflowRunKey: Hashable, Sendable, Comparable {
    /// nil for the job's parent run.
    var trial: Int?
    var attempt: Int

    static let parent = MLflowRunKey(trial: nil, attempt: 0)

    static func < (a: MLflowRunKey, b: MLflowRunKey) -> Bool {
        ((a.trial ?? -1), a.attempt) < ((b.trial ?? -1), b.attempt)
    }
}

/// What one MLflow run should show, computed from the job as it stands (`MLflowMapping`): the
/// sync sends whatever of it the server does not have yet.
struct MLflowRunContent: Sendable, Equatable {
    var key: MLflowRunKey
    /// `mlflow.runName`: `JOB` for the parent, `trial-3` (`trial-3-attempt-2` for a rerun).
    var name: String
    var startTime: Int64
    /// MLflow's RunStatus: SCHEDULED, RUNNING, FINISHED, FAILED, KILLED.
    var status: String
    var endTime: Int64?
    var params: [MLflowWire.Param]
    /// Every tag but `mlflow.parentRunId` (set when the run is made).
    var tags: [MLflowWire.Tag]
}
