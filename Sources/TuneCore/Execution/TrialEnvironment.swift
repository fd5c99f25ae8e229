import Foundation

/// The environment a trial runs in: tune's own, plus where it is and where to report.
///
/// - `TUNE_JOB_ID`, `TUNE_TRIAL_ID` (1, 2, 3, …), `TUNE_TRIAL_DIR` (absolute, created before start),
///   `TUNE_TRIAL_ATTEMPT` (1, or more when the trial is run again by resume or retry)
/// - `CLOUD_ML_HP_METRIC_FILE`: a file in the trial dir, where the `cloudml-hypertune` package reports
/// - `CLOUD_ML_TRIAL_ID` and `TF_CONFIG` with `task.trial`, as Cloud ML sets them, so trainers
///   that build their output path from the trial id work unchanged
public enum TrialEnvironment {
    public static let metricFileName = "hypertune.metric"

    public static func make(base: [String: String], job: String, trial: Int, trialDirectory: String, attempt: Int = 1) -> [String: String] {
        var env = base
        env["TUNE_JOB_ID"] = job
        env["TUNE_TRIAL_ID"] = String(trial)
        env["TUNE_TRIAL_ATTEMPT"] = String(attempt)
        env["TUNE_TRIAL_DIR"] = trialDirectory
        env["CLOUD_ML_HP_METRIC_FILE"] = trialDirectory + "/" + metricFileName
        env["CLOUD_ML_TRIAL_ID"] = String(trial)
        env["TF_CONFIG"] = tfConfig(job: job, trial: trial)
        env["PYTHONUNBUFFERED"] = env["PYTHONUNBUFFERED"] ?? "1"
        return env
    }

    /// Cloud ML's shape, with an empty cluster so TensorFlow trains locally.
    static func tfConfig(job: String, trial: Int) -> String {
        let object: [String: Any] = [
            "cluster": [String: Any](),
            "task": ["type": "master", "index": 0, "trial": String(trial)],
            "job": ["job_name": job],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
