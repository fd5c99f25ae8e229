/// One run a scheduler starts in a free slot: a configuration and, with a multi-fidelity
/// scheduler, where it sits on the resource ladder (its `--<resource>=<budget>`).
public struct ScheduledRun: Sendable, Equatable {
    public var assignment: Assignment
    public var placement: ResourcePlacement?
    /// With PBT: the member, interval and the trial whose checkpoint the run continues.
    public var population: PopulationLineage?

    public init(assignment: Assignment, placement: ResourcePlacement? = nil, population: PopulationLineage? = nil) {
        self.assignment = assignment
        self.placement = placement
        self.population = population
    }
}

/// What a trial gets from its scheduler beyond its hyperparameters.
public struct LaunchAdditions: Sendable, Equatable {
    /// Flags after the hyperparameter flags (`--epochs=9`).
    public var flags: [String] = []
    /// Environment variables (`TUNE_RESOURCE=9`).
    public var environment: [String: String] = [:]
    /// The trial whose checkpoint folder this one starts from: before every attempt, tune replaces
    /// the trial's `$TUNE_CHECKPOINT_DIR` with a copy of that trial's (PBT's exploit step).
    public var checkpointFrom: Int?

    public init(flags: [String] = [], environment: [String: String] = [:], checkpointFrom: Int? = nil) {
        self.flags = flags
        self.environment = environment
        self.checkpointFrom = checkpointFrom
    }
}

/// The seam for "how much of a trial to run, and whether to stop it": plain full runs, the median
/// stopping rule, asynchronous Hyperband. The strategy (`SearchStrategy`) chooses *which* point;
/// the scheduler chooses *when and how far* — it asks the strategy for new configurations, may run
/// one again with a larger budget, and judges running trials from their readings.
///
/// Like a strategy it decides from the journal alone: `learn(from:)` is fed every trial that
/// ended, in the order the journal has them, so a scheduler rebuilt from a journal decides as the
/// one that saw the trials end (resume is replay). The tuning loop holds `any TrialScheduler` and
/// never asks which one it is.
public protocol TrialScheduler: Sendable {
    /// How a job run with this scheduler and `strategy` is named (`asynchronous Hyperband (random
    /// configurations)`); plain runs are named by their strategy alone.
    func describe(strategy: String) -> String

    /// The run to start in a free slot: a new configuration from `strategy`, or more of one the job
    /// has run. nil when nothing can start (the space is exhausted).
    func next(job: JobRecord, strategy: any SearchStrategy) -> ScheduledRun?

    /// Learns from a trial that ended. Called once per trial, in journal order.
    mutating func learn(from trial: TrialRecord)

    /// While a trial runs, after its readings changed: why it should stop now, or nil to let it run.
    func stopReason(for trial: TrialRecord) -> String?

    /// A trial this scheduler told to stop that still exited 0 having got as far as finished trials
    /// do (it ignored SIGTERM, or finished first) ran its whole course, and is judged as any other.
    func ranItsCourse(_ trial: TrialRecord) -> Bool

    /// Flags and environment a trial gets beyond its hyperparameters.
    func launchAdditions(for trial: TrialRecord) -> LaunchAdditions

    /// Trials whose checkpoint folders no later run will start from (`LaunchAdditions.checkpointFrom`),
    /// which tune may remove to free the disk: PBT's snapshots of intervals every member has moved past.
    func spentCheckpoints(job: JobRecord) -> [Int]
}

extension TrialScheduler {
    public func describe(strategy: String) -> String { strategy }
    public mutating func learn(from trial: TrialRecord) {}
    public func stopReason(for trial: TrialRecord) -> String? { nil }
    public func ranItsCourse(_ trial: TrialRecord) -> Bool { false }
    public func launchAdditions(for trial: TrialRecord) -> LaunchAdditions { LaunchAdditions() }
    public func spentCheckpoints(job: JobRecord) -> [Int] { [] }

    /// Learns from every trial of `job` that ended, as a run that opens the job does.
    public mutating func learn(fromTrialsOf job: JobRecord) {
        for trial in job.trials where trial.state.isFinished { learn(from: trial) }
    }
}

extension SearchStrategy {
    /// The strategy's next point for a new trial of `job`, as a full run: what a scheduler that
    /// does not place runs on a ladder answers in `next(job:strategy:)`.
    public func nextFullRun(job: JobRecord) -> ScheduledRun? {
        let nextId = (job.trials.last?.id ?? 0) + 1
        return propose(count: 1, firstTrialId: nextId, history: job.observations).first.map { ScheduledRun(assignment: $0) }
    }
}
