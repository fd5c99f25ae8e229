/// Asynchronous Hyperband (tune extension, `algorithm: HYPERBAND`): successive-halving brackets with
/// ASHA's promotion rule (Li et al., "A System for Massively Parallel Hyperparameter Tuning", 2020),
/// so a free slot never waits for a rung to fill.
///
/// Rungs have budgets maxResource/η^k (1, 3, 9, 27 for 1…27, η = 3). A bracket starts its
/// configurations at one rung: bracket 0 at the lowest (most configurations, most halving), the
/// last at maxResource (plain random search). New configurations are spread over the brackets in
/// Hyperband's proportions (bracket with h halvings ∝ ⌈(K+1)/(h+1)·η^h⌉), in a fixed interleaved
/// order (`hyperbandBrackets` limits them to the most aggressive few; 1 is plain asynchronous
/// successive halving). Whenever a slot is free, the scheduler promotes — highest rung first — a
/// configuration that is among the best 1/η of the runs completed at its rung and has not been
/// promoted yet; if none is promotable it starts a new configuration. Promotion runs the
/// configuration again with the next budget (`--epochs=<budget>`); a script that keeps a checkpoint
/// in `$TUNE_CHECKPOINT_DIR` (one folder per configuration) can continue instead of starting over.
///
/// Configuration k has the hyperparameters the job's strategy proposes for trial k. With
/// `hyperbandSampler: RANDOM` (and any journal written before the key) the history is the distinct
/// configurations so far, and the point random search's trial k with the same seed. With `MODEL`
/// (the default) the history holds the results of the highest rung with enough of them
/// (`modelHistory`), and `HyperbandModelStrategy` fits its GP there. Stateless: the plan comes from
/// the job's trials alone.
public struct HyperbandScheduler: TrialScheduler {
    public let spec: TuningSpec
    public let resource: HyperbandSpec

    public init(spec: TuningSpec, resource: HyperbandSpec) {
        self.spec = spec
        self.resource = resource
    }

    public func describe(strategy: String) -> String {
        "asynchronous Hyperband (\(strategy == RandomStrategy.displayName ? "random configurations" : strategy))"
    }

    /// `--<resource>=<budget>`, and the budget and configuration in the environment.
    public func launchAdditions(for trial: TrialRecord) -> LaunchAdditions {
        guard let placement = trial.placement else { return LaunchAdditions() }
        return LaunchAdditions(
            flags: ["--\(resource.resourceParameter)=\(placement.budget)"],
            environment: ["TUNE_RESOURCE": String(placement.budget), "TUNE_CONFIGURATION": String(placement.configuration)])
    }

    var budgets: [Int] { resource.rungBudgets }

    /// The bracket (its starting rung) of new configuration `configuration` (1-based). Only as much
    /// of the cycle as needed is walked: a wide ladder's cycle (10^12 / 1 with η = 2) is far too long to list.
    func bracket(ofConfiguration configuration: Int) -> Int {
        let weights = Self.bracketWeights(rungs: budgets.count, eta: resource.reductionFactor, brackets: resource.bracketCount)
        let total = weights.reduce(0, +)
        let position = (max(configuration, 1) - 1) % max(total, 1)
        return Self.bracketOrder(weights: weights, count: position + 1).last ?? 0
    }

    /// One cycle of starting rungs in Hyperband's proportions, interleaved (smooth weighted
    /// round-robin), so any prefix of the sequence is close to the proportions.
    static func bracketOrder(rungs: Int, eta: Int, brackets: Int? = nil) -> [Int] {
        let weights = bracketWeights(rungs: rungs, eta: eta, brackets: brackets)
        return bracketOrder(weights: weights, count: weights.reduce(0, +))
    }

    /// The largest weight a bracket gets, so that the weights' sum cannot overflow for any config
    /// (η^h can pass Int's range); only ladders far beyond a config's bounds reach it.
    static let maxBracketWeight = 1 << 40

