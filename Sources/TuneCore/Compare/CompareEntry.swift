/// One job of a comparison: its best-so-far curve of the first objective and what it reached.
public struct CompareEntry: Sendable {
    public var job: JobRecord
    /// The best so far over the trials that count (see `JobComparison.countedValues`).
    public var curve: BestSoFar
    /// The search's trials (`tune confirm`'s repeats left out), whatever their state.
    public var trialsRun: Int
    public var succeeded: Int
    /// The trial number at which the job reached the comparison's target; nil when it never did.
    public var trialsToReach: Int?

    /// The trial with the job's best value (the first that reached it), if any.
    public var bestTrial: TrialRecord? { curve.best.flatMap { job.trial($0.trial) } }

    /// The best trial's parameters in short, in the config's order: `lr=0.01 layers=3`.
    public var bestParametersText: String {
        guard let trial = bestTrial else { return "" }
        return job.spec.params.compactMap { p in trial.parameters[p.name].map { "\(p.name)=\($0)" } }.joined(separator: " ")
    }

    /// `RANDOM_SEARCH (random)`: the algorithm the config chose and the strategy tune ran.
    public var strategyText: String {
        let algorithm = job.spec.algorithm.rawValue
        return job.header.strategy.isEmpty || job.header.strategy == algorithm ? algorithm : "\(algorithm) (\(job.header.strategy))"
    }
}
