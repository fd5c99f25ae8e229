import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How a `tune run` behaves beyond the config.
public struct RunOptions: Sendable {
    /// Copy every trial's output to the terminal, each line prefixed by its trial.
    public var verbose: Bool
    /// Seconds between SIGTERM and SIGKILL when trials are stopped (used within `gracePeriodRange`).
    public var gracePeriod: TimeInterval
    /// The grace periods tune takes: up to an hour (`--grace-period` is checked against it; a value
    /// outside is clamped to it where it is used, NaN gives the default 10).
    public static let gracePeriodRange: ClosedRange<Double> = 0...3600
    /// `gracePeriod` within `gracePeriodRange`.
    public var effectiveGracePeriod: TimeInterval { TimerSeconds.clamped(gracePeriod, to: Self.gracePeriodRange, fallback: 10) }
    /// Longest wait for trial output or exits between checks (interrupts, metric files).
    public var pollInterval: TimeInterval
    /// How often the cloudml-hypertune file of a running trial is re-read.
    public var metricFileInterval: TimeInterval
    /// The GPUs to share out with gpusPerTrial (see `GPUInventory`).
    public var gpus: [String] = []
    /// How often a cluster scheduler is asked where the trials stand (Slurm's `squeue`).
    public var schedulerPollInterval: TimeInterval = 2
    /// With no trial running, how long launches that fail for want of processes or descriptors are
    /// tried again before the trial fails (as an infrastructure failure, retried under maxTrialRetries).
    public var shortagePatience: TimeInterval = 60
    /// The limits trials are fitted to (nil: this process's, read when the run starts).
    public var processLimits: ProcessLimits?
    /// The MLflow tracking server each trial is logged to (`--mlflow`, `MLFLOW_TRACKING_URI`).
    public var mlflowTrackingURI: String?

    public init(verbose: Bool = false, gracePeriod: TimeInterval = 10, pollInterval: TimeInterval = 0.1, metricFileInterval: TimeInterval = 0.5) {
        self.verbose = verbose
        self.gracePeriod = gracePeriod
        self.pollInterval = pollInterval
        self.metricFileInterval = metricFileInterval
    }
}

/// What a `TuningRun` is asked to do with its job.
public enum RunPlan: Sendable, Equatable {
    /// A new job: propose and run trials until the budget is spent.
    case fresh
    /// `tune resume`: run again the trials that were interrupted or cancelled, then go on
    /// proposing until the job has maxTrials trials.
    case resume
    /// `tune retry`: run these trials again with their parameters, and nothing else.
    case retry([Int])
    /// `tune confirm`: run these repeats of earlier trials' configurations, and nothing else.
    case confirm(ConfirmationPlan)
}

/// How a job run ended.
public enum JobOutcome: Sendable, Equatable {
    case succeeded
    case failed(String)
    case cancelled(String)
}
