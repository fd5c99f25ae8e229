import Foundation

/// A configuration re-checked by `tune confirm`: the trial first run with it, its repeats, and
/// what the repeats measured.
public struct ConfirmedConfiguration: Sendable {
    /// The trial first run with this configuration (chosen for being among the best).
    public var trial: TrialRecord
    /// Its repeats, by seed.
    public var repeats: [TrialRecord]
    /// The objective of each succeeded repeat. The original trial's value is left out: it was chosen
    /// for being best, so it is biased toward luck (the winner's curse).
    public var values: [Double]
    /// nil until a repeat succeeds.
    public var statistics: SampleStatistics?

    public var failed: Int { repeats.filter { $0.state == .failed || $0.state == .cancelled }.count }
    public var unfinished: Int { repeats.filter { !$0.state.isFinished }.count }
}

/// Which configuration `tune confirm` found best, and whether the noise lets it tell.
public struct ConfirmationVerdict: Sendable {
    public var winner: ConfirmedConfiguration
    public var runnerUp: ConfirmedConfiguration?
    /// Welch's 95% interval of winner − runner-up, and its p-value; nil unless both have 2 repeats or more.
    public var difference: (difference: Double, halfWidth: Double, pValue: Double)?

    /// The winner's mean is better than the runner-up's beyond the noise (the 95% interval of the
    /// difference excludes 0).
    public var isClear: Bool {
        guard let difference else { return runnerUp == nil }
        return abs(difference.difference) > difference.halfWidth
    }
}

/// What a `tune confirm` runs: repeats to run again (cancelled, interrupted) and new ones.
public struct ConfirmationPlan: Sendable, Equatable {
    public var again: [Int] = []
    public var new: [TrialRepeat] = []
    public var isEmpty: Bool { again.isEmpty && new.isEmpty }
    public var count: Int { again.count + new.count }
    public init(again: [Int] = [], new: [TrialRepeat] = []) {
        self.again = again
        self.new = new
    }
}

/// Why `tune confirm` cannot re-check a job's trials, for people.
public struct ConfirmationError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension JobRecord {
    /// The trials of the search, without `tune confirm`'s repeats: what maxTrials counts, the
    /// strategy learns from and the job stop rules watch.
    public var searchTrials: [TrialRecord] { trials.filter { $0.repeatOf == nil } }

    /// The repeats of trial `id`, by seed.
    public func repeats(of id: Int) -> [TrialRecord] {
        trials.filter { $0.repeatOf?.of == id }.sorted { ($0.repeatOf!.seed, $0.id) < ($1.repeatOf!.seed, $1.id) }
    }

    /// Every configuration with repeats, the best mean first (those with no succeeded repeat last).
    public var confirmations: [ConfirmedConfiguration] {
        let originals = Set(trials.compactMap { $0.repeatOf?.of })
        let goal = spec.goal
        return trials.filter { originals.contains($0.id) }.map { trial in
            let repeats = repeats(of: trial.id)
            let values = repeats.compactMap { $0.state == .succeeded ? $0.finalMetric?.value : nil }
            return ConfirmedConfiguration(trial: trial, repeats: repeats, values: values, statistics: SampleStatistics(values))
        }.sorted { a, b in goal.ranksFirst(a.statistics?.mean, b.statistics?.mean) ?? (a.trial.id < b.trial.id) }
    }

    /// Trial id → the mean of its succeeded repeats, for the configurations re-checked.
    var confirmedMeans: [Int: Double] {
        var groups: [Int: [Double]] = [:]
        for trial in trials {
            guard let of = trial.repeatOf?.of, trial.state == .succeeded, let value = trial.finalMetric?.value else { continue }
            groups[of, default: []].append(value)
        }
        return groups.compactMapValues { SampleStatistics($0)?.mean }
    }

    /// The best confirmed configuration and how it compares with the next; nil before any repeat succeeded.
    public var confirmationVerdict: ConfirmationVerdict? {
        let measured = confirmations.filter { $0.statistics != nil && isFeasible($0.trial) }
        guard let winner = measured.first else { return nil }
        let runnerUp = measured.dropFirst().first
        var verdict = ConfirmationVerdict(winner: winner, runnerUp: runnerUp)
        if let a = winner.statistics, let b = runnerUp?.statistics { verdict.difference = a.difference(from: b) }
        return verdict
    }

    /// `ordered` with each repeat moved right after the trial it repeats. On every status line
    /// (`bestTrial`): the repeats are grouped once, not searched for per trial.
    func groupingRepeats(_ ordered: [TrialRecord]) -> [TrialRecord] {
        var byOriginal: [Int: [TrialRecord]] = [:]
        for trial in trials { if let of = trial.repeatOf?.of { byOriginal[of, default: []].append(trial) } }
        guard !byOriginal.isEmpty else { return ordered }
        var result: [TrialRecord] = []
        result.reserveCapacity(trials.count)
        for trial in ordered {
            result.append(trial)
            result += (byOriginal[trial.id] ?? []).sorted { ($0.repeatOf!.seed, $0.id) < ($1.repeatOf!.seed, $1.id) }
        }
        // A repeat whose original is not in `ordered` (never: every trial is) is kept at the end.
        let placed = Set(result.map(\.id))
        return result + trials.filter { !placed.contains($0.id) }
    }

