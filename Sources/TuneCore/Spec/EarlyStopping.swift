/// tune extension, `earlyStopping:` beside `enableTrialEarlyStopping: true`: when the median
/// stopping rule may act (Katib's `min_trials_required` and `start_step`, with their defaults).
public struct EarlyStoppingSpec: Sendable, Codable, Equatable {
    /// Trials that must have completed (not stopped) before any trial is stopped.
    public var minTrials: Int
    /// No trial is stopped on a reading before this step.
    public var startStep: Int

    public init(minTrials: Int = 3, startStep: Int = 4) {
        self.minTrials = minTrials
        self.startStep = startStep
    }
}

/// tune extension, `algorithm: HYPERBAND`: which flag is the resource and its range.
///
/// ```yaml
/// algorithm: HYPERBAND
/// resourceParameter: epochs     # passed as --epochs=<budget>; not listed in params
/// minResource: 1
/// maxResource: 27
/// reductionFactor: 3
/// hyperbandSampler: MODEL       # new configurations from a GP on the rungs' results (RANDOM: random search)
/// ```
public struct HyperbandSpec: Sendable, Codable, Equatable {
    public var resourceParameter: String
    public var minResource: Int
    public var maxResource: Int
    public var reductionFactor: Int
    /// How many successive-halving brackets new configurations are spread over, the most aggressive
    /// first (nil: one per rung, Hyperband's full set; 1: asynchronous successive halving alone).
    public var brackets: Int?
    /// Where new configurations come from. Optional so that the spec of a journal written before
    /// the key existed still decodes, and as nil, `.random`: a resumed old job draws the same
    /// configurations it drew before. A config parsed now always records its sampler.
    public var sampler: HyperbandSampler?

    public init(
        resourceParameter: String, minResource: Int = 1, maxResource: Int, reductionFactor: Int = 3, brackets: Int? = nil,
        sampler: HyperbandSampler? = nil
    ) {
        self.resourceParameter = resourceParameter
        self.minResource = minResource
        self.maxResource = maxResource
        self.reductionFactor = reductionFactor
        self.brackets = brackets
        self.sampler = sampler
    }

    /// The sampler in use: a spec without one (an older tune's journal) keeps random configurations.
    public var configurationSampler: HyperbandSampler { sampler ?? .random }

    /// The brackets in use: at most one per rung.
    public var bracketCount: Int { min(max(brackets ?? rungBudgets.count, 1), rungBudgets.count) }

    /// The budget of each rung, smallest first: maxResource / η^k down to no less than minResource
    /// (1, 3, 9, 27 for 1…27 and η = 3). The top rung is always maxResource.
    public var rungBudgets: [Int] {
        var budgets: [Int] = []
        var scale = 1.0
        while true {
            // In Double, as budgets have always been rounded; clamped, as Double(Int.max) is above Int.max.
            let exact = (Double(maxResource) / scale).rounded()
            let budget = exact < 9.2e18 ? Int(exact) : maxResource
            if budget < minResource || (budgets.last.map { budget >= $0 } ?? false) { break }
            budgets.append(budget)
            scale *= Double(max(reductionFactor, 2))
        }
        return budgets.reversed()
    }
}
