import Foundation

/// A trial's state, named as Cloud ML names them.
public enum TrialState: String, Sendable, Codable, CaseIterable {
    /// Created in the journal, not started yet.
    case pending = "PENDING"
    case running = "RUNNING"
    case succeeded = "SUCCEEDED"
    case failed = "FAILED"
    /// Was running when its job was cancelled or when tune died.
    case cancelled = "CANCELLED"

    public var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// Everything the journal says about one trial, rebuilt by replay.
public struct TrialRecord: Sendable, Equatable {
    public var id: Int
    /// Name → value as the trial received it (`--name=value`): the journal's exact text, which a
    /// re-run passes again byte for byte.
    public var parameters: [String: String]
    /// The same values typed, decoded once when the journal's `trial_created` is read; nil when
    /// they no longer fit the job's search space.
    public var assignment: Assignment?
    public var state: TrialState
    public var createTime: Date
    public var startTime: Date?
    public var endTime: Date?
    public var pid: Int32?
    /// Every reading of every tag, in the order they arrived.
    public var readings: [MetricReading]
    /// The objective reading (Cloud ML's finalMetric) of a succeeded trial.
    public var finalMetric: MetricReading?
    public var exitCode: Int32?
    public var signal: Int32?
    /// Why the trial failed or was cancelled, for people.
    public var failureReason: String?
    /// Stopped by early stopping: SUCCEEDED with the value it had reached (Cloud ML's isTrialStoppedEarly).
    public var stoppedEarly: Bool = false
    /// What tune noticed about the trial's reports (readings it missed), for people.
    public var notes: [String] = []
    /// The GPUs the trial was given (`CUDA_VISIBLE_DEVICES`), with gpusPerTrial.
    public var gpus: [String]?
    /// Hyperband: the configuration, rung and budget this trial runs.
    public var placement: ResourcePlacement?
    /// A repeat of an earlier trial's configuration with another seed (`tune confirm`).
    public var repeatOf: TrialRepeat?
    /// A PBT member's interval: which member, which interval, and whose checkpoint it continues.
    public var population: PopulationLineage?
    /// With the Slurm launcher: its Slurm job and state, as last seen.
    public var scheduler: SchedulerStatus?
    /// The current attempt (1 unless the trial was run again: resumed, retried).
    public var attempt: Int
    /// The earlier attempts, oldest first.
    public var previousAttempts: [TrialAttempt]

    public init(id: Int, parameters: [String: String], createTime: Date) {
        self.id = id
        self.parameters = parameters
        self.state = .pending
        self.createTime = createTime
        self.readings = []
        self.attempt = 1
        self.previousAttempts = []
    }

    /// Re-runs made automatically because of infrastructure trouble (counted against maxTrialRetries).
    public var automaticRetries: Int {
        previousAttempts.filter { $0.rerunCause == .retry }.count
    }

    /// Starts attempt `rerun.attempt`: the current one is kept as a previous attempt.
    mutating func startAttempt(_ rerun: TrialRerun) {
        previousAttempts.append(
            TrialAttempt(
                attempt: attempt, state: state, startTime: startTime, endTime: endTime, exitCode: exitCode,
                signal: signal, reason: failureReason, outputFolder: rerun.outputFolder, rerunCause: rerun.cause, gpus: gpus))
        attempt = rerun.attempt
        state = .pending
        startTime = nil
        endTime = nil
        pid = nil
        readings = []
        finalMetric = nil
        exitCode = nil
        signal = nil
        failureReason = nil
        stoppedEarly = false
        notes = []
        gpus = nil
        scheduler = nil
    }

    /// Started, but its scheduler has not started it yet (Slurm PENDING).
    public var isWaitingForScheduler: Bool {
        state == .running && (scheduler?.isPending ?? false)
    }

    /// The state listings show: PENDING while the trial waits in a scheduler's queue.
    public var shownState: TrialState {
        isWaitingForScheduler ? .pending : state
    }

    /// The distinct tags this trial reported, in first-seen order.
    public var tags: [String] {
        var seen = Set<String>()
        return readings.map(\.tag).filter { seen.insert($0).inserted }
    }

    /// The latest reading of `tag`, if any.
    public func latest(_ tag: String) -> MetricReading? {
        readings.last { $0.tag == tag }
    }
}

extension TrialRecord {
    /// The readings of the job's metric tag, from the source it resolves to (see `MetricTagMatch`).
    public func readings(ofMetric tag: String) -> [MetricReading] {
        MetricTagMatch.resolve(tag, in: readings).readings(from: readings)
    }
}

extension TrialRecord {
    /// The resource the trial trained to: its Hyperband rung's budget or its PBT interval's; nil
    /// for a full run. Listings rank larger budgets first.
    public var resourceBudget: Int? { placement?.budget ?? population?.budget }
}
