/// One point of the search space: a value for every parameter active there, in the spec's order.
public struct Assignment: Sendable, Hashable {
    public var names: [String]
    public var values: [ParameterValue]

    public init(_ pairs: [(String, ParameterValue)]) {
        names = pairs.map(\.0)
        values = pairs.map(\.1)
    }

    public subscript(name: String) -> ParameterValue? {
        names.firstIndex(of: name).map { values[$0] }
    }

    /// `--name=value` for every parameter it holds (the active ones), in the spec's order.
    public var flags: [String] {
        zip(names, values).map { "--\($0)=\($1.text)" }
    }

    /// Name → flag text, as the journal and Cloud ML's HyperparameterOutput hold it.
    public var textValues: [String: String] {
        Dictionary(uniqueKeysWithValues: zip(names, values.map(\.text)))
    }

    /// Rebuilds an assignment from stored text values; nil if an active parameter's value is
    /// missing or does not fit the spec. Values of parameters inactive at this point are dropped.
    public init?(textValues: [String: String], spec: TuningSpec) {
        guard let point = spec.point(choosing: { _, param in textValues[param.name].flatMap(param.value(fromText:)) }) else { return nil }
        self = point
    }
}
