import Yams

/// A parameter read from the config, with the entries later checks point at.
struct ParsedParameter {
    let spec: ParameterSpec
    let nameEntry: ConfigEntry
    let typeEntry: ConfigEntry
}

/// Cloud ML's `ParameterSpec.type`.
private enum ParameterType: String, CaseIterable {
    case double = "DOUBLE"
    case integer = "INTEGER"
    case categorical = "CATEGORICAL"
    case discrete = "DISCRETE"

    /// The keys besides parameterName and type that apply to this type.
    var keys: [String] {
        switch self {
        case .double, .integer: return ["minValue", "maxValue", "scaleType"]
        case .categorical: return ["categoricalValues", "scaleType"]
        case .discrete: return ["discreteValues", "scaleType"]
        }
    }

    var takes: String {
        switch self {
        case .double, .integer: return "minValue, maxValue and scaleType"
        case .categorical: return "categoricalValues"
        case .discrete: return "discreteValues"
        }
    }
}

extension ParameterSpec {
    /// Reads entry `index` (0-based) of `params`.
    static func parse(_ node: Node, index: Int, file: String) throws(SpecError) -> ParsedParameter {
        let unnamed = try ConfigMapping(node, what: "params entry \(index + 1)", file: file)
        let label =
            unnamed["parameterName"]?.value.scalarText.flatMap { $0.isEmpty ? nil : $0 }
            ?? "params entry \(index + 1)"
        let mapping = unnamed.prefixed("\(label): ")
        try mapping.rejectUnknownKeys(allowed: SpecKeys.parameter, elsewhere: specKeyHints)

        let nameEntry = try mapping.required("parameterName", hint: "name the flag the trial receives")
        let name = try nameEntry.string()
        guard isFlagName(name) else {
            throw nameEntry.mismatch(
                "a flag name (letters, digits, '_', '-' and '.', not starting with '-')")
        }
        let typeEntry = try mapping.required("type", hint: "type is DOUBLE, INTEGER, CATEGORICAL or DISCRETE")
        let type = try typeEntry.choice(ParameterType.self)
        for entry in mapping.entries where !["parameterName", "type"].contains(entry.key) && !type.keys.contains(entry.key) {
            throw entry.error(
                "\(entry.key) does not apply to a \(type.rawValue) parameter",
                hint: "a \(type.rawValue) parameter takes \(type.takes)", atKey: true)
        }
        let scale = try mapping["scaleType"]?.choice(ScaleType.self) ?? .none

        let domain: Domain
        switch type {
        case .double:
            let (min, max) = try bounds(mapping, type: type, scale: scale)
            domain = .double(min: min.value, max: max.value, scale: scale)
        case .integer:
            let (min, max) = try bounds(mapping, type: type, scale: scale)
            domain = .integer(min: try integral(min, in: mapping), max: try integral(max, in: mapping), scale: scale)
        case .categorical:
            if scale != .none, let entry = mapping["scaleType"] {
                throw entry.error(
                    "scaleType \(scale.rawValue) does not apply to a CATEGORICAL parameter",
                    hint: "remove it or write NONE", atKey: true)
            }
            domain = .categorical(try categoricalValues(mapping))
        case .discrete:
            // Cloud ML tolerates a scaleType on DISCRETE; it changes nothing.
            domain = .discrete(try discreteValues(mapping))
        }
        return ParsedParameter(spec: ParameterSpec(name: name, domain: domain), nameEntry: nameEntry, typeEntry: typeEntry)
    }

    /// Where a spec key written inside a parameter belongs.
    private static let specKeyHints = Dictionary(
        uniqueKeysWithValues: SpecKeys.spec.map {
            ($0, "'\($0)' belongs beside params, not inside a parameter")
        } + [(SpecKeys.launcher, "'launcher' belongs at the top level of the file, not inside a parameter")])

    /// Letters, digits, `_`, `-` and `.`, not starting with `-`: it becomes `--<name>=<value>`.
    static func isFlagName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != "-" else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || $0 == "_" || $0 == "-" || $0 == "."
        }
    }

    private typealias Bound = (value: Double, text: String, entry: ConfigEntry)

    private static func bounds(_ mapping: ConfigMapping, type: ParameterType, scale: ScaleType) throws(SpecError) -> (Bound, Bound) {
        let needs = "a \(type.rawValue) parameter needs minValue and maxValue"
        let minEntry = try mapping.required("minValue", hint: needs)
        let maxEntry = try mapping.required("maxValue", hint: needs)
        let min = try minEntry.number()
        let max = try maxEntry.number()
        if min.value > max.value {
            throw minEntry.error("minValue \(min.text) is not below maxValue \(max.text)", atKey: true)
        }
        if scale == .log || scale == .reverseLog, min.value <= 0 {
            throw minEntry.error("\(scale.rawValue) needs minValue > 0, got \(min.text)", atKey: true)
        }
        return ((min.value, min.text, minEntry), (max.value, max.text, maxEntry))
    }

    private static func integral(_ bound: Bound, in mapping: ConfigMapping) throws(SpecError) -> Int {
        guard let value = ConfigNumber.integer(bound.text) else {
            throw bound.entry.mismatch("an integer for an INTEGER parameter", hint: ConfigNumber.problem(bound.text, integer: true))
        }
        return value
    }

    private static func categoricalValues(_ mapping: ConfigMapping) throws(SpecError) -> [String] {
        let entry = try mapping.required("categoricalValues", hint: "list the values the parameter takes")
        var values: [String] = []
        // Each value's node, for the duplicate check in linear time (8,000 values took 18 s with a list scan).
        var nodes: [String: Node] = [:]
        for node in try entry.list() {
            guard let text = node.scalarText else {
                throw entry.error(at: node, "categoricalValues must hold strings, got \(node.shown)")
            }
            if let first = nodes[text] {
                throw entry.error(
                    at: node, "duplicate categorical value '\(text)'",
                    hint: first.mark.map { "first given at line \($0.line)" })
            }
            nodes[text] = node
            values.append(text)
        }
        return values
    }

    private static func discreteValues(_ mapping: ConfigMapping) throws(SpecError) -> [DiscreteValue] {
        let entry = try mapping.required("discreteValues", hint: "list the numbers the parameter takes")
        var values: [DiscreteValue] = []
        for node in try entry.list() {
            guard let text = node.scalarText, let value = ConfigNumber.double(text) else {
                let finite = node.scalarText.map(ConfigNumber.isNonFinite) == true ? "finite " : ""
                throw entry.error(
                    at: node, "discreteValues must hold \(finite)numbers, got \(node.shown)",
                    hint: node.scalarText.flatMap { ConfigNumber.problem($0, integer: false) })
            }
            if let last = values.last, value <= last.value {
                throw entry.error(
                    at: node, "discreteValues must increase strictly: \(text) follows \(last.text)",
                    hint: "list the values in increasing order, each once")
            }
            values.append(DiscreteValue(value: value, text: text))
        }
        return values
    }
}
