/// Proposes given points, in order, each once: for running chosen configurations (`tune probe`).
public struct FixedStrategy: SearchStrategy {
    public let points: [Assignment]
    public var name: String { "fixed points" }

    public init(points: [Assignment]) {
        self.points = points
    }

    public func propose(count: Int, firstTrialId: Int, history: [TrialObservation]) -> [Assignment] {
        Array(points.dropFirst(history.count).prefix(count))
    }
}

extension TuningSpec {
    /// The middle of the search space: each parameter at unit coordinate ½ (the geometric middle
    /// of a log range, the middle category), with `overrides` (name → flag text) applied; in a
    /// conditional space, only the parameters active at that point.
    /// Throws a message naming the parameter when an override is unknown or out of its domain.
    public func midpoint(overriding overrides: [String: String]) throws(SpaceError) -> Assignment {
        for name in overrides.keys where param(named: name) == nil {
            throw SpaceError("--set \(name)=…: the config has no parameter '\(name)'; its parameters are \(params.map(\.name).joined(separator: ", "))")
        }
        let middle = try point { (_, param) throws(SpaceError) -> ParameterValue? in
            guard let text = overrides[param.name] else { return param.value(atUnit: 0.5) }
            guard let value = param.value(fromText: text), param.contains(value) else {
                throw SpaceError("--set \(param.name)=\(text): not a value of \(param.name) (\(param.domainDescription))")
            }
            return value
        }!
        // An override of a parameter the point does not hold: its condition is not met there.
        for param in params where overrides[param.name] != nil && middle[param.name] == nil {
            if let condition = param.condition {
                throw SpaceError(
                    "--set \(param.name)=\(overrides[param.name]!): \(param.name) is active only when \(condition.parent) is \(condition.parentValues.joined(separator: " or ")), which this point's \(condition.parent) is not"
                )
            }
        }
        return middle
    }
}

extension ParameterSpec {
    /// Whether `value` lies in this parameter's domain.
    public func contains(_ value: ParameterValue) -> Bool {
        switch (domain, value) {
        case (.double(let lo, let hi, _), .double(let x)): return x >= lo && x <= hi
        case (.integer(let lo, let hi, _), .integer(let n)): return n >= lo && n <= hi
        case (.categorical(let values), .categorical(let s)): return values.contains(s)
        case (.discrete(let values), .discrete(let d)): return values.contains(d)
        default: return false
        }
    }
}

/// A value that does not fit the search space, said for a person.
public struct SpaceError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
