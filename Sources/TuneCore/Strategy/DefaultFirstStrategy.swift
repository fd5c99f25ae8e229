/// Runs given points first, in order: the config's default point (Vertex AI's `defaultValue`s,
/// `TuningSpec.defaultPoint`) and the enqueued ones (`TuningSpec.givenPoints`), then proposes as
/// `base` does. Like every strategy it decides from the history alone: a given point is proposed
/// while no trial of the job has it, so a resumed job never runs one twice, and `base` sees the
/// given points as pending trials of the same call, then as ordinary trials.
public struct DefaultFirstStrategy: SearchStrategy {
    public let points: [Assignment]
    public let base: any SearchStrategy
    public var name: String { base.name }

    public init(points: [Assignment], base: any SearchStrategy) {
        self.points = points
        self.base = base
    }

    public init(first: Assignment, base: any SearchStrategy) {
        self.init(points: [first], base: base)
    }

    public func propose(count: Int, firstTrialId: Int, history: [TrialObservation]) -> [Assignment] {
        let due = Array(points.filter { point in !history.contains { $0.assignment == point } }.prefix(max(count, 0)))
        guard !due.isEmpty else { return base.propose(count: count, firstTrialId: firstTrialId, history: history) }
        let pending = due.enumerated().map { TrialObservation(trialId: firstTrialId + $0.offset, assignment: $0.element, state: .running) }
        return due + base.propose(count: count - due.count, firstTrialId: firstTrialId + due.count, history: history + pending)
    }

    public func expectedImprovementLeft(history: [TrialObservation]) -> Double? {
        base.expectedImprovementLeft(history: history)
    }
}
