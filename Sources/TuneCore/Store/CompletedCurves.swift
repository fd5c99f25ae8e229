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
            var low = 0
            var high = steps.count
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
            !included.contains(trial.id)
        else { return }
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
