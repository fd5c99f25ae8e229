import Foundation

/// When a job stops launching trials before `maxTrials`: Vertex AI's `StudyStoppingConfig`
/// (in the Vertex shapes under `studySpec`, and as a tune extension in the Cloud ML shapes), plus
/// tune's `targetValue` and `minImprovement` (SageMaker's `TuningJobCompletionCriteria`).
///
/// The rules look at the trials since the job's budget was last set: its start, or the last
/// `tune resume --max-trials`, which goes on from there. A rule that fires stops new trials; the
/// running ones finish, except at a time limit with `stopRunningTrials`. The job then ends
/// SUCCEEDED, its reason naming the rule.
public struct StudyStoppingSpec: Sendable, Codable, Equatable {
    /// tune extension: stop once a feasible trial's objective reaches this value (≥ for MAXIMIZE, ≤ for MINIMIZE).
    public var targetValue: Double?
    /// `maxNumTrialsNoProgress`: stop after this many finished trials in a row made no progress.
    public var maxTrialsNoProgress: Int?
    /// `maxDurationNoProgress`: stop when no trial made progress for this long (job time, seconds).
    public var maxSecondsNoProgress: Double?
    /// tune extension: how much a trial must improve on the best before it to count as progress
    /// (one objective only; 0 when nil: any improvement).
    public var minImprovement: Double?
    /// `minNumTrials`: no rule acts before this many trials have finished.
    public var minTrials: Int?
    /// `minimumRuntimeConstraint.maxDuration`: no rule acts before the job has run this long (seconds).
    public var minSeconds: Double?
    /// `maximumRuntimeConstraint.maxDuration`: stop once the job has run this long (seconds, across resumes).
    public var maxSeconds: Double?
    /// `maximumRuntimeConstraint.endTime`: stop at this time.
    public var endTime: Date?
    /// tune extension (`stopRunningTrials: true` inside `studyStoppingConfig`): at a time limit, stop the
    /// running trials too (SIGTERM, then SIGKILL after the grace period; they end CANCELLED and a
    /// later resume runs them again). nil or false: they finish.
    public var stopRunningTrials: Bool?
    /// tune extension (`stopOnConvergence: true`): stop once the strategy's model expected less
    /// than `convergenceThreshold` from one more trial after `convergencePatience` trials in a row
    /// (Bayesian optimization with one objective; other strategies have no model to ask).
    public var stopOnConvergence: Bool?
    /// In units of the objective's spread; nil: `defaultConvergenceThreshold`.
    public var convergenceThreshold: Double?

    public static let defaultConvergenceThreshold = 0.003
    public static let convergencePatience = 3

    public init() {}

    /// Whether any rule is set.
    public var isEmpty: Bool {
        targetValue == nil && maxTrialsNoProgress == nil && maxSecondsNoProgress == nil && maxSeconds == nil && endTime == nil
            && stopOnConvergence != true
    }

    /// The rules as people read them, for `tune validate` and `tune status`.
    public func describe(goal: Goal) -> String {
        var parts: [String] = []
        if let targetValue { parts.append("target \(goal == .maximize ? "≥" : "≤") \(Self.number(targetValue))") }
        if let maxTrialsNoProgress {
            parts.append(
                "\(maxTrialsNoProgress) trial\(maxTrialsNoProgress == 1 ? "" : "s") without progress"
                    + (minImprovement.map { " (by more than \(Self.number($0)))" } ?? ""))
        }
        if let maxSecondsNoProgress { parts.append("\(Self.duration(maxSecondsNoProgress)) without progress") }
        if stopOnConvergence == true {
            parts.append(
                "convergence (expected improvement < \(Self.number(convergenceThreshold ?? Self.defaultConvergenceThreshold)) for \(Self.convergencePatience) trials)")
        }
        if let maxSeconds { parts.append("\(Self.duration(maxSeconds)) of job time" + (stopRunningTrials == true ? " (running trials stopped)" : "")) }
        if let endTime { parts.append("at \(Self.timestamp(endTime))" + (stopRunningTrials == true ? " (running trials stopped)" : "")) }
        var text = parts.joined(separator: ", ")
        var floors: [String] = []
        if let minTrials { floors.append("\(minTrials) trials") }
        if let minSeconds { floors.append(Self.duration(minSeconds)) }
        if !floors.isEmpty { text += "; not before " + floors.joined(separator: " and ") }
        return text
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }

    static func duration(_ seconds: Double) -> String {
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
        return "\(number(seconds))s"
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
