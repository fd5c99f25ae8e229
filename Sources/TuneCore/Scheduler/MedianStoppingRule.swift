import Foundation

/// The objective curves of the trials that ran their whole course (SUCCEEDED, not stopped early):
/// what the median stopping rule compares running trials against.
public struct CompletedCurves: Sendable {
    struct Curve: Sendable {
        /// Steps in increasing order, and the mean of the values up to and including each.
        var steps: [Int]
        var runningMeans: [Double]
        var final: Double
        /// How many readings of the objective the trial made.
        var reports: Int

        /// The mean of the values reported at steps ≤ `step`; nil when the curve starts later.
        func runningMean(upTo step: Int) -> Double? {
            var low = 0, high = steps.count
            while low < high {
                let mid = (low + high) / 2
                if steps[mid] <= step { low = mid + 1 } else { high = mid }
            }
            return low == 0 ? nil : runningMeans[low - 1]
        }
    }

    private(set) var curves: [Curve] = []
    private var included = Set<Int>()
    let tag: String

    public init(tag: String) {
        self.tag = tag
    }

    public init(job: JobRecord) {
        self.init(tag: job.spec.metricTag)
        for trial in job.trials { add(trial) }
    }

    public var count: Int { curves.count }

    /// Adds a trial if it completed its course with an objective, once.
    public mutating func add(_ trial: TrialRecord) {
        guard trial.state == .succeeded, !trial.stoppedEarly, let final = trial.finalMetric?.value, final.isFinite,
              !included.contains(trial.id) else { return }
        let readings = trial.readings(ofMetric: tag).filter { $0.value.isFinite }.sorted { $0.step < $1.step }
        guard !readings.isEmpty else { return }
        var steps: [Int] = []
        var means: [Double] = []
        var sum = 0.0
        for (index, reading) in readings.enumerated() {
            sum += reading.value
            if steps.last == reading.step {
                means[means.count - 1] = sum / Double(index + 1)
            } else {
                steps.append(reading.step)
                means.append(sum / Double(index + 1))
            }
        }
        included.insert(trial.id)
        curves.append(Curve(steps: steps, runningMeans: means, final: final, reports: readings.count))
    }

    /// The step at which the completed trials typically ended: the (lower) median of their last steps.
    var typicalLastStep: Int? {
        guard !curves.isEmpty else { return nil }
        let ends = curves.compactMap(\.steps.last).sorted()
        return ends[(ends.count - 1) / 2]
    }

    /// How many readings the completed trials typically made: the (lower) median of their counts.
    var typicalReports: Int? {
        guard !curves.isEmpty else { return nil }
        let counts = curves.map(\.reports).sorted()
        return counts[(counts.count - 1) / 2]
    }

    /// Whether a trial with these readings of the objective is where completed trials typically
    /// ended: at or past their typical last step, or with as many reports as they typically made.
    /// There a trial has most likely done its work; nil-safe: false before any trial completed.
    func reachedTypicalEnd(_ readings: [MetricReading]) -> Bool {
        guard let step = readings.map(\.step).max(), let end = typicalLastStep, let reports = typicalReports else { return false }
        return step >= end || readings.count >= reports
    }

    /// The running means at `step` of the curves that have reached it.
    func runningMeans(at step: Int) -> [Double] {
        curves.compactMap { $0.runningMean(upTo: step) }
    }
}

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
    public static func verdict(readings: [MetricReading], completed: CompletedCurves, rule: EarlyStoppingSpec,
                               goal: Goal) -> String? {
        guard let step = readings.map(\.step).max(), step >= rule.startStep else { return nil }
        guard let end = completed.typicalLastStep, !completed.reachedTypicalEnd(readings) else { return nil }
        let means = completed.runningMeans(at: step)
        guard means.count >= rule.minTrials, let median = median(means) else { return nil }
        let values = readings.filter { $0.step <= step }.map(\.value)
        let finite = values.filter { $0.isFinite }
        let tag = completed.tag
        guard let best = finite.max(by: { goal.isBetter($1, than: $0) }) else {
            return "stopped early at step \(step) (completed trials ran to step \(end)): \(tag) is \(values.last.map { MetricReading.display($0) } ?? "missing"), while \(means.count) completed trials averaged \(MetricReading.display(median)) (median stopping rule)"
        }
        guard goal.isBetter(median, than: best) else { return nil }
        return "stopped early at step \(step) (completed trials ran to step \(end)): its best \(tag) \(MetricReading.display(best)) is worse than the median \(MetricReading.display(median)) of \(means.count) completed trials' running averages (median stopping rule)"
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}

/// What the search learns from a trial stopped early: not the value it had reached (an early step
/// of a curve that would have gone on improving), but where it stood among the completed trials at
/// that step, carried over to their final values. A trial that was behind 80% of the completed
/// trials at step s counts as the completed trials' 20th-percentile final value.
struct StoppedTrialValues {
    let completed: CompletedCurves
    /// The completed trials' final values, worst first.
    let finals: [Double]
    let goal: Goal

    init(job: JobRecord) {
        completed = CompletedCurves(job: job)
        goal = job.spec.goal
        finals = completed.curves.map(\.final).sorted { job.spec.goal.isBetter($1, than: $0) }
    }

    func value(for trial: TrialRecord) -> Double? {
        let readings = trial.readings(ofMetric: completed.tag).filter { $0.value.isFinite }
        guard let step = readings.map(\.step).max(),
              let best = readings.map(\.value).max(by: { goal.isBetter($1, than: $0) }) else {
            return finals.first ?? trial.finalMetric?.value
        }
        let means = completed.runningMeans(at: step)
        guard !means.isEmpty, !finals.isEmpty else { return trial.finalMetric?.value }
        // The share of completed trials it was ahead of at that step (ties count half).
        let ahead = means.reduce(0.0) { $0 + (goal.isBetter(best, than: $1) ? 1 : best == $1 ? 0.5 : 0) }
        let quantile = ahead / Double(means.count)
        let position = quantile * Double(finals.count - 1)
        let low = Int(position.rounded(.down)), high = min(low + 1, finals.count - 1)
        let fraction = position - Double(low)
        return finals[low] + (finals[high] - finals[low]) * fraction
    }
}
