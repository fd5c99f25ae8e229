import Foundation

/// How much trial time early stopping or Hyperband saved, estimated from the job's own trials.
public struct TrialTimeSavings: Sendable, Equatable {
    /// Σ (end − start) of the trials that ran.
    public var used: TimeInterval
    /// What the same trials (configurations) would have taken at full course, minus `used`.
    public var saved: TimeInterval
    /// How it was estimated, for people.
    public var method: String
}

extension JobRecord {
    /// nil when neither early stopping nor Hyperband is on, or there is nothing to estimate from yet.
    ///
    /// - Median rule: a trial stopped at step s after d seconds would have run to the completed
    ///   trials' median last step L, taking about d·L/s.
    /// - Hyperband: each configuration run once at maxResource, at the job's seconds per unit of
    ///   resource (Σ durations / Σ budgets; conservative when trials continue from checkpoints).
    public var trialTimeSavings: TrialTimeSavings? {
        let finished = trials.compactMap { trial -> (TrialRecord, TimeInterval)? in
            guard let start = trial.startTime, let end = trial.endTime else { return nil }
            return (trial, end.timeIntervalSince(start))
        }
        let used = finished.reduce(0) { $0 + $1.1 }
        if let resource = spec.hyperband {
            let units = finished.reduce(0) { $0 + ($1.0.placement?.budget ?? 0) }
            let configurations = Set(trials.compactMap { $0.placement?.configuration }).count
            guard units > 0 else { return nil }
            let perUnit = used / Double(units)
            let full = Double(configurations * resource.maxResource) * perUnit
            return TrialTimeSavings(
                used: used, saved: max(0, full - used),
                method: "vs running each of the \(configurations) configurations once at \(resource.resourceParameter)=\(resource.maxResource)")
        }
        guard spec.earlyStoppingRule != nil else { return nil }
        let lastSteps = trials.filter { $0.state == .succeeded && !$0.stoppedEarly }
            .compactMap { $0.readings(ofMetric: spec.metricTag).map(\.step).max() }
        guard let fullCourse = lastSteps.map(Double.init).median else { return nil }
        var saved = 0.0
        for (trial, duration) in finished where trial.stoppedEarly {
            guard let step = trial.finalMetric?.step, step > 0, Double(step) < fullCourse else { continue }
            saved += duration * (fullCourse / Double(step) - 1)
        }
        return TrialTimeSavings(
            used: used, saved: saved,
            method: "stopped trials extrapolated to the completed trials' median last step (\(Int(fullCourse)))")
    }
}