    /// Each bracket's share: ⌈(K+1)/(h+1)·η^h⌉ for the bracket with h halvings, at most `maxBracketWeight`.
    static func bracketWeights(rungs: Int, eta: Int, brackets: Int? = nil) -> [Int] {
        let rungs = max(rungs, 1)
        let top = rungs - 1
        let used = min(max(brackets ?? rungs, 1), rungs)
        return (0..<used).map { start -> Int in
            let halvings = top - start
            var power = 1.0
            for _ in 0..<halvings { power = min(power * Double(max(eta, 1)), Double(maxBracketWeight)) }
            let weight = (Double(top + 1) / Double(halvings + 1) * power).rounded(.up)
            return weight < Double(maxBracketWeight) ? max(Int(weight), 1) : maxBracketWeight
        }
    }

    /// The first `count` entries of the interleaved cycle of `weights`.
    static func bracketOrder(weights: [Int], count: Int) -> [Int] {
        let total = weights.reduce(0, +)
        var current = [Int](repeating: 0, count: weights.count)
        var order: [Int] = []
        order.reserveCapacity(min(count, 1 << 16))
        for _ in 0..<max(count, 0) {
            for index in current.indices { current[index] += weights[index] }
            let pick = current.indices.max { current[$0] < current[$1] || (current[$0] == current[$1] && $0 > $1) }!
            current[pick] -= total
            order.append(pick)
        }
        return order
    }

    /// The next run: the best promotion available, else a new configuration; nil when the space
    /// has no new configuration left and nothing can be promoted.
    public func next(job: JobRecord, strategy: any SearchStrategy) -> ScheduledRun? {
        if let promotion = promotion(job: job) { return promotion }
        let configurations = job.trials.compactMap { $0.placement?.configuration }
        let next = (configurations.max() ?? 0) + 1
        let history = resource.configurationSampler == .model ? modelHistory(job: job) : configurationHistory(job: job)
        guard let assignment = strategy.propose(count: 1, firstTrialId: next, history: history).first else { return nil }
        let start = bracket(ofConfiguration: next)
        return ScheduledRun(assignment: assignment, placement: ResourcePlacement(configuration: next, rung: start, budget: budgets[start]))
    }

    /// ASHA: from the highest rung down, a configuration in the top 1/η of the runs completed at its
    /// rung that has not gone on to the next rung. The rungs are shared by the brackets: a
    /// configuration that started at rung 1 competes there with those promoted from rung 0 (in the
    /// learning-curve benchmark this kept the best configuration far more often than a ladder per
    /// bracket, whose aggressive brackets need η^k configurations of their own to promote once).
    func promotion(job: JobRecord) -> ScheduledRun? {
        struct Entry {
            var trial: TrialRecord
            var value: Double
        }
        var rungs: [Int: [Entry]] = [:]  // rung → completed runs, every bracket's
        var promoted = Set<[Int]>()  // [configuration, rung] already run at rung
        for trial in job.trials {
            guard let placement = trial.placement else { continue }
            promoted.insert([placement.configuration, placement.rung])
        }
        for trial in job.trials {
            guard let placement = trial.placement, trial.state == .succeeded, !trial.stoppedEarly,
                let value = trial.finalMetric?.value, value.isFinite
            else { continue }
            rungs[placement.rung, default: []].append(Entry(trial: trial, value: value))
        }
        let eta = resource.reductionFactor
        for rung in stride(from: budgets.count - 2, through: 0, by: -1) {
            guard let entries = rungs[rung] else { continue }
            let keep = entries.count / eta
            guard keep > 0 else { continue }
            let ranked = entries.sorted { spec.goal.isBetter($0.value, than: $1.value) || ($0.value == $1.value && $0.trial.id < $1.trial.id) }
            for entry in ranked.prefix(keep) {
                let configuration = entry.trial.placement!.configuration
                guard !promoted.contains([configuration, rung + 1]),
                    let assignment = entry.trial.assignment
                else { continue }
                return ScheduledRun(
                    assignment: assignment,
                    placement: ResourcePlacement(configuration: configuration, rung: rung + 1, budget: budgets[rung + 1]))
            }
        }
        return nil
    }
}
