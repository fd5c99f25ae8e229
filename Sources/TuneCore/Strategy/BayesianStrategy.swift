import Foundation

/// Bayesian optimization: a Gaussian process (Matérn-5/2 ARD, MAP-fitted hyperparameters) models
/// the objective, and each trial goes where log expected improvement is highest — Optuna 5.0's
/// `GPSampler` recipe (see Strategies.md in the DocC catalog), in plain Swift. Cloud ML's `ALGORITHM_UNSPECIFIED`.
///
/// A proposal is a function of (spec, seed, history) alone, like every strategy here:
/// - **Initial design.** Until `initialDesignSize` trials have succeeded with a finite objective
///   (and at least two distinct values exist), trial n gets point n of a seeded Rₐ low-discrepancy
///   sequence (`KroneckerSequence`), so it depends only on (seed, n); the first few trials fill
///   the space evenly, whichever of them finish first.
/// - **Observations.** Succeeded trials with a finite objective, standardized, warped by a
///   Yeo–Johnson power transform fitted by maximum likelihood (HEBO's output warping,
///   `PowerTransform`), standardized again and sign-flipped so the GP maximizes. Non-finite
///   objectives are ignored.
/// - **Failed trials** are not observations, but the GP is conditioned on each at the *worst*
///   observed value (a mild penalty: EI drops around it on the scale of the length scales), and
///   their points are never proposed again. Cancelled trials are only never repeated.
/// - **Input warping.** Each ordinal dimension (DOUBLE; INTEGER and DISCRETE with 3 or more
///   values) passes, after its declared scale, through a learned Kumaraswamy CDF (`InputWarp`)
///   fitted with the kernel by MAP; the warps are kept when they raise the log posterior by 5
///   nats or more (`ProposalModel.fit`). A learning rate declared linear, or momentum on
///   Vizier's nearly linear reverse-log range, is then modelled on the scale it lives on.
/// - **Running and pending trials**, and earlier picks of the same call, are fantasized: the
///   acquisition is EI beyond what they will reach, averaged over 64 joint posterior draws of
///   their outcomes (`FantasyImprovement`, the sequential-greedy q-EI Optuna 5.0 uses), so
///   parallel proposals are diverse without pretending a running trial is as good as the best.
/// - **Several objectives** (ParEGO, `ParEGOScalarization`): each proposal scores the trials by a
///   random augmented Chebyshev scalarization of their normalized objectives and runs the search
///   above on that one value, so successive proposals cover the Pareto front.
/// - **Safety metrics** (`FeasibilityModel`): a GP per safety metric on its margin to the bound;
///   the acquisition is log EI (against the best *feasible* trial) plus the log probability that
///   every bound holds, and with no feasible trial yet, that probability alone. Infeasible trials
///   still inform the objective's GP.
/// - **No repeats.** A point in the history (or picked earlier in the call) is never proposed while
///   the space has untried points; an exhausted finite space gets fewer proposals.
public struct BayesianStrategy: SearchStrategy {
    public let spec: TuningSpec
    public let seed: UInt64
    public var name: String {
        let safety = spec.safety.isEmpty ? "" : " × P(safe)"
        return spec.isMultiObjective ? "Bayesian optimization (ParEGO: GP + EI\(safety) on random scalarizations)" : "Bayesian optimization (GP + EI\(safety))"
    }

    /// Knobs kept internal: the defaults are the product; tests and the timing harness turn them.
    struct Options: Sendable {
        /// Trials before the GP: nil means max(5, min(10, 2D + 2)) for D modeled dimensions.
        var initialDesignSize: Int?
        /// Raw acquisition candidates (Optuna: 2048), fewer above `fitPoints` observations.
        var candidates = 2048
        /// Local-search starts: the best candidate, roulette picks, and the best observed point.
        var starts = 10
        /// Hyperparameters are fitted to at most this many points (the best quarter plus an even
        /// stride through the rest); the posterior then conditions on up to `modelPoints`.
        var fitPoints = 192
        var modelPoints = 1500
        /// L-BFGS iterations for the MAP fit.
        var fitIterations = 200
        /// A learned Kumaraswamy warp per ordinal dimension (`InputWarp`), fitted with the kernel.
        var inputWarping = true
    }

    let options: Options
    let encoding: SearchEncoding
    private let cache = FitCache()

    public init(spec: TuningSpec, seed: UInt64) {
        self.init(spec: spec, seed: seed, options: Options())
    }

    init(spec: TuningSpec, seed: UInt64, options: Options) {
        self.spec = spec
        self.seed = seed
        self.options = options
        self.encoding = SearchEncoding(spec: spec)
    }

    /// Trials proposed from the initial design before the GP takes over.
    var initialDesignSize: Int {
        options.initialDesignSize ?? max(5, min(10, 2 * encoding.count + 2))
    }

