/// Model-based Hyperband's new configurations (`hyperbandSampler: MODEL`): BOHB's rule (Falkner
/// et al., "BOHB: Robust and Efficient Hyperparameter Optimization at Scale", ICML 2018, §4) with
/// tune's Gaussian process (`BayesianStrategy`) in place of BOHB's kernel density estimator.
///
/// The Hyperband scheduler hands it a history whose objectives are the results of one rung — the
/// highest with at least `minimumResults` of them (`HyperbandScheduler.modelHistory`) — with the
/// configurations still running as pending trials and every other configuration as one never to
/// repeat. From that history, configuration k is:
/// - random search's trial k (the point `hyperbandSampler: RANDOM` would draw) while the history
///   holds fewer than `minimumResults` results, or two results that are equal;
/// - random search's trial k too when k is a multiple of `randomEvery`: BOHB keeps a share of
///   random configurations (its ρ = 1/3) so that a model misled by short runs cannot keep the
///   search away from a region forever. Chosen by the configuration's number, not drawn, so that
///   replaying the journal gives the same split;
/// - otherwise the GP's proposal for trial k (log EI, running configurations fantasized).
///
/// Like every strategy it proposes from (spec, seed, history) alone: resume is replay.
public struct HyperbandModelStrategy: SearchStrategy {
    public let random: RandomStrategy
    /// The GP, fitted to the first objective alone: Hyperband promotes by it (`stoppingNote`).
    let model: BayesianStrategy
    /// Results a rung needs before the GP is fitted to it.
    public let minimumResults: Int
    /// Every `randomEvery`-th configuration is random.
    public let randomEvery: Int

    public var name: String {
        "model-based configurations: GP + EI on the highest rung with ≥ \(minimumResults) results, 1 in \(randomEvery) random"
    }

    public init(spec: TuningSpec, seed: UInt64) {
        random = RandomStrategy(spec: spec, seed: seed)
        var single = spec
        single.additionalObjectives = nil
        single.safetyMetrics = nil
        minimumResults = Self.minimumResults(spec: spec)
        randomEvery = Self.randomEvery
        // The GP takes over as soon as a rung has its results: the rung is the initial design.
        model = BayesianStrategy(spec: single, seed: seed, options: BayesianStrategy.Options(initialDesignSize: minimumResults))
    }

    /// BOHB's least: d + 1 results for d parameters, plus `extraResults`.
    public static func minimumResults(spec: TuningSpec) -> Int { spec.params.count + 1 + extraResults }

    /// Results beyond BOHB's d + 1 before a rung is modelled (Benchmarks.md, "Model-based Hyperband").
    static let extraResults = 1
    /// BOHB's random fraction, 1/3 (Benchmarks.md, "Model-based Hyperband").
    static let randomEvery = 3

    /// Whether configuration `configuration` is random whatever the history.
    public func isRandomSlot(_ configuration: Int) -> Bool { configuration % randomEvery == 0 }

    public func propose(count: Int, firstTrialId: Int, history: [TrialObservation]) -> [Assignment] {
        var history = history
        var picks: [Assignment] = []
        for configuration in firstTrialId..<(firstTrialId + max(count, 0)) {
            let results = history.compactMap { $0.state == .succeeded ? $0.objective.flatMap { $0.isFinite ? $0 : nil } : nil }
            let modelled = results.count >= minimumResults && Set(results).count >= 2 && !isRandomSlot(configuration)
            let sampler: any SearchStrategy = modelled ? model : random
            guard let pick = sampler.propose(count: 1, firstTrialId: configuration, history: history).first else { break }
            picks.append(pick)
            history.append(TrialObservation(trialId: configuration, assignment: pick, state: .pending))
        }
        return picks
    }
}
