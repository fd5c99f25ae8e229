import Foundation

/// One call's GP and acquisition state: hyperparameters fitted once (or found in the cache), the
/// posterior conditioned on failed and pending points, then one pick after another, each added
/// as pending before the next.
struct ProposalModel {
    private let strategy: BayesianStrategy
    private var gp: GaussianProcess
    /// f*: the best standardized observation; also the constant liar's lie.
    private let best: Double
    private let bestPoint: [Double]
    private let observations: Int

    init?(data: ObservedData, strategy: BayesianStrategy) {
        let encoding = strategy.encoding
        let options = strategy.options
        guard let bestIndex = data.y.indices.max(by: { data.y[$0] < data.y[$1] }) else { return nil }
        let isCategorical = encoding.isCategorical

        let fitIndices = data.subset(cap: options.fitPoints)
        let key = FitCache.Key(x: fitIndices.flatMap { data.x[$0] }, y: fitIndices.map { data.y[$0] })
        let parameters: KernelParameters
        if let cached = strategy.fitCache.parameters(for: key) {
            parameters = cached
        } else {
            let likelihood = MarginalLikelihood(x: key.x, y: key.y, isCategorical: isCategorical)
            let starts = [KernelParameters.defaults(dimensions: encoding.count)]
            parameters = likelihood.fit(starts: starts, maxIterations: options.fitIterations)?.parameters
                ?? KernelParameters.defaults(dimensions: encoding.count)
            strategy.fitCache.store(parameters, for: key)
        }

        let modelIndices = data.subset(cap: options.modelPoints)
        guard var gp = GaussianProcess(x: modelIndices.flatMap { data.x[$0] }, y: modelIndices.map { data.y[$0] },
                                       isCategorical: isCategorical, parameters: parameters) else { return nil }
        let worst = data.y.min() ?? 0
        let best = data.y[bestIndex]
        let lies = data.failed.map { _ in worst } + data.pending.map { _ in best }
        if let conditioned = gp.conditioned(on: data.failed + data.pending, values: lies) { gp = conditioned }
        self.strategy = strategy
        self.gp = gp
        self.best = best
        self.bestPoint = data.x[bestIndex]
        self.observations = data.y.count
    }

    var parameters: KernelParameters { gp.parameters }

    /// The untried point of highest log EI; nil when a finite space has nothing left.
    func propose(trialId: Int, avoiding taken: TakenPoints) -> (assignment: Assignment, x: [Double])? {
        let encoding = strategy.encoding
        let options = strategy.options
        var generator = SeededGenerator(seed: strategy.seed ^ BayesianStrategy.candidateSalt, stream: UInt64(truncatingIfNeeded: trialId))
        let sequence = KroneckerSequence(dimension: encoding.count, generator: &generator)
        let candidateCount = observations <= options.fitPoints
            ? options.candidates
            : max(options.candidates / 4, options.candidates * options.fitPoints / observations)
        let candidates = (0..<candidateCount).map { encoding.fromUnitCube(sequence.point($0)) }
        let optimizer = AcquisitionOptimizer(gp: gp, encoding: encoding, best: best)
        let ranked = optimizer.maximize(candidates: candidates, observedBest: bestPoint, starts: options.starts, generator: &generator)
        for (x, _) in ranked {
            let assignment = encoding.decode(x)
            if !taken.contains(assignment, encoded: encoding.encode(assignment)) {
                return (assignment, encoding.encode(assignment) ?? x)
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

    /// Conditions on a pick at the best observed value (constant liar), so the next pick moves on.
    mutating func addPending(_ x: [Double]) {
        if let conditioned = gp.conditioned(on: [x], values: [best]) { gp = conditioned }
    }
}
