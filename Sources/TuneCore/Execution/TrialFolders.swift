import Foundation

/// Where one trial's files go, all inside its folder in the store (so an attempt that is moved
/// aside takes them along, and `tune collect` copies them):
///
/// - `<trial>/`: `stdout.log`, `stderr.log`, `hypertune.metric` (`CLOUD_ML_HP_METRIC_FILE`)
/// - `<trial>/job-dir/`: the trial's `--job-dir` (Cloud ML passes its job dir to the trainer)
/// - `<trial>/model/`: `AIP_MODEL_DIR` (Vertex AI: `<baseOutputDirectory>/<trial>/model`)
/// - `<trial>/logs/`: `AIP_TENSORBOARD_LOG_DIR`
/// - `<trial>/cwd/`: the trial's working directory, with `perTrialWorkingDirectory`
///
/// and, outside it, the checkpoint folder kept across attempts (`TUNE_CHECKPOINT_DIR`, `AIP_CHECKPOINT_DIR`).
public struct TrialFolders: Sendable, Equatable {
    public var trial: String
    public var checkpoints: String

    public static let jobDirName = "job-dir"
    public static let modelName = "model"
    public static let logsName = "logs"
    public static let workingDirectoryName = "cwd"

    public init(trial: String, checkpoints: String) {
        self.trial = trial
        self.checkpoints = checkpoints
    }

    public var jobDir: String { trial + "/" + Self.jobDirName }
    public var model: String { trial + "/" + Self.modelName }
    public var logs: String { trial + "/" + Self.logsName }
    public var workingDirectory: String { trial + "/" + Self.workingDirectoryName }
    public var metricFile: String { trial + "/" + TrialEnvironment.metricFileName }

    /// Makes the folders a trial starts with: its own, the checkpoints, `model/`, `logs/`, the job
    /// dir when the trial is given one, and its working directory linking to `linkingTo` (the
    /// store, `excluding`, left out). The error is the trial's failure reason.
    func create(jobDir: Bool, workingDirectoryLinkingTo source: String?, excluding store: String) throws(LaunchError) {
        for folder in [trial, checkpoints, model, logs] + (jobDir ? [self.jobDir] : []) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw LaunchError("cannot create \(folder): \(error.localizedDescription)")
            }
        }
        if let source {
            try TrialWorkingDirectory.prepare(workingDirectory, linkingTo: source, excluding: [store])
        }
    }
}

extension JobStore {
    /// Where trial `trial` of `job` keeps its files; its checkpoints are shared by every run of one
    /// configuration (Hyperband), else by every attempt of the trial.
    public func folders(of trial: TrialRecord, in job: String) -> TrialFolders {
        TrialFolders(trial: trialDirectory(job, trial: trial.id),
                     checkpoints: checkpointDirectory(job, key: trial.placement?.configuration ?? trial.id))
    }
}
