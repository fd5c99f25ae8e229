/// Every trial runs its whole course: the scheduler of a job without early stopping.
public struct FullRuns: TrialScheduler {
    public init() {}

    public func next(job: JobRecord, strategy: any SearchStrategy) -> ScheduledRun? {
        strategy.nextFullRun(job: job)
    }
}