    /// The configurations `tune confirm --top` re-checks: the `top` best succeeded, feasible
    /// trials of the search (ran to their end, not stopped early).
    public func confirmationCandidates(top: Int) -> [TrialRecord] {
        Array(trialsBestFirst.filter { $0.repeatOf == nil && $0.state == .succeeded && $0.finalMetric != nil && !$0.stoppedEarly && isFeasible($0) }.prefix(top))
    }

    /// What runs so that each of the `top` best configurations has `repeats` repeats: cancelled or
    /// interrupted repeats run again (same seed), failed ones are made up by new repeats with new
    /// seeds. Seeds count 1, 2, … per configuration, so every configuration meets the same seeds.
    public func confirmationPlan(top: Int, repeats count: Int, seedFlag: String?) throws(ConfirmationError) -> ConfirmationPlan {
        if spec.hyperband != nil {
            throw ConfirmationError(
                "job \(id) ran Hyperband: its trials ran at different budgets of \(spec.hyperband!.resourceParameter) and share checkpoints, so a repeat would not run the same thing — tune confirm re-checks jobs whose trials run in full"
            )
        }
        if let population = spec.population {
            throw ConfirmationError(
                "job \(id) ran population-based training: its result is a schedule of hyperparameters over \(population.resourceParameter), trained from other members' checkpoints, not a configuration a repeat could run — replay the best member's schedule (tune collect writes it beside its checkpoint as schedule.json)"
            )
        }
        if let seedFlag, let clash = spec.params.first(where: { $0.name == seedFlag }) {
            throw ConfirmationError(
                "--seed-flag \(seedFlag): \(clash.name) is one of the job's hyperparameters; name the trainer's own seed parameter (a flag it reads that the config does not tune)")
        }
        if seedFlag != nil, spec.parameterStyle == .template {
            throw ConfirmationError(
                "--seed-flag: job \(id) fills a command template, which has no place for a seed: read the seed from $TUNE_SEED in the trainer (every repeat gets it) and leave --seed-flag out"
            )
        }
        let candidates = confirmationCandidates(top: top)
        guard !candidates.isEmpty else {
            throw ConfirmationError(
                "job \(id) has no succeeded\(spec.safety.isEmpty ? "" : ", feasible") trial that ran to its end to re-check yet: tune trials \(id) shows its trials")
        }
        var plan = ConfirmationPlan()
        for trial in candidates {
            let earlier = repeats(of: trial.id)
            let succeeded = earlier.filter { $0.state == .succeeded }.count
            // Under the job's lock nothing runs: an unfinished repeat is a dead tune's, cancelled before these run.
            let again = earlier.filter { $0.state == .cancelled || !$0.state.isFinished }.prefix(max(0, count - succeeded))
            plan.again += again.map(\.id)
            var seed = earlier.map { $0.repeatOf!.seed }.max() ?? 0
            for _ in 0..<max(0, count - succeeded - again.count) {
                seed += 1
                plan.new.append(TrialRepeat(of: trial.id, seed: seed, seedFlag: seedFlag))
            }
        }
        return plan
    }
}

extension ConfirmationVerdict {
    /// The verdict for people: which configuration is best with the noise in mind, and how sure that is.
    public func text(metric: String) -> String {
        guard let stats = winner.statistics else { return "" }
        var text = "trial \(winner.trial.id)'s configuration: \(metric) mean \(Self.number(stats.mean))"
        if let half = stats.halfWidth() { text += " ± \(Self.number(half)) (95% CI, \(stats.count) repeats)" } else { text += " (1 repeat)" }
        guard let runnerUp, let other = runnerUp.statistics else { return text }
        guard let difference else {
            return text + "; against trial \(runnerUp.trial.id)'s (\(Self.number(other.mean))) the noise is unknown: give each 2 repeats or more"
        }
        let p = difference.pValue < 0.001 ? "p < 0.001" : "p = \(String(format: "%.3f", difference.pValue))"
        if isClear {
            return text
                + "; better than trial \(runnerUp.trial.id)'s (\(Self.number(other.mean))) beyond the noise: difference \(Self.number(difference.difference)) ± \(Self.number(difference.halfWidth)) (95%, Welch, \(p))"
        }
        return text
            + "; not distinguishable from trial \(runnerUp.trial.id)'s (\(Self.number(other.mean))): difference \(Self.number(difference.difference)) ± \(Self.number(difference.halfWidth)) (95%, Welch, \(p)) is within the noise — either will do, or tell them apart with more repeats"
    }

    /// Four significant digits: enough to compare means, never `0.9123456789`.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        return String(format: "%.4g", value)
    }
}
