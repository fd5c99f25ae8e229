import Yams

/// How a parameter is written: Cloud ML's `ParameterSpec` (`parameterName`, `type`, …) or Vertex
/// AI's (`parameterId`, `doubleValueSpec`, …).
enum ParameterDialect {
    case cloudML
    case vertex

    var nameKey: String { self == .cloudML ? "parameterName" : "parameterId" }
    var listKey: String { self == .cloudML ? "params" : "parameters" }
}

/// Reads a list of parameters with their conditional children into the spec's flat list: each
/// parent before its children, depth first, in the order the config gives them.
///
/// Two ways to write a condition, both checked the same way:
/// - nested, as Vertex AI does, in both shapes: the parent's `conditionalParameterSpecs` lists
///   `{parentCategoricalValues | parentIntValues | parentDiscreteValues: {values: […]},
///   parameterSpec: {…}}` (a plain list of values is accepted too);
/// - flat, in the Cloud ML shape only (tune extension): the child is a `params` entry of its own
///   naming its parent, `parentParameter: optimizer` with `parentCategoricalValues: [sgd]`.
enum ParameterTree {
    static func parse(_ entry: ConfigEntry, dialect: ParameterDialect) throws(SpecError) -> [ParsedParameter] {
        var declared: [ParsedParameter] = []
        for (index, node) in try entry.list().enumerated() {
            try read(node, label: "\(dialect.listKey) entry \(index + 1)", parent: nil, dialect: dialect, file: entry.file, into: &declared)
        }
        // Names are unique across the whole tree: a child may not shadow another parameter.
        var indexByName: [String: Int] = [:]
        for (index, parameter) in declared.enumerated() {
            if let first = indexByName[parameter.spec.name].map({ declared[$0] }) {
                throw SpecError(
                    file: entry.file, at: parameter.nameEntry.value, key: parameter.nameEntry.key,
                    message: "duplicate parameter name '\(parameter.spec.name)'",
                    hint: first.nameEntry.value.mark.map { "first defined at line \($0.line)" })
            }
            indexByName[parameter.spec.name] = index
        }
        // Flat conditions name their parent: it must exist, take values, and not lead back to the child.
        for index in declared.indices where declared[index].spec.condition == nil {
            guard let parentEntry = declared[index].mapping["parentParameter"] else { continue }
            let name = try parentEntry.string()
            guard let parentIndex = indexByName[name] else {
                let names = declared.map(\.spec.name)
                throw parentEntry.error(
                    "parentParameter '\(name)' is not a parameter of this config",
                    hint: KeySuggestion.closest(to: name, among: names).map { "did you mean '\($0)'?" }
                        ?? "its parameters are \(names.joined(separator: ", "))")
            }
            guard parentIndex != index else {
                throw parentEntry.error("\(name) cannot be its own parent", hint: "name another parameter, or remove parentParameter")
            }
            declared[index].spec.condition = try condition(
                in: declared[index].mapping, parent: declared[parentIndex], required: true, place: parentEntry)
        }
        try rejectCycles(declared, indexByName: indexByName)
        return ordered(declared, indexByName: indexByName)
    }

    /// Reads one parameter and, depth first, the conditional parameters nested in it.
    private static func read(
        _ node: Node, label: String, parent: ParsedParameter?, dialect: ParameterDialect, file: String,
        into declared: inout [ParsedParameter]
    ) throws(SpecError) {
        var parameter: ParsedParameter
        switch dialect {
        case .cloudML: parameter = try ParameterSpec.parse(node, label: label, file: file)
        case .vertex: parameter = try ParameterSpec.parseVertex(node, label: label, file: file)
        }
        if let parent {
            if let flat = parameter.mapping["parentParameter"] {
                throw flat.error(
                    "a parameter nested in \(parent.spec.name)'s conditionalParameterSpecs has its parent already",
                    hint: "remove parentParameter", atKey: true)
            }
        } else if dialect == .vertex || parameter.mapping["parentParameter"] == nil,
            let stray = SpecKeys.parentValues.compactMap({ parameter.mapping[$0] }).first
        {
            let hint =
                dialect == .cloudML
                ? "name the parent with parentParameter, or nest this parameter in its parent's conditionalParameterSpecs"
                : "nest this parameter in its parent's conditionalParameterSpecs"
            throw stray.error("\(stray.key) needs a parent", hint: hint, atKey: true)
        }
        declared.append(parameter)
        guard let nested = parameter.mapping["conditionalParameterSpecs"] else { return }
        for (index, element) in try nested.list().enumerated() {
            let what = "\(parameter.spec.name): conditionalParameterSpecs entry \(index + 1)"
            var holder = try ConfigMapping(element, what: what, file: file, prefix: "\(what): ")
            if dialect == .vertex { holder = try holder.camelCased() }
            try holder.rejectUnknownKeys(allowed: SpecKeys.parentValues + ["parameterSpec"])
            let childEntry = try holder.required("parameterSpec", hint: "give the conditional parameter under parameterSpec")
            let start = declared.count
            try read(childEntry.value, label: what, parent: parameter, dialect: dialect, file: file, into: &declared)
            declared[start].spec.condition = try condition(in: holder, parent: parameter, required: true, place: childEntry)
        }
    }

