import Yams

/// A parameter read from the config, with the entries later checks point at.
struct ParsedParameter {
    var spec: ParameterSpec
    let nameEntry: ConfigEntry
    let typeEntry: ConfigEntry
    /// The mapping it was read from (conditions and nested parameters are read from it too).
    let mapping: ConfigMapping
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
        case .double, .integer: return ["minValue", "maxValue", "scaleType", "defaultValue"]
        case .categorical: return ["categoricalValues", "scaleType", "defaultValue"]
        case .discrete: return ["discreteValues", "scaleType", "defaultValue"]
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
    /// Reads one Cloud ML parameter; `label` names it in messages until its name is known.
    static func parse(_ node: Node, label fallback: String, file: String) throws(SpecError) -> ParsedParameter {
        let unnamed = try ConfigMapping(node, what: fallback, file: file)
        let label =
            unnamed["parameterName"]?.value.scalarText.flatMap { $0.isEmpty ? nil : $0 }
            ?? fallback
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
        for entry in mapping.entries
        where !["parameterName", "type"].contains(entry.key) && !type.keys.contains(entry.key) && !SpecKeys.condition.contains(entry.key) {
            throw entry.error(
                "\(entry.key) does not apply to a \(type.rawValue) parameter",
                hint: "a \(type.rawValue) parameter takes \(type.takes)", atKey: true)
        }
        let scale = try mapping["scaleType"]?.choice(ScaleType.self) ?? .none

        let domain: Domain
        switch type {
        case .double:
            let (min, max) = try bounds(mapping, type: type.rawValue, scale: scale)
            domain = .double(min: min.value, max: max.value, scale: scale)
        case .integer:
            let (min, max) = try bounds(mapping, type: type.rawValue, scale: scale)
            domain = .integer(min: try integral(min), max: try integral(max), scale: scale)
        case .categorical:
            try refuseScale(scale, mapping)
            domain = .categorical(try categoricalValues(mapping, key: "categoricalValues"))
        case .discrete:
            // Cloud ML tolerates a scaleType on DISCRETE; it changes nothing.
            domain = .discrete(try discreteValues(mapping, key: "discreteValues"))
        }
        var spec = ParameterSpec(name: name, domain: domain)
        spec.defaultValue = try mapping["defaultValue"].map { entry throws(SpecError) in try spec.defaultText(entry) }
        return ParsedParameter(spec: spec, nameEntry: nameEntry, typeEntry: typeEntry, mapping: mapping)
    }

    /// A scaleType other than NONE on a CATEGORICAL parameter is an error.
    static func refuseScale(_ scale: ScaleType, _ mapping: ConfigMapping) throws(SpecError) {
        if scale != .none, let entry = mapping["scaleType"] {
            throw entry.error(
                "scaleType \(scale.rawValue) does not apply to a CATEGORICAL parameter",
                hint: "remove it or write NONE", atKey: true)
        }
    }

    /// `defaultValue`, checked against the domain, as the flag text the trial would receive.
    func defaultText(_ entry: ConfigEntry) throws(SpecError) -> String {
        let text = try entry.text(expected: "a value of \(name)")
        switch domain {
        case .double(let lo, let hi, _):
            // As the trial gets a DOUBLE: Swift's shortest round-trip text (`ParameterValue.format`).
            if let x = ConfigNumber.double(text), x >= lo, x <= hi { return "\(x)" }
        case .integer(let lo, let hi, _):
            if let n = ConfigNumber.integer(text), n >= lo, n <= hi { return String(n) }
        case .categorical(let values):
            if values.contains(text) { return text }
        case .discrete(let values):
            if let x = ConfigNumber.double(text), let hit = values.first(where: { $0.value == x }) { return hit.text }
        }
        throw entry.error(
            "defaultValue \(entry.value.shown) is not a value of \(name) (\(domainDescription))",
            hint: "give a value the parameter can take, or leave defaultValue out")
    }

    /// Where a spec key written inside a parameter belongs.
    static let specKeyHints = Dictionary(
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

    typealias Bound = (value: Double, text: String, entry: ConfigEntry)

    static func bounds(_ mapping: ConfigMapping, type: String, scale: ScaleType) throws(SpecError) -> (Bound, Bound) {
        let needs = "a \(type) parameter needs minValue and maxValue"
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

    static func integral(_ bound: Bound) throws(SpecError) -> Int {
        guard let value = ConfigNumber.integer(bound.text) else {
            throw bound.entry.mismatch("an integer for an INTEGER parameter", hint: ConfigNumber.problem(bound.text, integer: true))
        }
        return value
    }

    static func categoricalValues(_ mapping: ConfigMapping, key: String) throws(SpecError) -> [String] {
        let entry = try mapping.required(key, hint: "list the values the parameter takes")
        var values: [String] = []
        // Each value's node, for the duplicate check in linear time (8,000 values took 18 s with a list scan).
        var nodes: [String: Node] = [:]
        for node in try entry.list() {
            guard let text = node.scalarText else {
                throw entry.error(at: node, "\(key) must hold strings, got \(node.shown)")
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

    static func discreteValues(_ mapping: ConfigMapping, key: String) throws(SpecError) -> [DiscreteValue] {
        let entry = try mapping.required(key, hint: "list the numbers the parameter takes")
        var values: [DiscreteValue] = []
        for node in try entry.list() {
            guard let text = node.scalarText, let value = ConfigNumber.double(text) else {
                let finite = node.scalarText.map(ConfigNumber.isNonFinite) == true ? "finite " : ""
                throw entry.error(
                    at: node, "\(key) must hold \(finite)numbers, got \(node.shown)",
                    hint: node.scalarText.flatMap { ConfigNumber.problem($0, integer: false) })
            }
            if let last = values.last, value <= last.value {
                throw entry.error(
                    at: node, "\(key) must increase strictly: \(text) follows \(last.text)",
                    hint: "list the values in increasing order, each once")
            }
            values.append(DiscreteValue(value: value, text: text))
        }
        return values
    }
}
