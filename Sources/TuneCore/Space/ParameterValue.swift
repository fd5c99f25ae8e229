import Foundation

/// A value of one hyperparameter, as a trial receives it.
public enum ParameterValue: Sendable, Hashable {
    case double(Double)
    case integer(Int)
    case categorical(String)
    case discrete(DiscreteValue)

    /// The text after `--name=`: DOUBLE with full round-trip precision, INTEGER as an integer,
    /// DISCRETE as written in the config, CATEGORICAL as the string.
    public var text: String {
        switch self {
        case .double(let x): return ParameterValue.format(x)
        case .integer(let n): return String(n)
        case .categorical(let s): return s
        case .discrete(let d): return d.text
        }
    }

    /// The number, for numeric kinds.
    public var number: Double? {
        switch self {
        case .double(let x): return x
        case .integer(let n): return Double(n)
        case .categorical: return nil
        case .discrete(let d): return d.value
        }
    }

    /// Shortest text that reads back as the same Double (`0.2011`, `1e-05`, `3.0`).
    public static func format(_ x: Double) -> String {
        "\(x)"
    }
}

extension ParameterSpec {
    /// Reads a value back from its flag text (the journal stores values as text). nil if it is not a value of this parameter.
    public func value(fromText text: String) -> ParameterValue? {
        switch domain {
        case .double:
            return Double(text).map(ParameterValue.double)
        case .integer:
            return Int(text).map(ParameterValue.integer)
        case .categorical(let values):
            return values.contains(text) ? .categorical(text) : nil
        case .discrete(let values):
            if let hit = values.first(where: { $0.text == text }) { return .discrete(hit) }
            guard let x = Double(text), let hit = values.first(where: { $0.value == x }) else { return nil }
            return .discrete(hit)
        }
    }
}
