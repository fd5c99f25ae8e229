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
            let best = readings.map(\.value).max(by: { goal.isBetter($1, than: $0) })
        else {
            return finals.first ?? trial.finalMetric?.value
        }
        let means = completed.runningMeans(at: step)
        guard !means.isEmpty, !finals.isEmpty else { return trial.finalMetric?.value }
        // The share of completed trials it was ahead of at that step (ties count half).
        let ahead = means.reduce(0.0) { $0 + (goal.isBetter(best, than: $1) ? 1 : best == $1 ? 0.5 : 0) }
        let quantile = ahead / Double(means.count)
        let position = quantile * Double(finals.count - 1)
        let low = Int(position.rounded(.down))
        let high = min(low + 1, finals.count - 1)
        let fraction = position - Double(low)
        return finals[low] + (finals[high] - finals[low]) * fraction
    }
}
