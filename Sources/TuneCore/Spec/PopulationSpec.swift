/// tune extension, `algorithm: PBT`: population-based training (Jaderberg et al., "Population
/// Based Training of Neural Networks", 2017). A population of members trains in intervals of
/// `perturbationInterval` resource units; after each interval the worst `quantileFraction` of the
/// members continue from a copy of a better member's checkpoint with its hyperparameters perturbed.
///
/// ```yaml
/// algorithm: PBT
/// resourceParameter: epochs     # passed as --epochs=<cumulative budget>; not listed in params
/// maxResource: 24               # each member trains 24 epochs in all
/// perturbationInterval: 3       # 8 intervals: --epochs=3, 6, …, 24
/// populationSize: 8
/// quantileFraction: 0.25        # the bottom quarter copies the top quarter
/// resampleProbability: 0.25     # else a value is perturbed by one of perturbationFactors
/// perturbationFactors: [0.8, 1.2]
/// ```
///
/// The defaults are the paper's truncation selection and perturbation (20% bottom/top in the
/// paper, 25% in Ray Tune; factors 0.8 and 1.2; Ray Tune's resample probability 0.25).
public struct PopulationSpec: Sendable, Codable, Equatable {
    public var resourceParameter: String
    /// Each member's whole training budget.
    public var maxResource: Int
    /// Resource units between two exploit/explore decisions.
    public var perturbationInterval: Int
    public var populationSize: Int
    /// The share of members that copy a better one after each interval (and the share they copy from).
    public var quantileFraction: Double
    /// The chance that an exploiting member's value of a parameter is drawn afresh from the space
    /// instead of perturbed (the only move for CATEGORICAL parameters).
    public var resampleProbability: Double
    /// What a numeric value is multiplied by when it is perturbed, one drawn at random.
    public var perturbationFactors: [Double]

    public static let defaultPopulationSize = 8
    public static let defaultQuantileFraction = 0.25
    public static let defaultResampleProbability = 0.25
    public static let defaultPerturbationFactors = [0.8, 1.2]

    public init(
        resourceParameter: String, maxResource: Int, perturbationInterval: Int, populationSize: Int = PopulationSpec.defaultPopulationSize,
        quantileFraction: Double = PopulationSpec.defaultQuantileFraction, resampleProbability: Double = PopulationSpec.defaultResampleProbability,
        perturbationFactors: [Double] = PopulationSpec.defaultPerturbationFactors
    ) {
        self.resourceParameter = resourceParameter
        self.maxResource = maxResource
        self.perturbationInterval = perturbationInterval
        self.populationSize = populationSize
        self.quantileFraction = quantileFraction
        self.resampleProbability = resampleProbability
        self.perturbationFactors = perturbationFactors
    }

    /// Intervals each member trains: the last may be shorter when the interval does not divide maxResource.
    public var intervals: Int { (maxResource + perturbationInterval - 1) / perturbationInterval }

    /// The cumulative budget at the end of `interval` (1-based): `--epochs=<budget>`.
    public func budget(atInterval interval: Int) -> Int { min(interval * perturbationInterval, maxResource) }

    /// Trials of the whole population: one per member and interval.
    public var trialCount: Int { populationSize * intervals }

    /// How many members exploit (and how many they may copy) after an interval: Ray Tune's rule,
    /// ⌈N·q⌉, at most half the population so the two groups never overlap.
    public var quantileCount: Int {
        let count = Int((Double(populationSize) * quantileFraction).rounded(.up))
        return min(count, populationSize / 2)
    }
}