    /// The condition `holder` states on `parent`: exactly one of the three `parent…Values` keys,
    /// the one for the parent's type, with values the parent takes (stored as its flag text).
    static func condition(in holder: ConfigMapping, parent: ParsedParameter, required: Bool, place: ConfigEntry) throws(SpecError) -> ParameterCondition {
        let given = SpecKeys.parentValues.compactMap { holder[$0] }
        let parentSpec = parent.spec
        let wanted: String
        switch parentSpec.domain {
        case .categorical: wanted = "parentCategoricalValues"
        case .integer: wanted = "parentIntValues"
        case .discrete: wanted = "parentDiscreteValues"
        case .double:
            throw place.error(
                "\(parentSpec.name) is a DOUBLE parameter, which cannot be a parent",
                hint: "conditions take a CATEGORICAL, INTEGER or DISCRETE parent", atKey: true)
        }
        guard let entry = given.first else {
            throw place.error("missing \(wanted): the values of \(parentSpec.name) under which this parameter is active", atKey: true)
        }
        if given.count > 1 {
            throw given[1].error("give one of \(SpecKeys.parentValues.joined(separator: ", ")), not several", atKey: true)
        }
        guard entry.key == wanted else {
            let kind = entry.key == "parentCategoricalValues" ? "a categorical" : "a numeric"
            throw entry.error(
                "\(entry.key) is \(kind) condition, but \(parentSpec.name) is \(parentSpec.typeName)",
                hint: "write \(wanted) with values of \(parentSpec.name) (\(parentSpec.domainDescription))", atKey: true)
        }
        var values: [String] = []
        for node in try valueList(entry) {
            guard let text = node.scalarText else {
                throw entry.error(at: node, "\(entry.key) must hold values of \(parentSpec.name), got \(node.shown)")
            }
            guard let value = parentValue(text, of: parentSpec) else {
                throw entry.error(
                    at: node, "\(text) is not a value of \(parentSpec.name) (\(parentSpec.domainDescription))",
                    hint: "list values the parent takes")
            }
            if !values.contains(value) { values.append(value) }
        }
        return ParameterCondition(parent: parentSpec.name, parentValues: values)
    }

    /// Vertex's `{values: [...]}`, or a plain list.
    private static func valueList(_ entry: ConfigEntry) throws(SpecError) -> [Node] {
        guard case .mapping = entry.value else { return try entry.list() }
        let mapping = try ConfigMapping(entry.value, what: entry.key, heldBy: entry.keyNode, file: entry.file, prefix: entry.prefix).camelCased()
        try mapping.rejectUnknownKeys(allowed: ["values"])
        return try mapping.required("values", hint: "list the parent's values").list()
    }

    /// The parent's flag text for condition value `text`; nil when the parent does not take it.
    private static func parentValue(_ text: String, of parent: ParameterSpec) -> String? {
        switch parent.domain {
        case .categorical(let values): return values.contains(text) ? text : nil
        case .integer(let lo, let hi, _):
            guard let n = ConfigNumber.integer(text), n >= lo, n <= hi else { return nil }
            return String(n)
        case .discrete(let values):
            guard let x = ConfigNumber.double(text) else { return nil }
            return values.first { $0.value == x }?.text
        case .double: return nil
        }
    }

    private static func rejectCycles(_ declared: [ParsedParameter], indexByName: [String: Int]) throws(SpecError) {
        for start in declared.indices {
            var path = [declared[start].spec.name]
            var current = declared[start].spec
            while let parent = current.condition?.parent, let next = indexByName[parent] {
                if next == start {
                    let entry = declared[start].mapping["parentParameter"] ?? declared[start].nameEntry
                    throw entry.error(
                        "conditions form a cycle: \((path + [path[0]]).joined(separator: " → "))",
                        hint: "a parameter's parent must not depend on the parameter itself")
                }
                if path.count > declared.count { break }
                path.append(parent)
                current = declared[next].spec
            }
        }
    }

    /// Parents before children: each root in the config's order, then its children's subtrees.
    private static func ordered(_ declared: [ParsedParameter], indexByName: [String: Int]) -> [ParsedParameter] {
        var children: [String: [Int]] = [:]
        var roots: [Int] = []
        for (index, parameter) in declared.enumerated() {
            if let parent = parameter.spec.condition?.parent {
                children[parent, default: []].append(index)
            } else {
                roots.append(index)
            }
        }
        var out: [ParsedParameter] = []
        out.reserveCapacity(declared.count)
        var stack = Array(roots.reversed())
        while let index = stack.popLast() {
            out.append(declared[index])
            stack += (children[declared[index].spec.name] ?? []).reversed()
        }
        return out
    }
}
