/// `enableTrialEarlyStopping`: trials run their whole course unless the median stopping rule
/// (`MedianStoppingRule`) finds one behind the completed trials; a stopped trial ends SUCCEEDED
/// with the value it had reached.
public struct MedianStopping: TrialScheduler {
    public let rule: EarlyStoppingSpec
    public let goal: Goal
    /// The completed trials' objective curves, learned as they end.
    private(set) var completed: CompletedCurves

    public init(rule: EarlyStoppingSpec, goal: Goal, metricTag: String) {
        self.rule = rule
        self.goal = goal
        self.completed = CompletedCurves(tag: metricTag)
    }

    public func next(job: JobRecord, strategy: any SearchStrategy) -> ScheduledRun? {
        strategy.nextFullRun(job: job)
    }

    public mutating func learn(from trial: TrialRecord) {
        completed.add(trial)
    }

    public func stopReason(for trial: TrialRecord) -> String? {
        MedianStoppingRule.verdict(readings: trial.readings(ofMetric: completed.tag), completed: completed, rule: rule, goal: goal)
    }

    public func ranItsCourse(_ trial: TrialRecord) -> Bool {
        completed.reachedTypicalEnd(trial.readings(ofMetric: completed.tag))
    }
}
