/// What a strategy knows about one trial of the job so far.
public struct TrialObservation: Sendable, Equatable {
    public var trialId: Int
    public var assignment: Assignment
    public var state: TrialState
    /// The objective of a succeeded trial (the first, with several).
    public var objective: Double?
    /// With several objectives: a succeeded trial's value of each, in `spec.objectives` order
    /// (nil where it lacks one).
    public var objectives: [Double]?
    /// With safety metrics: a succeeded trial's value of each, in `spec.safety` order (nil where
    /// it reported none).
    public var safetyValues: [Double?]?

    public init(
        trialId: Int, assignment: Assignment, state: TrialState, objective: Double? = nil, objectives: [Double]? = nil,
        safetyValues: [Double?]? = nil
    ) {
        self.trialId = trialId
        self.assignment = assignment
        self.state = state
        self.objective = objective
        self.objectives = objectives
        self.safetyValues = safetyValues
    }
}

/// The seam every search strategy plugs into, ask/tell style with no hidden state: a strategy
/// proposes from the space, its seed and the history alone, so resuming a job is replaying its
/// journal, and parallel trials are simply trials in the history that are still running.
public protocol SearchStrategy: Sendable {
    /// Shown to the user (`random search`, `grid search`, …).
    var name: String { get }

    /// Assignments for trials `firstTrialId`, `firstTrialId + 1`, … (at most `count`).
    /// Fewer than `count` means the space is exhausted: every point it can propose has been tried.
    func propose(count: Int, firstTrialId: Int, history: [TrialObservation]) -> [Assignment]

    /// The largest improvement over the best finished trial that the strategy's model still
    /// expects from one more trial, in units of the objective's spread (the convergence stop
    /// rule's measure); nil where the strategy has no model (random, grid, the initial design,
    /// several objectives).
    func expectedImprovementLeft(history: [TrialObservation]) -> Double?
}

extension SearchStrategy {
    public func expectedImprovementLeft(history: [TrialObservation]) -> Double? { nil }
}

extension TuningSpec {
    /// The strategy the config asks for, and a note when tune substitutes one. With
    /// `defaultValue`s, the default point is the first trial, then the enqueued points run
    /// (`givenPoints`, `DefaultFirstStrategy`).
    public func makeStrategy(seed: UInt64) -> (strategy: any SearchStrategy, note: String?) {
        let made = searchStrategy(seed: seed)
        let points = givenPoints
        guard !points.isEmpty else { return made }
        return (DefaultFirstStrategy(points: points, base: made.strategy), made.note)
    }

    private func searchStrategy(seed: UInt64) -> (strategy: any SearchStrategy, note: String?) {
        switch algorithm {
        case .grid:
            if let grid = Grid(spec: self) {
                return (GridStrategy(grid: grid), nil)
            }
            return (RandomStrategy(spec: self, seed: seed), "GRID_SEARCH needs finite parameters: using random search")
        case .random, .pbt:
            // PBT's first population is random search's (its scheduler: `makeScheduler`).
            return (RandomStrategy(spec: self, seed: seed), nil)
        case .hyperband:
            // Hyperband's new configurations (its scheduler: `makeScheduler`): random search's, or
            // BOHB's GP on a rung's results. A spec without a sampler (an older journal's) is random.
            if hyperband?.configurationSampler == .model { return (HyperbandModelStrategy(spec: self, seed: seed), nil) }
            return (RandomStrategy(spec: self, seed: seed), nil)
        case .unspecified:
            return (BayesianStrategy(spec: self, seed: seed), nil)
        }
    }
}
