/// Which parameters a point of a conditional space holds.
///
/// The spec lists every parent before its children (the config's nesting, flattened depth
/// first), so one pass in the spec's order decides each parameter from the values already
/// chosen: a parameter is active when it has no condition, or when its parent is active and has
/// one of the condition's values. An inactive parameter has no value: the trial gets no flag for
/// it, and the journal, `tune trials` and the report show it as absent.
extension TuningSpec {
    /// Whether any parameter is conditional.
    public var isConditional: Bool { params.contains { $0.condition != nil } }

    /// Whether `param` is active given the values chosen so far (name → flag text).
    public func isActive(_ param: ParameterSpec, given chosen: [String: String]) -> Bool {
        guard let condition = param.condition else { return true }
        guard let parentValue = chosen[condition.parent] else { return false }
        return condition.parentValues.contains(parentValue)
    }

    /// The point that holds, in the spec's order, the value `choose` gives each parameter active
    /// given the values chosen before it (`choose` gets the parameter's index and spec); nil when
    /// `choose` gives none for an active parameter. Every way of building a point goes through here.
    public func point<Failure: Error>(choosing choose: (Int, ParameterSpec) throws(Failure) -> ParameterValue?) throws(Failure) -> Assignment? {
        var pairs: [(String, ParameterValue)] = []
        var chosen: [String: String] = [:]
        // Only a conditional space needs the values chosen so far (to decide its children).
        let conditional = isConditional
        for (index, param) in params.enumerated() where isActive(param, given: chosen) {
            guard let value = try choose(index, param) else { return nil }
            pairs.append((param.name, value))
            if conditional { chosen[param.name] = value.text }
        }
        return Assignment(pairs)
    }

    /// The point whose parameter i sits at unit coordinate `units[i]` (see `UnitCube`), holding
    /// only the parameters active there; coordinates of inactive parameters are unused, so a
    /// strategy draws one per parameter whatever the branch and stays reproducible.
    public func assignment(atUnits units: [Double]) -> Assignment {
        point { index, param in param.value(atUnit: index < units.count ? units[index] : 0.5) }!
    }

    /// How deep `param` sits in the tree: 0 for an unconditional parameter, 1 for its children, …
    public func depth(of param: ParameterSpec) -> Int {
        var depth = 0
        var current = param
        while let parent = current.condition?.parent, let next = self.param(named: parent), depth < params.count {
            depth += 1
            current = next
        }
        return depth
    }
}

extension TuningSpec {
    /// The first trial when the config gives `defaultValue`s (Vertex AI): each active parameter at
    /// its default, or at the middle of its range (unit coordinate ½) when it has none. nil when no
    /// parameter has a default.
    public var defaultPoint: Assignment? {
        guard params.contains(where: { $0.defaultValue != nil }) else { return nil }
        return point { _, param in param.defaultValue.flatMap(param.value(fromText:)) ?? param.value(atUnit: 0.5) }
    }
}
