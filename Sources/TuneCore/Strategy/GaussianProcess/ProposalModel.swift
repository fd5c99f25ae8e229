import Foundation

/// One call's GP and acquisition state: hyperparameters fitted once (or found in the cache), the
/// posterior conditioned on failed points, then one pick after another, each added as pending
/// before the next. With points pending (running trials, earlier picks of the call) the
/// acquisition is `FantasyImprovement`; with none, log EI.
struct ProposalModel {
    private let strategy: BayesianStrategy
    private let gp: GaussianProcess
    private var pending: [[Double]]
    /// f*: the best standardized observation among the feasible ones; nil when a job with
    /// safety metrics has no feasible trial yet (the search then looks for the safe region).
    private let best: Double?
    private let bestPoint: [Double]
    private let observations: Int
    /// With safety metrics: the probability of keeping their bounds, and the least a proposal
    /// must have while too few trials were safe (`SafetyMetric.desiredMinSafeTrialsFraction`).
    private let feasibility: FeasibilityModel?
    private let minimumSafeProbability: Double?

    init?(data: ObservedData, strategy: BayesianStrategy) {
        let encoding = strategy.encoding
        let options = strategy.options
        let metrics = strategy.spec.safety
        // The incumbent and the search's start are among the points that can be proposed again.
        let insideRows = data.y.indices.filter { data.inside[$0] }
        let rows = insideRows.isEmpty ? Array(data.y.indices) : insideRows
        let feasibleRows = metrics.isEmpty ? rows : rows.filter { data.feasible[$0] }
        guard let anyBest = rows.max(by: { data.y[$0] < data.y[$1] }) else { return nil }
        let bestIndex = feasibleRows.max { data.y[$0] < data.y[$1] } ?? anyBest
        let isCategorical = encoding.isCategorical

        let fitIndices = data.subset(cap: options.fitPoints)
        let key = FitCache.Key(x: fitIndices.flatMap { data.x[$0] }, y: fitIndices.map { data.y[$0] })
        let parameters: KernelParameters
        if let cached = strategy.fitCache.parameters(for: key) {
            parameters = cached
        } else {
            parameters = Self.fit(x: key.x, y: key.y, encoding: encoding, options: options)
            strategy.fitCache.store(parameters, for: key)
        }

        let modelIndices = data.subset(cap: options.modelPoints)
        guard
            var gp = GaussianProcess(
                x: modelIndices.flatMap { data.x[$0] }, y: modelIndices.map { data.y[$0] },
                isCategorical: isCategorical, parameters: parameters)
        else { return nil }
        let worst = data.y.min() ?? 0
        if let conditioned = gp.conditioned(on: data.failed, values: data.failed.map { _ in worst }) { gp = conditioned }
        self.strategy = strategy
        self.pending = data.pending
        self.gp = gp
        self.best = feasibleRows.isEmpty ? nil : data.y[bestIndex]
        self.bestPoint = data.x[bestIndex]
        self.observations = data.y.count
        self.feasibility = metrics.isEmpty ? nil : FeasibilityModel(data: data, metrics: metrics, encoding: encoding, options: options)
        // Best effort, as Vertex AI's: while the share of safe trials is below the desired one,
        // only points at least that likely to be safe are proposed.
        let desired = metrics.compactMap(\.desiredMinSafeTrialsFraction).max()
        let safeShare = Double(data.feasible.filter { $0 }.count) / Double(max(data.y.count, 1))
        self.minimumSafeProbability = desired.flatMap { safeShare < $0 ? $0 : nil }
    }

    var parameters: KernelParameters { gp.parameters }

    /// MAP hyperparameters. With input warping: first the kernel alone from Optuna's start, then
    /// kernel and warps together from there with every warp at the identity. The second fit
    /// starts where the first ended (the warped model contains the unwarped one), so it can only
    /// raise the posterior; its warps are kept only when they raise the log posterior by at least
    /// `warpEvidence` nats: a Bayes factor of e⁵ ≈ 150, "very strong" on Kass & Raftery's (1995)
    /// scale. Without that gate, the warps' extra freedom (two per dimension) fitted noise on
    /// stationary problems: on Hartmann-6 (50 trials, 10 seeds) the median regret rose from
    /// 0.0018 to 0.16; with it, it stays at 0.0018 while the badly scaled problems keep their gain.
    static let warpEvidence = 5.0
    static let warpFitPoints = 128

    static func fit(x: [Double], y: [Double], encoding: SearchEncoding, options: BayesianStrategy.Options) -> KernelParameters {
        let isCategorical = encoding.isCategorical
        let plain = MarginalLikelihood(x: x, y: y, isCategorical: isCategorical)
        let defaults = KernelParameters.defaults(dimensions: encoding.count)
        let unwarped = plain.fit(starts: [defaults], maxIterations: options.fitIterations)?.parameters ?? defaults
        let warpable = encoding.isWarpable
        guard options.inputWarping, warpable.contains(true) else { return unwarped }
        var start = unwarped
        start.warps = warpable.map { $0 ? .identity : nil }
        // The warped fit has two more parameters per dimension and needs several times the
        // iterations; past `warpFitPoints` it sees the same kind of subset (best quarter and a
        // stride), which keeps a suggestion under 1 s at n = 200 in 20 dimensions. Its gain is
        // measured on the points it saw.
        let d = encoding.count
        let rows = ObservedData.subset(of: y, cap: Self.warpFitPoints)
        let xs = rows.flatMap { x[($0 * d)..<($0 * d + d)] }
        let ys = rows.map { y[$0] }
        let warped = MarginalLikelihood(x: xs, y: ys, isCategorical: isCategorical, warped: warpable)
        guard let before = warped.negativeLogPosterior(theta: start.theta)?.value,
            let warpedFit = warped.fit(starts: [start], maxIterations: options.fitIterations),
            before - warpedFit.value >= Self.warpEvidence
        else { return unwarped }
        return warpedFit.parameters
    }

