/// "Trials to reach": the value a job must reach to have closed `fraction` of the gap between a
/// common starting point and the best value any compared job found.
///
/// - `best`: the best value of every compared job (the overall best).
/// - `baseline`: the worst of the jobs' first values (each job's first counted trial): where the
///   slowest start was.
/// - The target is `baseline + fraction × (best − baseline)`, never past `best` (so fraction 1 is
///   the overall best exactly). A job reaches it at its first trial whose best so far is the
///   target or better (≥ when maximizing, ≤ when minimizing).
///
/// Only differences of values enter, so the definition holds for negative values and either
/// goal, and shifting or scaling the metric does not change which trial reaches. When every first
/// value is the overall best (no gap), the target is that best.
public struct ReachTarget: Sendable, Equatable {
    public var goal: Goal
    /// The share of the gap to close, in (0, 1].
    public var fraction: Double
    public var baseline: Double
    public var best: Double
    public var target: Double

    public static let fractions: ClosedRange<Double> = Double.leastNonzeroMagnitude...1

    /// nil when no job has a value (nothing to reach).
    public init?(goal: Goal, fraction: Double, firstValues: [Double], bestValues: [Double]) {
        let firsts = firstValues.filter(\.isFinite)
        let bests = bestValues.filter(\.isFinite)
        guard let baseline = Self.extreme(firsts, goal: goal, best: false), let best = Self.extreme(bests, goal: goal, best: true) else { return nil }
        self.goal = goal
        self.fraction = fraction
        self.baseline = baseline
        self.best = best
        let raw = baseline + fraction * (best - baseline)
        // Never past the best (rounding), never before the baseline.
        let low = min(baseline, best)
        let high = max(baseline, best)
        self.target = min(max(raw, low), high)
    }

    /// The first trial of `curve` that reaches the target; nil when it never does.
    public func trialReaching(in curve: BestSoFar) -> Int? {
        curve.firstTrial(reaching: target)
    }

    static func extreme(_ values: [Double], goal: Goal, best: Bool) -> Double? {
        guard var chosen = values.first else { return nil }
        for value in values.dropFirst() {
            let better = goal.isBetter(value, than: chosen)
            if better == best && value != chosen { chosen = value }
        }
        return chosen
    }
}
