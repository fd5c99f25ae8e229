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
}
