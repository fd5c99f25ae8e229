import Foundation

/// The environment a trial runs in: tune's own variables, and what Cloud ML Engine and Vertex AI
/// give a trainer, pointing into the trial's folder, so an unchanged trainer finds its places.
///
/// - `TUNE_JOB_ID`, `TUNE_TRIAL_ID` (1, 2, 3, …), `TUNE_TRIAL_DIR` (absolute, created before start),
///   `TUNE_TRIAL_ATTEMPT` (1, or more when the trial is run again by resume or retry),
///   `TUNE_CHECKPOINT_DIR` (kept across attempts), `TUNE_PARAMS_FILE` (the trial's parameters as
///   JSON, see `ParameterDelivery`)
/// - Cloud ML: `CLOUD_ML_HP_METRIC_FILE` (where the `cloudml-hypertune` package reports),
///   `CLOUD_ML_JOB_ID`, `CLOUD_ML_TRIAL_ID`, and `TF_CONFIG` (see `tfConfig`)
/// - Vertex AI: `AIP_MODEL_DIR`, `AIP_CHECKPOINT_DIR`, `AIP_TENSORBOARD_LOG_DIR` (see `TrialFolders`)
public enum TrialEnvironment {
    public static let metricFileName = "hypertune.metric"
    public static let paramsFileName = "params.json"

    public static func make(base: [String: String], job: String, trial: Int, folders: TrialFolders, attempt: Int = 1) -> [String: String] {
        var env = base
        env["TUNE_JOB_ID"] = job
        env["TUNE_TRIAL_ID"] = String(trial)
        env["TUNE_TRIAL_ATTEMPT"] = String(attempt)
        env["TUNE_TRIAL_DIR"] = folders.trial
        env["TUNE_CHECKPOINT_DIR"] = folders.checkpoints
        env["TUNE_PARAMS_FILE"] = folders.paramsFile
        env["CLOUD_ML_HP_METRIC_FILE"] = folders.metricFile
        env["CLOUD_ML_JOB_ID"] = job
        env["CLOUD_ML_TRIAL_ID"] = String(trial)
        env["TF_CONFIG"] = tfConfig(job: job, trial: trial)
        env["AIP_MODEL_DIR"] = folders.model
        env["AIP_CHECKPOINT_DIR"] = folders.checkpoints
        env["AIP_TENSORBOARD_LOG_DIR"] = folders.logs
        env["PYTHONUNBUFFERED"] = env["PYTHONUNBUFFERED"] ?? "1"
        return env
    }

    /// One local replica, in Cloud ML's shape: `task.trial` (trainers build output paths from it),
    /// `environment: cloud`, the job's name; an empty cluster and task type `worker`, index 0.
    ///
    /// Cloud ML's single-replica `master` needs a cluster with an address, which makes
    /// `tf.estimator` start a gRPC server on a port that parallel trials would share; with an empty
    /// cluster, `tf.estimator.RunConfig` accepts only `worker` (it raises for `master` or `chief`),
    /// and then counts the trial as the chief (`is_chief` true), as do Keras and
    /// `tf.distribute.MultiWorkerMirroredStrategy`, which treat an empty cluster as one local worker.
    static func tfConfig(job: String, trial: Int) -> String {
        let object: [String: Any] = [
            "cluster": [String: Any](),
            "task": ["type": "worker", "index": 0, "trial": String(trial)],
            "job": ["job_name": job],
            "environment": "cloud",
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
