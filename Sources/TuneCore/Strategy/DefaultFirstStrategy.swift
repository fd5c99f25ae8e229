/// Runs the config's default point (Vertex AI's `defaultValue`s, `TuningSpec.defaultPoint`) as
/// the job's first trial, then proposes as `base` does. Like every strategy it decides from the
/// history alone: the default point is proposed while no trial of the job has it, so a resumed
/// job never runs it twice, and `base` sees it as a pending trial of the same call.
public struct DefaultFirstStrategy: SearchStrategy {
    public let first: Assignment
    public let base: any SearchStrategy
    public var name: String { base.name }

    public init(first: Assignment, base: any SearchStrategy) {
        self.first = first
        self.base = base
    }

    public func propose(count: Int, firstTrialId: Int, history: [TrialObservation]) -> [Assignment] {
        guard count > 0, !history.contains(where: { $0.assignment == first }) else {
            return base.propose(count: count, firstTrialId: firstTrialId, history: history)
        }
        let pending = TrialObservation(trialId: firstTrialId, assignment: first, state: .running)
        return [first] + base.propose(count: count - 1, firstTrialId: firstTrialId + 1, history: history + [pending])
    }
}
