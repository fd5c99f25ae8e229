import Foundation

/// ParEGO's view of several objectives as one (Knowles 2006, "ParEGO: a hybrid algorithm with
/// on-line landscape approximation for expensive multiobjective optimization problems"; BoTorch's
/// qParEGO): each proposal draws a weight vector λ uniformly on the simplex and scores every
/// trial by the augmented Chebyshev scalarization of its objectives, each normalized to [0, 1]
/// over the trials so far (0 the best value seen, 1 the worst):
///
///     s(f) = maxᵢ λᵢ f̂ᵢ + ρ Σᵢ λᵢ f̂ᵢ,   ρ = 0.05
///
/// Smaller is better. Every Pareto-optimal point minimizes s for some λ, so over many proposals
/// the single-objective GP search spreads along the whole front; the weights depend only on
/// (seed, trial id), so a proposal stays a function of (space, history, seed).
struct ParEGOScalarization {
    static let rho = 0.05
    static let weightSalt: UInt64 = 0x9A2E_6000_0000_0000

    let weights: [Double]
    let goals: [Goal]

    init(seed: UInt64, trialId: Int, goals: [Goal]) {
        var generator = SeededGenerator(seed: seed ^ Self.weightSalt, stream: UInt64(truncatingIfNeeded: trialId))
        // Uniform on the simplex: normalized exponential draws (a flat Dirichlet).
        let draws = goals.map { _ in -log(max(generator.nextUnit(), 1e-300)) }
        let total = draws.reduce(0, +)
        self.weights = draws.map { $0 / total }
        self.goals = goals
    }

    /// s(f) of one oriented objective vector, normalized by the lows and highs seen.
    func score(_ values: [Double], lows: [Double], highs: [Double]) -> Double {
        var largest = 0.0
        var sum = 0.0
        for i in values.indices where highs[i] > lows[i] {
            let scaled: Double = weights[i] * (values[i] - lows[i]) / (highs[i] - lows[i])
            largest = max(largest, scaled)
            sum += scaled
        }
        return largest + Self.rho * sum
    }

    /// The history with each succeeded trial's objective replaced by its scalarization (smaller
    /// is better); trials without every objective keep no objective.
    func scalarized(_ history: [TrialObservation]) -> [TrialObservation] {
        let m = goals.count
        let oriented = history.map { trial -> [Double]? in
            guard let values = trial.objectives, values.count == m, values.allSatisfy(\.isFinite) else { return nil }
            return (0..<m).map { goals[$0] == .maximize ? -values[$0] : values[$0] }
        }
        let known = oriented.compactMap { $0 }
        let lows = (0..<m).map { i in known.map { $0[i] }.min() ?? 0 }
        let highs = (0..<m).map { i in known.map { $0[i] }.max() ?? 0 }
        return zip(history, oriented).map { trial, values in
            var trial = trial
            trial.objective = values.map { score($0, lows: lows, highs: highs) }
            return trial
        }
    }
}
