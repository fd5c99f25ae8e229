import TuneCore

/// The worked example of the architecture article: a whole scheduler in one file. Trials run in
/// full, except that one whose objective falls below `floor` (goal MAXIMIZE) after `patience`
/// readings is stopped — a guard against diverged runs. A real scheduler registers with one line in
/// `TuningSpec.makeScheduler`; this one is handed to a job with `JobSession.NewJob.scheduler`.
struct FloorScheduler: TrialScheduler {
    let metricTag: String
    let floor: Double
    let patience: Int

    func next(job: JobRecord, strategy: any SearchStrategy) -> ScheduledRun? {
        strategy.nextFullRun(job: job)
    }

    func stopReason(for trial: TrialRecord) -> String? {
        let readings = trial.readings(ofMetric: metricTag)
        guard readings.count >= patience, let last = readings.last, last.value < floor else { return nil }
        return "stopped early at step \(last.step): \(metricTag) \(last.value) is below the floor \(floor)"
    }
}
