/// Several jobs of one objective side by side: each job's best trial and its best-so-far curve,
/// and how many trials each took to close a share of the gap to the overall best (`ReachTarget`).
///
/// What counts toward a job's curve: its search trials (not `tune confirm`'s repeats) that
/// succeeded with a finite value of the first objective, stayed within every safety bound, and ran
/// their whole course (not stopped early); in a Hyperband or PBT job, only those at the largest
/// budget the job reached, since a value at a smaller budget is not comparable. Trial numbers
/// count every trial, whatever its state or budget.
public struct JobComparison: Sendable {
    public var goal: Goal
    public var metricTag: String
    public var entries: [CompareEntry]
    /// nil when no job has a counted value.
    public var reach: ReachTarget?
    /// What the reader should know: differing spaces, several objectives, multi-fidelity jobs…
    public var notes: [String]

    /// Compares `jobs` (two or more, distinct) by their first objective; `fraction` in (0, 1].
    /// Throws when the jobs' first objectives differ in goal or metric.
    public init(jobs: [JobRecord], fraction: Double) throws(ComparisonError) {
        guard jobs.count >= 2 else { throw ComparisonError("compare needs two jobs or more, got \(jobs.count)") }
        var seen = Set<String>()
        for job in jobs where !seen.insert(job.id).inserted {
            throw ComparisonError("job \(job.id) is given twice: name each job once")
        }
        guard fraction > 0, fraction <= 1 else { throw ComparisonError("the share to reach must be above 0 and at most 1, got \(fraction)") }
        let first = jobs[0]
        for job in jobs.dropFirst() {
            try Self.checkSameObjective(first, job)
        }
        goal = first.spec.goal
        metricTag = first.spec.metricTag
        var entries: [CompareEntry] = []
        for job in jobs {
            let curve = BestSoFar(goal: goal, values: Self.countedValues(job))
            let search = job.searchTrials
            let succeeded = search.filter { $0.state == .succeeded }.count
            entries.append(CompareEntry(job: job, curve: curve, trialsRun: search.count, succeeded: succeeded, trialsToReach: nil))
        }
        let firsts = entries.compactMap { $0.curve.first?.value }
        let bests = entries.compactMap { $0.curve.best?.value }
        reach = ReachTarget(goal: goal, fraction: fraction, firstValues: firsts, bestValues: bests)
        if let reach {
            for index in entries.indices { entries[index].trialsToReach = reach.trialReaching(in: entries[index].curve) }
        }
        self.entries = entries
        notes = Self.notes(jobs)
    }

    /// The job's values that count toward its curve, by trial number (see the type's comment).
    public static func countedValues(_ job: JobRecord) -> [(trial: Int, value: Double)] {
        let largest = countedBudget(job)
        return candidates(job).filter { $0.resourceBudget == largest }.sorted { $0.id < $1.id }.map { ($0.id, $0.finalMetric!.value) }
    }

    /// The budget of the trials that count: the largest a candidate reached (nil for full runs).
    static func countedBudget(_ job: JobRecord) -> Int? {
        candidates(job).compactMap(\.resourceBudget).max()
    }

    private static func candidates(_ job: JobRecord) -> [TrialRecord] {
        job.searchTrials.filter { trial in
            trial.state == .succeeded && !trial.stoppedEarly && job.isFeasible(trial) && (trial.finalMetric?.value.isFinite ?? false)
        }
    }

    /// The overall best value and the job that found it first (by trial number; then by order given).
    public var overallBest: (entry: CompareEntry, step: BestSoFar.Step)? {
        var chosen: (CompareEntry, BestSoFar.Step)?
        for entry in entries {
            guard let best = entry.curve.best else { continue }
            guard let current = chosen else {
                chosen = (entry, best)
                continue
            }
            if goal.isBetter(best.value, than: current.1.value) || (best.value == current.1.value && best.trial < current.1.trial) {
                chosen = (entry, best)
            }
        }
        return chosen
    }

    static func checkSameObjective(_ a: JobRecord, _ b: JobRecord) throws(ComparisonError) {
        let (specA, specB) = (a.spec, b.spec)
        if specA.metricTag != specB.metricTag {
            throw ComparisonError(
                "job \(a.id) optimizes \(specA.metricTag) and job \(b.id) optimizes \(specB.metricTag) (hyperparameterMetricTag): values of different metrics cannot be compared — compare jobs of one metric"
            )
        }
        if specA.goal != specB.goal {
            throw ComparisonError(
                "job \(a.id) has goal \(specA.goal.rawValue) \(specA.metricTag) and job \(b.id) has goal \(specB.goal.rawValue) \(specB.metricTag): with opposite goals there is no common best — compare jobs of one goal"
            )
        }
    }

    /// How the jobs' search spaces differ, when they do: other parameters, or the same ones defined
    /// differently (range, scale, values).
    static func spaceNote(_ jobs: [JobRecord]) -> String? {
        let first = jobs[0].spec.params
        guard jobs.contains(where: { $0.spec.params != first }) else { return nil }
        let names = first.map(\.name)
        if jobs.allSatisfy({ $0.spec.params.map(\.name) == names }) {
            let changed = first.filter { param in jobs.contains { $0.spec.param(named: param.name) != param } }.map(\.name)
            let verb = changed.count == 1 ? "is" : "are"
            return
                "the jobs search different spaces: \(changed.joined(separator: ", ")) \(verb) defined differently (range, scale or values); their values are compared as they are"
        }
        let spaces = jobs.map { job in "\(job.id): " + (job.spec.params.isEmpty ? "no parameters" : job.spec.params.map(\.name).joined(separator: ", ")) }
        return "the jobs search different spaces (\(spaces.joined(separator: "; "))): their values are compared as they are"
    }

    static func notes(_ jobs: [JobRecord]) -> [String] {
        var notes: [String] = []
        let first = jobs[0]
        if let space = spaceNote(jobs) { notes.append(space) }
        for job in jobs where job.spec.isMultiObjective {
            let tags = job.spec.objectives.map(\.metricTag).joined(separator: ", ")
            notes.append("job \(job.id) has several objectives (\(tags)): compared by the first, \(job.spec.metricTag); its other objectives are left out")
        }
        for job in jobs {
            let resource = job.spec.hyperband?.resourceParameter ?? job.spec.population?.resourceParameter
            guard let resource else { continue }
            let budget = countedBudget(job).map { " (\(resource)=\($0))" } ?? ""
            notes.append(
                "job \(job.id) is \(job.spec.algorithm.rawValue): only its trials at the largest budget it reached\(budget) count toward its curve; trial numbers count every trial, whatever its budget, not the \(resource) spent"
            )
        }
        let selections = Set(jobs.map(\.spec.measurementSelection))
        if selections.count > 1 {
            let each = jobs.map { "\($0.id): \($0.spec.measurementSelection.rawValue)" }.joined(separator: ", ")
            notes.append("the jobs take a trial's value differently (measurementSelection: \(each))")
        }
        for job in jobs where !job.spec.safety.isEmpty {
            notes.append("job \(job.id) has safety bounds: its trials that crossed one do not count")
        }
        for job in jobs where job.state == .running {
            notes.append("job \(job.id) is still running: its curve is as far as it got")
        }
        return notes
    }
}

/// Why jobs cannot be compared, said for a person.
public struct ComparisonError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
