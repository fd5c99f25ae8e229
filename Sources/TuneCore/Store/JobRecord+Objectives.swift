/// What a job with several objectives or safety metrics makes of its trials: each succeeded
/// trial's objective vector, whether it stayed within the safety bounds, and the Pareto ranks.
extension JobRecord {
    /// A succeeded trial's value of every objective, in `spec.objectives` order: the objective as
    /// judged, then each other objective from the same measurement (`ObjectiveSelection.companion`).
    /// nil for a trial that did not succeed or lacks one of them.
    public func objectiveValues(of trial: TrialRecord) -> [Double]? {
        values(of: spec.objectives.map(\.metricTag), in: trial)
    }

    /// A succeeded trial's value of each tag in its final measurement (the first tag as the
    /// judged objective when it is the job's metric); nil when it did not succeed or lacks one.
    func values(of tags: [String], in trial: TrialRecord) -> [Double]? {
        guard trial.state == .succeeded, let first = trial.finalMetric else { return nil }
        var values: [Double] = []
        for tag in tags {
            if tag == spec.metricTag {
                values.append(first.value)
            } else {
                guard let reading = measurement(of: tag, in: trial, objectiveStep: first.step) else { return nil }
                values.append(reading.value)
            }
        }
        return values
    }

    /// Each tag's value in a succeeded trial's final measurement, nil where it reported none.
    func reportedValues(of tags: [String], in trial: TrialRecord) -> [Double?] {
        tags.map { measurement(of: $0, in: trial, objectiveStep: trial.finalMetric?.step)?.value }
    }

    /// The reading of a defined metric (an objective after the first, or a safety metric) in the
    /// trial's final measurement, the tag resolved as the objective's is (`MetricTagMatch`).
    func measurement(of tag: String, in trial: TrialRecord, objectiveStep: Int?) -> MetricReading? {
        let match = MetricTagMatch.resolve(tag, in: trial.readings)
        guard case .found(let resolved, _, _) = match else { return nil }
        return ObjectiveSelection.companion(
            from: match.readings(from: trial.readings), tag: resolved, selection: spec.measurementSelection, objectiveStep: objectiveStep)
    }

    /// How a succeeded trial stands against the safety metrics; nil when the job has none or the
    /// trial did not succeed.
    public func safetyCheck(of trial: TrialRecord) -> SafetyCheck? {
        guard !spec.safety.isEmpty, trial.state == .succeeded else { return nil }
        return SafetyCheck(metrics: spec.safety, values: reportedValues(of: spec.safety.map(\.metricTag), in: trial))
    }

    /// A succeeded trial that may be chosen: within every safety bound (always, without safety metrics).
    public func isFeasible(_ trial: TrialRecord) -> Bool {
        trial.state == .succeeded && (safetyCheck(of: trial)?.isSafe ?? true)
    }

    /// Pareto rank (1: on the front) of every feasible succeeded trial with all its objectives,
    /// by trial id; empty for a job with one objective.
    public var paretoRanks: [Int: Int] {
        guard spec.isMultiObjective else { return [:] }
        let ranked = searchTrials.compactMap { trial in
            isFeasible(trial) ? objectiveValues(of: trial).map { (trial.id, $0) } : nil
        }
        let ranks = ParetoDominance.ranks(ranked.map(\.1), goals: spec.objectives.map(\.goal))
        var byId: [Int: Int] = [:]
        for (index, entry) in ranked.enumerated() { if let rank = ranks[index] { byId[entry.0] = rank } }
        return byId
    }

    /// The Pareto-optimal trials (rank 1), in `trialsBestFirst` order; for one objective, the best trial.
    public var paretoFront: [TrialRecord] {
        guard spec.isMultiObjective else { return bestTrial.map { [$0] } ?? [] }
        let ranks = paretoRanks
        return trialsBestFirst.filter { ranks[$0.id] == 1 }
    }

    /// Share of the succeeded trials that were safe, nil without safety metrics or successes.
    public var safeTrialsFraction: Double? {
        let checks = trials.compactMap(safetyCheck(of:))
        guard !checks.isEmpty else { return nil }
        return Double(checks.filter(\.isSafe).count) / Double(checks.count)
    }
}

/// A succeeded trial's values of the safety metrics, against their bounds.
public struct SafetyCheck: Sendable, Equatable {
    public var metrics: [SafetyMetric]
    /// Each metric's value in the trial's final measurement; nil where it never reported one.
    public var values: [Double?]

    /// Within every bound: each metric reported and on the safe side.
    public var isSafe: Bool {
        zip(metrics, values).allSatisfy { metric, value in value.map(metric.isSafe) ?? false }
    }

    /// One phrase per bound crossed: "latency_ms = 35 (bound ≤ 20)", "never reported latency_ms".
    public var violations: [String] {
        zip(metrics, values).compactMap { metric, value in
            guard let value else { return "never reported \(metric.metricTag)" }
            return metric.isSafe(value) ? nil : "\(metric.metricTag) = \(MetricReading.display(value)) (safe: \(metric.boundText))"
        }
    }
}

extension JobRecord {
    /// A succeeded trial's objectives as people read them: `acc=0.97`, or with several
    /// objectives `acc=0.97, latency_ms=12.5`; nil for a trial without a final metric.
    public func objectivesText(of trial: TrialRecord) -> String? {
        guard let first = trial.finalMetric else { return nil }
        guard spec.isMultiObjective, let values = objectiveValues(of: trial) else {
            return "\(spec.metricTag)=\(MetricReading.display(first.value))"
        }
        return zip(spec.objectives, values).map { "\($0.metricTag)=\(MetricReading.display($1))" }.joined(separator: ", ")
    }
}

extension JobRecord {
    /// One line on the front for the progress line and summaries: `front 6 trials` (several
    /// objectives), and how many trials were safe (with safety metrics); nil when neither applies.
    public var frontAndSafetyText: String? {
        var parts: [String] = []
        if spec.isMultiObjective {
            let front = paretoFront.count
            parts.append("Pareto front: \(front) trial\(front == 1 ? "" : "s")")
        }
        if !spec.safety.isEmpty {
            let checked = trials.compactMap(safetyCheck(of:))
            parts.append("\(checked.filter(\.isSafe).count) of \(checked.count) succeeded trial\(checked.count == 1 ? "" : "s") safe")
        }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }
}
