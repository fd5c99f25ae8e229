import Yams

/// Vertex AI's `StudySpec.ParameterSpec` (google/cloud/aiplatform/v1/study.proto): `parameterId`,
/// exactly one of `doubleValueSpec`, `integerValueSpec`, `categoricalValueSpec` and
/// `discreteValueSpec` (each with its optional `defaultValue`), `scaleType`, and
/// `conditionalParameterSpecs`. Field names in lowerCamelCase or snake_case.
extension ParameterSpec {
    static let vertexKeys = ["parameterId", "scaleType", "conditionalParameterSpecs"] + vertexValueSpecs
    static let vertexValueSpecs = ["doubleValueSpec", "integerValueSpec", "categoricalValueSpec", "discreteValueSpec"]

    static func parseVertex(_ node: Node, label fallback: String, file: String) throws(SpecError) -> ParsedParameter {
        let unnamed = try ConfigMapping(node, what: fallback, file: file).camelCased()
        let label = unnamed["parameterId"]?.value.scalarText.flatMap { $0.isEmpty ? nil : $0 } ?? fallback
        let mapping = unnamed.prefixed("\(label): ")
        let cloudML = Dictionary(
            uniqueKeysWithValues: ["parameterName", "type", "minValue", "maxValue", "categoricalValues", "discreteValues"].map {
                ($0, "'\($0)' is Cloud ML's spelling: a Vertex AI parameter has parameterId and one of \(vertexValueSpecs.joined(separator: ", "))")
            } + SpecKeys.parentValues.map { ($0, "'\($0)' belongs in a conditionalParameterSpecs entry, beside parameterSpec") })
        try mapping.rejectUnknownKeys(allowed: vertexKeys, elsewhere: cloudML)
        let nameEntry = try mapping.required("parameterId", hint: "name the flag the trial receives")
        let name = try nameEntry.string()
        guard isFlagName(name) else {
            throw nameEntry.mismatch("a flag name (letters, digits, '_', '-' and '.', not starting with '-')")
        }
        let given = vertexValueSpecs.compactMap { mapping[$0] }
        guard let typeEntry = given.first else {
            throw mapping.error(key: "parameterId", "\(name) has no value spec", hint: "give one of \(vertexValueSpecs.joined(separator: ", "))")
        }
        if given.count > 1 {
            throw given[1].error("give one value spec, not \(given[0].key) and \(given[1].key)", atKey: true)
        }
        let scale = try vertexScale(mapping)
        let spec = try ConfigMapping(typeEntry.value, what: typeEntry.key, heldBy: typeEntry.keyNode, file: file, prefix: "\(label): ").camelCased()
        let domain: Domain
        switch typeEntry.key {
        case "doubleValueSpec":
            try spec.rejectUnknownKeys(allowed: ["minValue", "maxValue", "defaultValue"])
            let (min, max) = try bounds(spec, type: "DOUBLE", scale: scale)
            domain = .double(min: min.value, max: max.value, scale: scale)
        case "integerValueSpec":
            try spec.rejectUnknownKeys(allowed: ["minValue", "maxValue", "defaultValue"])
            let (min, max) = try bounds(spec, type: "INTEGER", scale: scale)
            domain = .integer(min: try integral(min), max: try integral(max), scale: scale)
        case "categoricalValueSpec":
            try spec.rejectUnknownKeys(allowed: ["values", "defaultValue"])
            try refuseScale(scale, mapping)
            domain = .categorical(try categoricalValues(spec, key: "values"))
        default:
            try spec.rejectUnknownKeys(allowed: ["values", "defaultValue"])
            domain = .discrete(try discreteValues(spec, key: "values"))
        }
        var parameter = ParameterSpec(name: name, domain: domain)
        parameter.defaultValue = try spec["defaultValue"].map { entry throws(SpecError) in try parameter.defaultText(entry) }
        return ParsedParameter(spec: parameter, nameEntry: nameEntry, typeEntry: typeEntry, mapping: mapping)
    }

    /// Vertex's `scaleType`: Cloud ML's names, plus `SCALE_TYPE_UNSPECIFIED` (no scale).
    private static func vertexScale(_ mapping: ConfigMapping) throws(SpecError) -> ScaleType {
        guard let entry = mapping["scaleType"] else { return .none }
        if entry.value.scalarText == "SCALE_TYPE_UNSPECIFIED" { return .none }
        return try entry.choice(ScaleType.self)
    }
}
