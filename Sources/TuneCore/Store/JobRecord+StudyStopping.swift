import Foundation

/// Why a job stops launching trials before maxTrials (`StudyStoppingSpec`).
public struct StudyStop: Sendable, Equatable {
    /// For people: `target reached: trial 5 has acc=0.95 (targetValue ≥ 0.9)`.
    public var reason: String
    /// A time limit (`maximumRuntimeConstraint`): with `stopRunningTrials`, running trials are stopped too.
    public var isTimeLimit: Bool
}

extension JobRecord {
    /// Seconds a tune ran the job after `since` (`activePeriods`, clipped), the open period up to `now`.
    public func activeSeconds(since: Date, now: Date) -> Double {
        activePeriods.reduce(0) { total, period in
            let start = max(period.start, since)
            let end = period.end ?? now
            return total + max(0, end.timeIntervalSince(start))
        }
    }

    /// Whether a rule of `studyStoppingConfig` says the job must launch no more trials now; nil
    /// when none does. The rules look at the trials created since the budget was last set
    /// (`budgetSetAt`), so `tune resume --max-trials` goes on from where a rule stopped the job;
    /// the floors (`minNumTrials`, `minimumRuntimeConstraint`) count the whole job.
    public func studyStop(now: Date) -> StudyStop? {
        guard let rules = spec.studyStopping else { return nil }
        let since = budgetSetAt
        let elapsed = activeSeconds(since: since, now: now)
        if let limit = rules.maxSeconds, elapsed >= limit {
            return StudyStop(
                reason: "time limit: the job ran \(DurationText.format(elapsed)) (maximumRuntimeConstraint \(StudyStoppingSpec.duration(limit)))",
                isTimeLimit: true)
        }
        if let end = rules.endTime, now >= end {
            return StudyStop(reason: "time limit: it is past \(StudyStoppingSpec.timestamp(end)) (maximumRuntimeConstraint endTime)", isTimeLimit: true)
        }
        guard floorsPassed(now: now) else { return nil }

        let finished = searchTrials.filter { $0.state.isFinished && $0.endTime != nil }.sorted { ($0.endTime!, $0.id) < ($1.endTime!, $1.id) }
        let inBudget = finished.filter { $0.createTime >= since }
        if let target = rules.targetValue,
            let hit = inBudget.first(where: { trial in
                isFeasible(trial) && trial.finalMetric.map { !spec.goal.isBetter(target, than: $0.value) } ?? false
            }), let value = hit.finalMetric?.value
        {
            return StudyStop(
                reason:
                    "target reached: trial \(hit.id) has \(spec.metricTag)=\(MetricReading.display(value)) (targetValue \(spec.goal == .maximize ? "≥" : "≤") \(StudyStoppingSpec.number(target)))",
                isTimeLimit: false)
        }
        let progress = progressTimes(finished)
        let lastProgress = progress.last
        if let count = rules.maxTrialsNoProgress {
            let without = inBudget.filter { trial in lastProgress.map { trial.endTime! > $0 } ?? true }.count
            if without >= count {
                return StudyStop(reason: "no progress in the last \(count) trial\(count == 1 ? "" : "s") (maxNumTrialsNoProgress)" + bestText, isTimeLimit: false)
            }
        }
        if let limit = rules.maxSecondsNoProgress {
            let quiet = activeSeconds(since: max(lastProgress ?? since, since), now: now)
            if quiet >= limit {
                return StudyStop(
                    reason: "no progress for \(DurationText.format(quiet)) (maxDurationNoProgress \(StudyStoppingSpec.duration(limit)))" + bestText,
                    isTimeLimit: false)
            }
        }
        return nil
    }

    /// `minNumTrials` and `minimumRuntimeConstraint` are past: the rules other than the time limits may act.
    public func floorsPassed(now: Date) -> Bool {
        guard let rules = spec.studyStopping else { return true }
        if let floor = rules.minTrials, searchTrials.filter({ $0.state.isFinished }).count < floor { return false }
        if let floor = rules.minSeconds, activeSeconds(since: header.createTime, now: now) < floor { return false }
        return true
    }

    /// When each trial that made progress ended, in order: with one objective, a feasible trial
    /// better than every earlier feasible one by more than `minImprovement`; with several, a
    /// feasible trial that no earlier feasible trial dominates or equals (a new point of the front).
    func progressTimes(_ finished: [TrialRecord]) -> [Date] {
        let margin = spec.studyStopping?.minImprovement ?? 0
        let goals = spec.objectives.map(\.goal)
        var best: Double?
        var seen: [[Double]] = []
        var times: [Date] = []
        for trial in finished where isFeasible(trial) {
            if spec.isMultiObjective {
                guard let values = objectiveValues(of: trial) else { continue }
                if !seen.contains(where: { $0 == values || ParetoDominance.dominates($0, values, goals: goals) }) { times.append(trial.endTime!) }
                seen.append(values)
            } else if let value = trial.finalMetric?.value, value.isFinite {
                let improves = best.map { spec.goal == .maximize ? value > $0 + margin : value < $0 - margin } ?? true
                if improves { times.append(trial.endTime!) }
                if best.map({ spec.goal.isBetter(value, than: $0) }) ?? true { best = value }
            }
        }
        return times
    }

    private var bestText: String {
        guard let best = bestTrial, let text = objectivesText(of: best) else { return "" }
        return spec.isMultiObjective ? "; Pareto front of \(paretoFront.count)" : "; best \(text) (trial \(best.id))"
    }
}
