/// One hyperparameter of the search space (Cloud ML's `ParameterSpec`).
public struct ParameterSpec: Sendable, Codable, Equatable {
    /// The flag name: the trial receives `--<name>=<value>`.
    public var name: String
    public var domain: Domain

    public init(name: String, domain: Domain) {
        self.name = name
        self.domain = domain
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
