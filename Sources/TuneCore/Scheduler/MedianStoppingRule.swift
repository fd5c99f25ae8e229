import Foundation

/// The median stopping rule of Vizier and Katib: a running trial is stopped at step s when its best
/// objective so far is strictly worse than the median of the completed trials' running averages up
/// to s — once `minTrials` trials have completed, and not before `startStep`.
///
/// Never at or after the step where the completed trials typically ended (the median of their
/// last steps), nor once the trial has made as many reports as they typically made (the median
/// of their counts): there, the trial has most likely done its work and is saving its model, and
/// stopping it saves nothing. So a trainer that reports once, at its end, is never cut, even when
/// its step is a tuned number of epochs; a stop needs at least one later report to be possible.
public enum MedianStoppingRule {
    /// Why the trial should stop now, or nil to let it run.
    public static func verdict(
        readings: [MetricReading], completed: CompletedCurves, rule: EarlyStoppingSpec,
        goal: Goal
    ) -> String? {
        guard let step = readings.map(\.step).max(), step >= rule.startStep else { return nil }
        guard let end = completed.typicalLastStep, !completed.reachedTypicalEnd(readings) else { return nil }
        let means = completed.runningMeans(at: step)
        guard means.count >= rule.minTrials, let median = means.median else { return nil }
        let values = readings.filter { $0.step <= step }.map(\.value)
        let finite = values.filter { $0.isFinite }
        let tag = completed.tag
        guard let best = finite.max(by: { goal.isBetter($1, than: $0) }) else {
            return
                "stopped early at step \(step) (completed trials ran to step \(end)): \(tag) is \(values.last.map { MetricReading.display($0) } ?? "missing"), while \(means.count) completed trials averaged \(MetricReading.display(median)) (median stopping rule)"
        }
        guard goal.isBetter(median, than: best) else { return nil }
        return
            "stopped early at step \(step) (completed trials ran to step \(end)): its best \(tag) \(MetricReading.display(best)) is worse than the median \(MetricReading.display(median)) of \(means.count) completed trials' running averages (median stopping rule)"
    }
}