    public func propose(count: Int, firstTrialId: Int, history: [TrialObservation]) -> [Assignment] {
        guard spec.isMultiObjective else { return proposals(count: count, firstTrialId: firstTrialId, history: history, goal: spec.goal) }
        // Several objectives: one ParEGO scalarization per proposal, each pick pending for the next.
        var history = history
        var picks: [Assignment] = []
        let goals = spec.objectives.map(\.goal)
        for trialId in firstTrialId..<(firstTrialId + max(count, 0)) {
            let scalarization = ParEGOScalarization(seed: seed, trialId: trialId, goals: goals)
            guard let pick = proposals(count: 1, firstTrialId: trialId, history: scalarization.scalarized(history), goal: .minimize).first
            else { break }
            picks.append(pick)
            history.append(TrialObservation(trialId: trialId, assignment: pick, state: .pending))
        }
        return picks
    }

    /// Up to `count` proposals for one objective (`goal`) given by each observation's `objective`.
    private func proposals(count: Int, firstTrialId: Int, history: [TrialObservation], goal: Goal) -> [Assignment] {
        var taken = TakenPoints()
        for trial in history { taken.insert(trial.assignment, encoded: encoding.encode(trial.assignment)) }
        let data = ObservedData(history: history, encoding: encoding, goal: goal, safety: spec.safety)
        var model: ProposalModel?
        if data.y.count >= initialDesignSize, data.distinctValues >= 2 {
            model = ProposalModel(data: data, strategy: self)
        }
        var proposals: [Assignment] = []
        for trialId in firstTrialId..<(firstTrialId + max(count, 0)) {
            var pick: (assignment: Assignment, x: [Double])?
            if let model {
                pick = model.propose(trialId: trialId, avoiding: taken)
            } else if let point = initialPoint(trialId: trialId, avoiding: taken) {
                pick = (point, encoding.encode(point) ?? [])
            }
            guard let pick else { break }
            proposals.append(pick.assignment)
            taken.insert(pick.assignment, encoded: pick.x)
            model?.addPending(pick.x)
        }
        return proposals
    }

    /// The largest expected improvement over the best feasible trial, on the model's scale (the
    /// objective standardized, warped and standardized again: units of its spread), over the
    /// acquisition's own candidates and local search. Finished trials only; nil before the GP
    /// takes over, with several objectives, or with no feasible trial.
    public func expectedImprovementLeft(history: [TrialObservation]) -> Double? {
        guard !spec.isMultiObjective else { return nil }
        let finished = history.filter { $0.state.isFinished }
        let data = ObservedData(history: finished, encoding: encoding, goal: spec.goal, safety: spec.safety)
        guard data.y.count >= initialDesignSize, data.distinctValues >= 2, let model = ProposalModel(data: data, strategy: self) else { return nil }
        return model.largestExpectedImprovement(round: finished.count)
    }

    /// Trial `trialId`'s point of the seeded low-discrepancy design, or (when that one is taken)
    /// a seeded random point; nil when a finite space has nothing left.
    func initialPoint(trialId: Int, avoiding taken: TakenPoints) -> Assignment? {
        var shiftGenerator = SeededGenerator(seed: seed, stream: Self.designStream)
        let design = KroneckerSequence(dimension: spec.params.count, generator: &shiftGenerator)
        let u = design.point(trialId)
        let point = spec.assignment(atUnits: u)
        if !taken.contains(point, encoded: encoding.encode(point)) { return point }
        var generator = SeededGenerator(seed: seed ^ Self.fallbackSalt, stream: UInt64(truncatingIfNeeded: trialId))
        for _ in 0..<64 {
            let point = spec.assignment(atUnits: spec.params.map { _ in generator.nextUnit() })
            if !taken.contains(point, encoded: encoding.encode(point)) { return point }
        }
        guard let left = untriedPoints(avoiding: taken) else {
            return spec.assignment(atUnits: spec.params.map { _ in generator.nextUnit() })
        }
        guard !left.isEmpty else { return nil }
        return left[Int(generator.nextUnit() * Double(left.count))]
    }

    /// Every untried point of a finite space of at most a million points; nil for other spaces.
    func untriedPoints(avoiding taken: TakenPoints) -> [Assignment]? {
        guard let grid = Grid(spec: spec), let total = grid.count, total <= 1_000_000 else { return nil }
        return (0..<total).map(grid.point(at:)).filter { !taken.assignments.contains($0) }
    }

    static let designStream: UInt64 = 0xD1CE_5EED_0000_0001
    static let fallbackSalt: UInt64 = 0x5EED_FA11_BAC4_0000
    static let candidateSalt: UInt64 = 0xCA4D_1DA7_E500_0000
    static let fantasySalt: UInt64 = 0xFA47_A5E5_0000_0000
    static let convergenceSalt: UInt64 = 0xC0_4E46_E000_0000

    var fitCache: FitCache { cache }
}

/// Points that must not be proposed: by value, and (for DOUBLEs that decode a hair apart) by an
/// encoded point within 1e-9 of one already there.
struct TakenPoints {
    var assignments: Set<Assignment> = []
    var encoded: [[Double]] = []

    mutating func insert(_ assignment: Assignment, encoded x: [Double]?) {
        assignments.insert(assignment)
        if let x { encoded.append(x) }
    }

    func contains(_ assignment: Assignment, encoded x: [Double]?) -> Bool {
        if assignments.contains(assignment) { return true }
        guard let x else { return false }
        return encoded.contains { other in
            other.count == x.count && zip(other, x).allSatisfy { abs($0 - $1) <= 1e-9 }
        }
    }
}