    /// The untried point of highest log EI; nil when a finite space has nothing left.
    func propose(trialId: Int, avoiding taken: TakenPoints) -> (assignment: Assignment, x: [Double])? {
        let encoding = strategy.encoding
        let options = strategy.options
        var generator = SeededGenerator(seed: strategy.seed ^ BayesianStrategy.candidateSalt, stream: UInt64(truncatingIfNeeded: trialId))
        let sequence = KroneckerSequence(dimension: encoding.count, generator: &generator)
        let candidateCount =
            observations <= options.fitPoints
            ? options.candidates
            : max(options.candidates / 4, options.candidates * options.fitPoints / observations)
        // Half the candidates are even in the declared unit cube, half even in the warped space
        // the kernel sees (so a region the warp stretches, like the top 1 % of a momentum range,
        // gets its share).
        let warps = gp.parameters.warps
        let candidates = (0..<candidateCount).map { j -> [Double] in
            var u = sequence.point(j)
            if j % 2 == 1 {
                for (i, warp) in warps.enumerated() { if let warp { u[i] = warp.inverse(u[i]) } }
            }
            return encoding.fromUnitCube(u)
        }
        var fantasyGenerator = SeededGenerator(seed: strategy.seed ^ BayesianStrategy.fantasySalt, stream: UInt64(truncatingIfNeeded: trialId))
        var improvement: (any Acquisition)?
        if let best {
            improvement =
                FantasyImprovement(gp: gp, pending: pending, best: best, generator: &fantasyGenerator)
                ?? ExpectedImprovement(gp: gp, best: best)
        }
        var acquisition: any Acquisition
        if let feasibility {
            acquisition = FeasibleAcquisition(base: improvement, feasibility: feasibility)
        } else {
            // No safety model yet (too few values): the objective alone, or, with no feasible
            // trial, the plain posterior mean's EI against the best seen.
            acquisition = improvement ?? ExpectedImprovement(gp: gp, best: gp.y.max() ?? 0)
        }
        if encoding.isConditional { acquisition = ConditionalAcquisition(base: acquisition, encoding: encoding) }
        let optimizer = AcquisitionOptimizer(acquisition: acquisition, encoding: encoding)
        let ranked = optimizer.maximize(candidates: candidates, observedBest: bestPoint, starts: options.starts, generator: &generator)
        let minimumLog = minimumSafeProbability.map { log($0) }
        for pass in minimumLog == nil ? [false] : [true, false] {
            for (x, _) in ranked {
                if pass, let minimumLog, let feasibility, feasibility.logProbability(encoding.imputed(x).x) < minimumLog { continue }
                let assignment = encoding.decode(x)
                if !taken.contains(assignment, encoded: encoding.encode(assignment)) {
                    return (assignment, encoding.encode(assignment) ?? x)
                }
            }
        }
        // Everything the search looked at is taken: pick from what is left.
        if var left = strategy.untriedPoints(avoiding: taken) {
            // Score at most 4096 of them (a seeded sample), so a big space stays cheap here.
            if left.count > 4096 {
                for i in 0..<4096 { left.swapAt(i, i + Int(generator.nextUnit() * Double(left.count - i))) }
                left.removeLast(left.count - 4096)
            }
            let scored = left.compactMap { a in encoding.encode(a).map { (a, $0, optimizer.value($0)) } }
            guard let top = scored.max(by: { $0.2 < $1.2 }) else { return nil }
            return (top.0, top.1)
        }
        for _ in 0..<64 {
            let x = encoding.fromUnitCube((0..<encoding.count).map { _ in generator.nextUnit() })
            let assignment = encoding.decode(x)
            if !taken.contains(assignment, encoded: encoding.encode(assignment)) { return (assignment, x) }
        }
        return nil
    }

    /// exp of the largest log EI (times the probability of feasibility, with safety metrics) the
    /// optimizer finds, with nothing pending; nil with no feasible trial. Seeded by `round`.
    func largestExpectedImprovement(round: Int) -> Double? {
        guard let best else { return nil }
        let encoding = strategy.encoding
        var generator = SeededGenerator(seed: strategy.seed ^ BayesianStrategy.convergenceSalt, stream: UInt64(truncatingIfNeeded: round))
        let sequence = KroneckerSequence(dimension: encoding.count, generator: &generator)
        let candidates = (0..<strategy.options.candidates).map { encoding.fromUnitCube(sequence.point($0)) }
        var acquisition: any Acquisition = ExpectedImprovement(gp: gp, best: best)
        if let feasibility { acquisition = FeasibleAcquisition(base: acquisition, feasibility: feasibility) }
        if encoding.isConditional { acquisition = ConditionalAcquisition(base: acquisition, encoding: encoding) }
        let optimizer = AcquisitionOptimizer(acquisition: acquisition, encoding: encoding)
        let ranked = optimizer.maximize(candidates: candidates, observedBest: bestPoint, starts: strategy.options.starts, generator: &generator)
        return ranked.first.map { exp($0.value) }
    }

    /// A pick of this call: pending for the next one.
    mutating func addPending(_ x: [Double]) {
        pending.append(x)
    }
}
