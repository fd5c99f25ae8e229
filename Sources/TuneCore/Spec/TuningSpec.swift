/// A hyperparameter tuning job's spec: Cloud ML Engine's `HyperparameterSpec`, plus tune's extensions.
///
/// Field names follow Cloud ML (`hyperparameterMetricTag`, `maxTrials`, …); the YAML boundary
/// (`SpecLoader`) maps the file onto this value and checks every rule, so a `TuningSpec` that
/// exists is always valid.
public struct TuningSpec: Sendable, Codable, Equatable {
    /// Whether larger or smaller objective values are better. Cloud ML default: MAXIMIZE.
    public var goal: Goal
    /// The metric tag whose value is the trial's objective. Cloud ML default: `training/hptuning/metric`.
    public var metricTag: String
    /// Objectives after the first (Vertex AI's `metrics` list, or tune's `metrics` extension in the
    /// Cloud ML shape); nil or empty: one objective. See `objectives`.
    public var additionalObjectives: [ObjectiveMetric]?
    /// Metrics with a `safetyConfig`: bounds a feasible trial stays within (see `SafetyMetric`).
    public var safetyMetrics: [SafetyMetric]?
    /// When the job stops launching trials before maxTrials (`studyStoppingConfig`, `targetValue`).
    public var studyStopping: StudyStoppingSpec?
    /// Total number of trials in the job. Cloud ML default: 1.
    public var maxTrials: Int
    /// GRID_SEARCH with no trial count in the config: the whole grid (`maxTrials` at its bound).
    public var wholeGrid: Bool?
    /// Trials that may run at once. Cloud ML default: 1.
    public var maxParallelTrials: Int
    /// Failed trials tolerated before the job fails; nil means Cloud ML's default (the job fails only when every trial failed).
    public var maxFailedTrials: Int?
    public var algorithm: Algorithm
    /// The search space, in the order the config lists it (flags are passed in this order).
    public var params: [ParameterSpec]
    /// tune extension: seeds the strategies so a job can be reproduced. nil: a seed is drawn and recorded.
    public var seed: UInt64?
    /// tune extension (Vertex AI's name): which reported value is the trial's objective.
    public var measurementSelection: MeasurementSelection
    /// tune extension: a trial running longer than this many seconds is stopped (SIGTERM, then
    /// SIGKILL after the grace period) and fails as timed out. nil: no limit.
    public var trialTimeout: Double?
    /// tune extension: GPUs each trial gets to itself (`CUDA_VISIBLE_DEVICES`); nil: tune assigns none.
    public var gpusPerTrial: Int?
    /// tune extension (`trialsPerGPU: k`, or `gpusPerTrial: 1/k`): k trials packed on each GPU, each
    /// seeing one (`gpusPerTrial` is then 1); nil: every trial has its GPUs to itself.
    public var trialsPerGPU: Int?
    /// tune extension: how many times a trial that failed with signs of infrastructure trouble
    /// (see `InfrastructureFailure`) is run again. nil or 0: never.
    public var maxTrialRetries: Int?
    /// Cloud ML's early-stopping switch: the median stopping rule stops trials that fall behind.
    public var enableTrialEarlyStopping: Bool
    /// tune extension: when the median rule may act (defaults when nil).
    public var earlyStopping: EarlyStoppingSpec?
    /// tune extension: the resource of `algorithm: HYPERBAND`.
    public var hyperband: HyperbandSpec?
    /// tune extension: the population, intervals and exploit/explore rules of `algorithm: PBT`.
    public var population: PopulationSpec?
    /// Cloud ML's warm-start job id: the finished trials of that job (in the same store) seed this one.
    public var resumePreviousJobId: String?
    /// tune extension, `launcher:` beside the spec: where trials run (nil: locally, Slurm's defaults).
    public var launcher: LauncherSpec?
    /// Cloud ML's `trainingInput.jobDir` (or `tune run --job-dir`): when set, every trial gets
    /// `--job-dir=<its folder>/job-dir`, as gcloud passes `--job-dir` to the trainer. The value itself
    /// (often a `gs://` path) is kept for the record only: a trial's outputs always stay in its folder.
    public var jobDir: String?
    /// tune extension (`perTrialWorkingDirectory: true`, `tune run --per-trial-cwd`): each trial runs
    /// in its own folder, `<trial folder>/cwd`, which links to every entry of the job's working
    /// directory, so files a trainer writes to its current directory are its own. nil: off.
    public var perTrialWorkingDirectory: Bool?
    /// tune extension (`enqueue:`, `tune run --enqueue FILE`): points run as the job's first trials
    /// (after the default point), each as name → flag text of its active parameters, checked
    /// against the space. Kept in the journaled spec, so a resumed job knows which have run. nil: none.
    public var enqueued: [[String: String]]?
    /// tune extension (`parameterStyle:`): how trials receive their parameters (see `ParameterStyle`).
    /// nil: `--name=value`, or `template` when the command holds a parameter's placeholder (`tune run`
    /// records the style it resolved).
    public var parameterStyle: ParameterStyle?

