/// A PBT job's trials seen as its population: members, generations, and the schedule a trial's
/// training followed.
extension JobRecord {
    /// Each member's trials, by interval (a PBT job; empty otherwise).
    public var populationMembers: [Int: [TrialRecord]] {
        var members: [Int: [TrialRecord]] = [:]
        for trial in trials {
            guard let lineage = trial.population else { continue }
            members[lineage.member, default: []].append(trial)
        }
        for key in members.keys { members[key]!.sort { $0.population!.interval < $1.population!.interval } }
        return members
    }

    /// The schedule `trial`'s weights were trained with, first interval first: the chain of trials
    /// whose checkpoints it continues (`PopulationLineage.startsFrom`), each with its parameters and
    /// the resource span it trained. Empty for a trial outside a population.
    public func schedule(of trial: TrialRecord) -> [ScheduleStep] {
        var steps: [ScheduleStep] = []
        var current: TrialRecord? = trial
        var seen = Set<Int>()
        while let step = current, let lineage = step.population, seen.insert(step.id).inserted {
            let previous = lineage.startsFrom.flatMap { self.trial($0) }
            let start = previous?.population?.budget ?? 0
            steps.append(
                ScheduleStep(
                    trial: step.id, member: lineage.member, interval: lineage.interval, fromResource: start, toResource: lineage.budget,
                    parameters: step.parameters, exploited: lineage.donor != nil, value: step.finalMetric?.value))
            current = previous
        }
        return steps.reversed()
    }

    /// `ordered` with a PBT population's trials grouped by member: a member's place is that of its
    /// first trial in `ordered` (its latest interval, as larger budgets rank first), and its other
    /// intervals follow it, latest first.
    func groupingMembers(_ ordered: [TrialRecord]) -> [TrialRecord] {
        guard spec.population != nil else { return ordered }
        let members = populationMembers
        var placed = Set<Int>()
        var result: [TrialRecord] = []
        result.reserveCapacity(ordered.count)
        for trial in ordered {
            guard let member = trial.population?.member else {
                result.append(trial)
                continue
            }
            guard placed.insert(member).inserted else { continue }
            let own = members[member] ?? []
            let lead = own.filter { $0.id == trial.id }
            result += lead + own.filter { $0.id != trial.id }.reversed()
        }
        return result
    }

    /// The best member's last trial (the job's best trial in a PBT job), with its schedule.
    public var bestSchedule: (trial: TrialRecord, steps: [ScheduleStep])? {
        guard let best = bestTrial, best.population != nil else { return nil }
        return (best, schedule(of: best))
    }
}

/// One interval of a schedule: which trial trained the resource span `fromResource`…`toResource`
/// with which parameters.
public struct ScheduleStep: Sendable, Equatable {
    public var trial: Int
    public var member: Int
    public var interval: Int
    /// The resource the checkpoint had when the interval began (0 for the first).
    public var fromResource: Int
    public var toResource: Int
    public var parameters: [String: String]
    /// The interval began from another member's checkpoint, with its parameters perturbed.
    public var exploited: Bool
    /// The objective the interval ended with.
    public var value: Double?
}
