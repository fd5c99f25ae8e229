import Foundation

/// Where one trial's files go, all inside its folder in the store (so an attempt that is moved
/// aside takes them along, and `tune collect` copies them):
///
/// - `<trial>/`: `stdout.log`, `stderr.log`, `hypertune.metric` (`CLOUD_ML_HP_METRIC_FILE`),
///   `params.json` (`TUNE_PARAMS_FILE`)
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
    /// `TUNE_PARAMS_FILE`: the trial's parameters as JSON, written before it starts.
    public var paramsFile: String { trial + "/" + TrialEnvironment.paramsFileName }

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

extension TrialFolders {
    /// What became of a trial's earlier output when it runs again.
    enum MoveAside: Equatable {
        /// Kept under this name beside it (`3.attempt-1`).
        case moved(String)
        case nothingThere
        /// It could not be moved (why): the new attempt writes over it.
        case failed(String)
    }

    /// Moves a trial's folder aside before attempt `attempt + 1` (`trials/3` → `trials/3.attempt-1`,
    /// `3.attempt-1-2` if that name is taken), so the new attempt starts with an empty folder.
    static func moveAside(_ directory: String, attempt: Int) -> MoveAside {
        moveAside(directory, as: "attempt-\(attempt)")
    }

    /// Moves a folder aside as `<folder>.<name>` (`<folder>.<name>-2` if that is taken).
    static func moveAside(_ directory: String, as name: String) -> MoveAside {
        var info = stat()
        guard lstat(directory, &info) == 0 else { return .nothingThere }
        var suffix = name
        var n = 2
        while lstat("\(directory).\(suffix)", &info) == 0 {
            suffix = "\(name)-\(n)"
            n += 1
        }
        guard rename(directory, "\(directory).\(suffix)") == 0 else { return .failed(String(cString: strerror(errno))) }
        return .moved((directory as NSString).lastPathComponent + "." + suffix)
    }
}

extension JobStore {
    /// Where trial `trial` of `job` keeps its files; its checkpoints are shared by every run of one
    /// configuration (Hyperband), else by every attempt of the trial.
    public func folders(of trial: TrialRecord, in job: String) -> TrialFolders {
        TrialFolders(
            trial: trialDirectory(job, trial: trial.id),
            checkpoints: checkpointDirectory(job, key: trial.placement?.configuration ?? trial.id))
    }
}
