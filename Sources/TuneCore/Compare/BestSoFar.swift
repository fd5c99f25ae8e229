/// The best objective value so far, trial by trial: each improvement as a step (the trial that
/// made it and the new best), in trial order. A value equal to the best so far is no step.
public struct BestSoFar: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        /// The trial number (its id) that set this best.
        public var trial: Int
        public var value: Double

        public init(trial: Int, value: Double) {
            self.trial = trial
            self.value = value
        }
    }

    public var goal: Goal
    public private(set) var steps: [Step]

    /// From `values` in trial order; values that are not finite are left out.
    public init(goal: Goal, values: [(trial: Int, value: Double)]) {
        self.goal = goal
        var steps: [Step] = []
        for entry in values where entry.value.isFinite {
            if let current = steps.last, !goal.isBetter(entry.value, than: current.value) { continue }
            steps.append(Step(trial: entry.trial, value: entry.value))
        }
        self.steps = steps
    }

    /// The best value and the first trial that reached it; nil when no value counted.
    public var best: Step? { steps.last }

    /// The first counted value (the curve's start); nil when none.
    public var first: Step? { steps.first }

    /// The first trial whose best so far is `target` or better; nil when none is.
    public func firstTrial(reaching target: Double) -> Int? {
        steps.first { $0.value == target || goal.isBetter($0.value, than: target) }?.trial
    }

    /// The best so far after trial `trial` (nil before the first counted value).
    public func value(after trial: Int) -> Double? {
        steps.last { $0.trial <= trial }?.value
    }
}
