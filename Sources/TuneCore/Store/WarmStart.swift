/// Cloud ML's `resumePreviousJobId`: a new job starts from the finished trials of an earlier one.
/// The earlier job must search the same parameters (names and types) for the same metric and goal
/// (the first objective; the others and the safety metrics are read from what its trials
/// reported, whether or not that job defined them),
/// but for added parameters that have a `defaultValue` (the earlier trials are taken to have had
/// it) or a condition (inactive in the earlier trials); its trials whose values fall outside the
/// new bounds are left out.
public enum WarmStart {
    public struct Incompatible: Error, CustomStringConvertible {
        public var description: String
    }

    /// The earlier job's finished trials (and those it was itself warm-started with) that fit `spec`,
    /// and how many were left out for not fitting.
    public static func priorTrials(from old: JobRecord, for spec: TuningSpec) throws(Incompatible) -> (trials: [PriorTrial], leftOut: Int) {
        let oldSpec = old.spec
        let why = "resumePreviousJobId: job \(old.id)"
        let oldNames = Set(oldSpec.params.map(\.name))
        let newNames = Set(spec.params.map(\.name))
        let added = newNames.subtracting(oldNames)
        // An added parameter with a defaultValue (Vertex AI) is taken to have had it in the earlier
        // trials; a conditional one without a default fits the earlier trials where it is inactive.
        let withoutDefault = added.filter { name in spec.param(named: name).map { $0.defaultValue == nil && $0.condition == nil } ?? true }
        if oldNames.subtracting(newNames).count > 0 || !withoutDefault.isEmpty {
            var parts: [String] = []
            let added = withoutDefault.sorted()
            let dropped = oldNames.subtracting(newNames).sorted()
            if !added.isEmpty { parts.append("this config adds \(added.joined(separator: ", "))") }
            if !dropped.isEmpty { parts.append("it had \(dropped.joined(separator: ", ")), which this config lacks") }
            throw Incompatible(
                description:
                    "\(why) searched other parameters: \(parts.joined(separator: "; ")). Warm start needs the same parameter names, or a defaultValue for each added one (the value the earlier trials are taken to have had); start cold by removing resumePreviousJobId"
            )
        }
        for param in spec.params {
            if let before = oldSpec.param(named: param.name), before.typeName != param.typeName {
                throw Incompatible(description: "\(why) had \(param.name) as \(before.typeName), this config has it as \(param.typeName): warm start needs the same types")
            }
        }
        if oldSpec.metricTag != spec.metricTag {
            throw Incompatible(description: "\(why) tuned the metric '\(oldSpec.metricTag)', this config tunes '\(spec.metricTag)': its objectives would mean something else")
        }
        if oldSpec.goal != spec.goal {
            throw Incompatible(description: "\(why) had goal \(oldSpec.goal.rawValue), this config has \(spec.goal.rawValue)")
        }
        var candidates = old.priorTrials
        for trial in old.trials where trial.state == .succeeded || trial.state == .failed {
            candidates.append(
                PriorTrial(
                    trial: trial.id, parameters: trial.parameters, state: trial.state,
                    objective: trial.state == .succeeded ? trial.finalMetric?.value : nil,
                    objectives: spec.isMultiObjective ? old.values(of: spec.objectives.map(\.metricTag), in: trial) : nil,
                    safetyValues: spec.safety.isEmpty ? nil : old.reportedValues(of: spec.safety.map(\.metricTag), in: trial)))
        }
        var fitting: [PriorTrial] = []
        for var candidate in candidates {
            for param in spec.params where added.contains(param.name) {
                if let value = param.defaultValue, spec.isActive(param, given: candidate.parameters) {
                    candidate.parameters[param.name] = value
                }
            }
            if let point = Assignment(textValues: candidate.parameters, spec: spec) {
                candidate.parameters = point.textValues
                fitting.append(candidate)
            }
        }
        return (fitting, candidates.count - fitting.count)
    }
}
