/// One hyperparameter of the search space (Cloud ML's `ParameterSpec`).
public struct ParameterSpec: Sendable, Codable, Equatable {
    /// The flag name: the trial receives `--<name>=<value>`.
    public var name: String
    public var domain: Domain
    /// Vertex AI's `conditionalParameterSpecs` (and tune's extension of the Cloud ML shape): the
    /// parameter is active only when its parent takes one of the given values. nil: always active.
    public var condition: ParameterCondition?
    /// Vertex AI's `defaultValue`, as flag text: the first trial's value, and what trials of a
    /// warm-start job that lacked the parameter are taken to have had. nil: none given.
    public var defaultValue: String?

    public init(name: String, domain: Domain, condition: ParameterCondition? = nil, defaultValue: String? = nil) {
        self.name = name
        self.domain = domain
        self.condition = condition
        self.defaultValue = defaultValue
    }

    public enum Domain: Sendable, Codable, Equatable {
        /// `type: DOUBLE` with `minValue`/`maxValue`; min == max pins a constant.
        case double(min: Double, max: Double, scale: ScaleType)
        /// `type: INTEGER` with integral bounds.
        case integer(min: Int, max: Int, scale: ScaleType)
        /// `type: CATEGORICAL` with its `categoricalValues`.
        case categorical([String])
        /// `type: DISCRETE` with numbers in strictly increasing order, kept as written.
        case discrete([DiscreteValue])
    }

    /// `DOUBLE in [0.2, 0.6]`, `one of relu, tanh`.
    public var domainDescription: String {
        switch domain {
        case .double(let lo, let hi, _): return "DOUBLE in [\(lo), \(hi)]"
        case .integer(let lo, let hi, _): return "INTEGER in [\(lo), \(hi)]"
        case .categorical(let values): return "one of \(values.joined(separator: ", "))"
        case .discrete(let values): return "one of \(values.map(\.text).joined(separator: ", "))"
        }
    }

    /// Cloud ML's type name for this parameter.
    public var typeName: String {
        switch domain {
        case .double: return "DOUBLE"
        case .integer: return "INTEGER"
        case .categorical: return "CATEGORICAL"
        case .discrete: return "DISCRETE"
        }
    }
}

/// Cloud ML's `scaleType`. `none` is an absent scaleType or `NONE`; strategies treat it as linear.
public enum ScaleType: String, Sendable, Codable, CaseIterable {
    case none = "NONE"
    case linear = "UNIT_LINEAR_SCALE"
    case log = "UNIT_LOG_SCALE"
    case reverseLog = "UNIT_REVERSE_LOG_SCALE"
}

/// A DISCRETE value: the number, and the text the config wrote it as (`32`, `1e-3`), which is what the trial receives.
public struct DiscreteValue: Sendable, Codable, Equatable, Hashable {
    public var value: Double
    public var text: String

    public init(value: Double, text: String) {
        self.value = value
        self.text = text
    }
}

/// When a conditional parameter is active: its parent (a parameter listed before it) has one of
/// `parentValues`, written as the parent's flag text (`sgd`, `3`, `0.5` as the parent lists it).
public struct ParameterCondition: Sendable, Codable, Equatable {
    public var parent: String
    public var parentValues: [String]

    public init(parent: String, parentValues: [String]) {
        self.parent = parent
        self.parentValues = parentValues
    }
}
