/// Cloud ML's `resumePreviousJobId`: a new job starts from the finished trials of an earlier one.
/// The earlier job must search the same parameters (names and types) for the same metric and goal
/// (the first objective; the others and the safety metrics are read from what its trials
/// reported, whether or not that job defined them),
/// but for added parameters that have a `defaultValue` (the earlier trials are taken to have had
/// it) or a condition (inactive in the earlier trials) and removed ones (the earlier trials are
/// taken without them: projected); its trials whose values fall outside the new bounds (a
/// narrowed range, a parameter now fixed at another value) are left out. A changed scale needs
/// nothing: the values are the same, the model sees them on the new scale.
public enum WarmStart {
    public struct Incompatible: Error, CustomStringConvertible {
        public var description: String
    }

    /// The earlier job's finished trials (and those it was itself warm-started with) that fit `spec`,
    /// how many were left out for not fitting, and what was projected (`notes`).
    public static func priorTrials(from old: JobRecord, for spec: TuningSpec) throws(Incompatible) -> (trials: [PriorTrial], leftOut: Int) {
        let carried = try carry(from: old, for: spec)
        return (carried.trials, carried.leftOut)
    }

    /// What a warm start from `old` carries into a job of `spec`.
    public struct Carried: Sendable {
        public var trials: [PriorTrial]
        /// Trials whose values fall outside the new space (out of a range, not a listed value).
        public var leftOut: Int
        /// Parameters the earlier job searched and this config does not: its trials are taken
        /// without them (projected), and a note says so.
        public var removed: [String]
    }

    public static func carry(from old: JobRecord, for spec: TuningSpec) throws(Incompatible) -> Carried {
        let oldSpec = old.spec
        let why = "resumePreviousJobId: job \(old.id)"
        let oldNames = Set(oldSpec.params.map(\.name))
        let newNames = Set(spec.params.map(\.name))
        let added = newNames.subtracting(oldNames)
        let removed = oldSpec.params.map(\.name).filter { !newNames.contains($0) }
        // An added parameter with a defaultValue (Vertex AI) is taken to have had it in the earlier
        // trials; a conditional one without a default fits the earlier trials where it is inactive.
        let withoutDefault = added.filter { name in spec.param(named: name).map { $0.defaultValue == nil && $0.condition == nil } ?? true }
        if !withoutDefault.isEmpty {
            throw Incompatible(
                description:
                    "\(why) did not search \(withoutDefault.sorted().joined(separator: ", ")), which this config adds: give each added parameter a defaultValue (the value the earlier trials are taken to have had), or start cold by removing resumePreviousJobId"
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
            for name in removed { candidate.parameters[name] = nil }
            if let point = Assignment(textValues: candidate.parameters, spec: spec) {
                candidate.parameters = point.textValues
                fitting.append(candidate)
            }
        }
        return Carried(trials: fitting, leftOut: candidates.count - fitting.count, removed: removed)
    }

    /// A numeric parameter's bounds (nil for a list of values).
    static func bounds(of param: ParameterSpec) -> [Double]? {
        switch param.domain {
        case .double(let lo, let hi, _): return [lo, hi]
        case .integer(let lo, let hi, _): return [Double(lo), Double(hi)]
        case .categorical, .discrete: return nil
        }
    }

    /// How `new`'s space differs from `old`'s, a line each, for `tune validate --against`:
    /// parameters added (and what the earlier trials are taken to have had), removed (projected),
    /// and changed (type, range, values or scale).
    public static func differences(from old: TuningSpec, to new: TuningSpec) -> [String] {
        var lines: [String] = []
        for param in new.params where old.param(named: param.name) == nil {
            let carried =
                param.defaultValue.map { "earlier trials are taken at its defaultValue \($0)" }
                ?? (param.condition != nil ? "conditional: inactive in the earlier trials" : "no defaultValue: a warm start is refused")
            lines.append("added    \(param.name), \(shown(param)): \(carried)")
        }
        for param in old.params where new.param(named: param.name) == nil {
            lines.append("removed  \(param.name), \(shown(param)): earlier trials are taken without it (projected)")
        }
        for param in new.params {
            guard let before = old.param(named: param.name) else { continue }
            if before.typeName != param.typeName {
                lines.append("changed  \(param.name): \(before.typeName) → \(param.typeName): a warm start is refused (same types needed)")
            } else if before.domain != param.domain {
                let effect: String
                switch param.domain {
                case _ where Self.bounds(of: param) != nil && Self.bounds(of: before) == Self.bounds(of: param):
                    effect = "the same range on another scale: earlier trials carry over, placed on the new scale"
                case .double, .integer:
                    effect = "earlier trials outside the new range inform the model at their place beyond the bounds; none is proposed there"
                case .categorical, .discrete:
                    effect = "earlier trials with a value no longer listed are left out"
                }
                lines.append("changed  \(param.name): \(shown(before)) → \(shown(param)): \(effect)")
            } else if before.condition != param.condition {
                lines.append("changed  \(param.name): when it is active")
            }
        }
        if old.metricTag != new.metricTag || old.goal != new.goal {
            lines.append("objective \(old.goal.rawValue) \(old.metricTag) → \(new.goal.rawValue) \(new.metricTag): a warm start is refused")
        }
        return lines
    }

    /// `DOUBLE in [0.0001, 0.1], UNIT_LOG_SCALE`: the domain and, for numbers, a declared scale.
    static func shown(_ param: ParameterSpec) -> String {
        switch param.domain {
        case .double(_, _, let scale), .integer(_, _, let scale):
            return param.domainDescription + (scale == .none ? "" : ", \(scale.rawValue)")
        case .categorical, .discrete:
            return param.domainDescription
        }
    }
}
