import Foundation

/// Why a trial is run again under the same id.
public enum RerunCause: String, Sendable, Codable, CaseIterable {
    /// It was running (or cancelled) when the job stopped, and `tune resume` runs it again.
    case resume
    /// It failed with signs of infrastructure trouble, and `maxTrialRetries` allows another try.
    case retry
    /// `tune retry` asked for it.
    case manual
}

/// The journal's record of one re-run: the trial starts again with the same parameters, and what
/// its earlier attempt left is moved aside (`outputFolder`, relative to the job folder).
public struct TrialRerun: Sendable, Equatable {
    public var trial: Int
    /// The new attempt's number (the first run is attempt 1).
    public var attempt: Int
    public var cause: RerunCause
    public var time: Date
    /// Where the earlier attempt's output was moved, relative to the job folder (`trials/3.attempt-1`).
    public var outputFolder: String?

    public init(trial: Int, attempt: Int, cause: RerunCause, time: Date, outputFolder: String? = nil) {
        self.trial = trial
        self.attempt = attempt
        self.cause = cause
        self.time = time
        self.outputFolder = outputFolder
    }
}

/// An earlier attempt of a trial that was run again: how it ended and where its output is.
public struct TrialAttempt: Sendable, Equatable {
    public var attempt: Int
    public var state: TrialState
    public var startTime: Date?
    public var endTime: Date?
    public var exitCode: Int32?
    public var signal: Int32?
    public var reason: String?
    /// Relative to the job folder; nil when the attempt left no output folder.
    public var outputFolder: String?
    /// Why the next attempt was made.
    public var rerunCause: RerunCause
    /// The GPUs it was given (its `trial_started` event's `gpus`).
    public var gpus: [String]?

    public init(
        attempt: Int, state: TrialState, startTime: Date?, endTime: Date?, exitCode: Int32?, signal: Int32?,
        reason: String?, outputFolder: String?, rerunCause: RerunCause, gpus: [String]? = nil
    ) {
        self.gpus = gpus
        self.attempt = attempt
        self.state = state
        self.startTime = startTime
        self.endTime = endTime
        self.exitCode = exitCode
        self.signal = signal
        self.reason = reason
        self.outputFolder = outputFolder
        self.rerunCause = rerunCause
    }
}

/// A finished trial of an earlier job that warm-starts a new one (Cloud ML's `resumePreviousJobId`).
public struct PriorTrial: Sendable, Equatable, Codable {
    /// The trial's id in the earlier job.
    public var trial: Int
    public var parameters: [String: String]
    public var state: TrialState
    /// The objective of a succeeded trial.
    public var objective: Double?
    /// With several objectives (format 5): every objective of the new job, in its order; nil
    /// where the earlier trial did not report them all.
    public var objectives: [Double]?
    /// With safety metrics (format 5): the earlier trial's value of each, nil where it reported none.
    public var safetyValues: [Double?]?

    public init(
        trial: Int, parameters: [String: String], state: TrialState, objective: Double?, objectives: [Double]? = nil,
        safetyValues: [Double?]? = nil
    ) {
        self.trial = trial
        self.parameters = parameters
        self.state = state
        self.objective = objective
        self.objectives = objectives
        self.safetyValues = safetyValues
    }
}
