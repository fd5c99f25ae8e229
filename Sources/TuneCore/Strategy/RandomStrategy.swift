/// Random search: each trial's point is drawn uniformly in the unit cube (so log scales are
/// sampled log-uniformly) from a generator seeded by (seed, trial id) — the same seed gives the
/// same trials whatever the timing. A point already in the history is drawn again; in a small
/// finite space an untried point is picked directly, and an exhausted space proposes nothing.
public struct RandomStrategy: SearchStrategy {
    public let spec: TuningSpec
    public let seed: UInt64
    public static let displayName = "random search"
    public var name: String { Self.displayName }

    /// Redraws before falling back to enumerating a finite space's untried points.
    static let redraws = 64

    public init(spec: TuningSpec, seed: UInt64) {
        self.spec = spec
        self.seed = seed
    }

    public func propose(count: Int, firstTrialId: Int, history: [TrialObservation]) -> [Assignment] {
        var tried = Set(history.map(\.assignment))
        var proposals: [Assignment] = []
        for trialId in firstTrialId..<(firstTrialId + count) {
            var rng = SeededGenerator(seed: seed, stream: UInt64(trialId))
            guard let point = draw(&rng, avoiding: tried) else { break }
            tried.insert(point)
            proposals.append(point)
        }
        return proposals
    }

    private func draw(_ rng: inout SeededGenerator, avoiding tried: Set<Assignment>) -> Assignment? {
        for _ in 0..<Self.redraws {
            let point = sample(&rng)
            if !tried.contains(point) { return point }
        }
        // Likely a small finite space nearly used up: pick among what is left, if it can be listed.
        guard let grid = Grid(spec: spec), let total = grid.count, total <= 1_000_000 else {
            return sample(&rng)
        }
        let untried = (0..<total).lazy.map(grid.point(at:)).filter { !tried.contains($0) }
        let left = Array(untried)
        guard !left.isEmpty else { return nil }
        return left[Int(rng.nextUnit() * Double(left.count))]
    }

    private func sample(_ rng: inout SeededGenerator) -> Assignment {
        // One draw per parameter, active or not, so each trial's stream is the same whatever the branch.
        spec.assignment(atUnits: spec.params.map { _ in rng.nextUnit() })
    }
}