    public static let defaultMetricTag = "training/hptuning/metric"

    public init(
        goal: Goal = .maximize,
        metricTag: String = TuningSpec.defaultMetricTag,
        maxTrials: Int = 1,
        maxParallelTrials: Int = 1,
        maxFailedTrials: Int? = nil,
        algorithm: Algorithm = .unspecified,
        params: [ParameterSpec] = [],
        seed: UInt64? = nil,
        measurementSelection: MeasurementSelection = .last,
        enableTrialEarlyStopping: Bool = false,
        resumePreviousJobId: String? = nil,
        trialTimeout: Double? = nil,
        maxTrialRetries: Int? = nil
    ) {
        self.goal = goal
        self.metricTag = metricTag
        self.maxTrials = maxTrials
        self.maxParallelTrials = maxParallelTrials
        self.maxFailedTrials = maxFailedTrials
        self.algorithm = algorithm
        self.params = params
        self.seed = seed
        self.measurementSelection = measurementSelection
        self.enableTrialEarlyStopping = enableTrialEarlyStopping
        self.resumePreviousJobId = resumePreviousJobId
        self.trialTimeout = trialTimeout
        self.maxTrialRetries = maxTrialRetries
    }

    /// The early-stopping settings in force (defaults where the config gives none).
    public var earlyStoppingRule: EarlyStoppingSpec? {
        enableTrialEarlyStopping && algorithm != .hyperband && algorithm != .pbt ? (earlyStopping ?? EarlyStoppingSpec()) : nil
    }

    /// Whether trials get `--job-dir` (see `jobDir`).
    public var passesJobDir: Bool { jobDir != nil }

    /// Whether each trial runs in a working directory of its own (see `perTrialWorkingDirectory`).
    public var isolatesWorkingDirectory: Bool { perTrialWorkingDirectory ?? false }

    /// Where trials run: `launcher.type`, local when the config has no launcher block.
    public var launcherKind: LauncherSpec.Kind { launcher?.kind ?? .local }

    public func param(named name: String) -> ParameterSpec? {
        params.first { $0.name == name }
    }
}

public enum Goal: String, Sendable, Codable, CaseIterable {
    case maximize = "MAXIMIZE"
    case minimize = "MINIMIZE"

    /// True when `a` is strictly better than `b` under this goal.
    public func isBetter(_ a: Double, than b: Double) -> Bool {
        switch self {
        case .maximize: return a > b
        case .minimize: return a < b
        }
    }

    /// Whether `a` ranks before `b` (true) or after it (false), a value before none; nil when
    /// neither decides (equal, or both missing), for the caller's tie-break.
    public func ranksFirst(_ a: Double?, _ b: Double?) -> Bool? {
        switch (a, b) {
        case let (x?, y?):
            if isBetter(x, than: y) { return true }
            if isBetter(y, than: x) { return false }
            return nil
        case (_?, nil): return true
        case (nil, _?): return false
        case (nil, nil): return nil
        }
    }
}

public enum Algorithm: String, Sendable, Codable, CaseIterable {
    /// Cloud ML's default: Bayesian optimization.
    case unspecified = "ALGORITHM_UNSPECIFIED"
    case grid = "GRID_SEARCH"
    case random = "RANDOM_SEARCH"
    /// tune extension: asynchronous Hyperband (ASHA promotion over successive-halving brackets).
    case hyperband = "HYPERBAND"
    /// tune extension: population-based training (`PopulationSpec`, `PopulationScheduler`).
    case pbt = "PBT"
}

public enum MeasurementSelection: String, Sendable, Codable, CaseIterable {
    case last = "LAST_MEASUREMENT"
    case best = "BEST_MEASUREMENT"
}
