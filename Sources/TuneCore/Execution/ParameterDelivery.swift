import Foundation

/// A trial's parameters as its style delivers them: argv words after the command, environment
/// variables, and the values of the command's parameter placeholders. Built from the journal's
/// text values, so a trial run again receives byte-identical values.
public struct ParameterDelivery: Sendable {
    /// Words after the user's arguments (and `--job-dir`), in the spec's order.
    public var arguments: [String] = []
    /// `env` style: (variable, value) in the spec's order.
    public var environment: [(name: String, value: String)] = []
    /// `template` style: `{name}` → value for the trial's active parameters.
    public var placeholders: [String: String] = [:]
    /// `template` style: parameters the trial lacks (inactive in a conditional space); an argument
    /// naming one of them is left out.
    public var inactive: Set<String> = []

    public init() {}

    public init(parameters: [String: String], spec: TuningSpec) {
        let present = spec.params.compactMap { p in parameters[p.name].map { (p.name, $0) } }
        switch spec.parameterStyle ?? .equals {
        case .equals: arguments = TrialArguments.flags(parameters: parameters, spec: spec)
        case .separate: arguments = present.flatMap { ["--\($0.0)", $0.1] }
        case .bare: arguments = present.map { "\($0.0)=\($0.1)" }
        case .environment: environment = present.map { (Self.variableName($0.0), $0.1) }
        case .template:
            placeholders = Dictionary(present.map { ("{\($0.0)}", $0.1) }, uniquingKeysWith: { a, _ in a })
            inactive = Set(spec.params.map(\.name).filter { parameters[$0] == nil })
        }
    }

    /// One more value, delivered like a parameter in `style` (`tune confirm`'s seed under the
    /// trainer's own seed flag); in `template` style, filled where the command says `{name}`.
    public mutating func add(_ name: String, value: String, style: ParameterStyle?) {
        switch style ?? .equals {
        case .equals: arguments.append("--\(name)=\(value)")
        case .separate: arguments += ["--\(name)", value]
        case .bare: arguments.append("\(name)=\(value)")
        case .environment: environment.append((Self.variableName(name), value))
        case .template: placeholders["{\(name)}"] = value
        }
    }

    public var environmentVariables: [String: String] {
        Dictionary(environment.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// `env` style's variable: `TUNE_PARAM_` and the name upper-cased, any character other than a
    /// letter, digit or `_` written `_` (`learning-rate` → `TUNE_PARAM_LEARNING_RATE`). The prefix
    /// keeps a parameter named `path` or `home` from replacing the trial's `PATH` or `HOME`.
    public static func variableName(_ name: String) -> String {
        "TUNE_PARAM_" + String(name.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    /// The trial's parameters as a JSON object in the spec's order: INTEGER, DOUBLE and DISCRETE
    /// values as numbers, with the journal's text where JSON reads it as written (`2.50`, `1e-3`),
    /// CATEGORICAL as strings (`{"lr":0.01,"units":64,"activation":"relu"}`).
    public static func paramsJSON(parameters: [String: String], spec: TuningSpec) -> Data {
        let members = spec.params.compactMap { p -> String? in
            guard let text = parameters[p.name] else { return nil }
            let value: String
            switch p.domain {
            case .categorical: value = jsonString(text)
            case .integer, .double, .discrete:
                value = isJSONNumber(text) ? text : Double(text).flatMap { $0.isFinite ? "\($0)" : nil } ?? jsonString(text)
            }
            return jsonString(p.name) + ":" + value
        }
        return Data(("{" + members.joined(separator: ",") + "}\n").utf8)
    }

    static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed, .withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }

    /// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func isJSONNumber(_ text: String) -> Bool {
        text.wholeMatch(of: /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/) != nil
    }

    /// The `{name}` placeholders in `argument` (letters, digits, `_`, `-`, `.`); `${name}`, a
    /// shell's variable, is not one.
    public static func placeholderNames(in argument: String) -> [String] {
        var names: [String] = []
        var index = argument.startIndex
        while let open = argument[index...].firstIndex(of: "{") {
            index = argument.index(after: open)
            if open > argument.startIndex, argument[argument.index(before: open)] == "$" { continue }
            guard let close = argument[index...].firstIndex(where: { $0 == "}" || $0 == "{" }), argument[close] == "}" else { continue }
            let name = argument[index..<close]
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else { continue }
            names.append(String(name))
            index = argument.index(after: close)
        }
        return names
    }

    /// The style a job runs with: the config's, or `template` when it gives none and the command's
    /// arguments hold a placeholder naming a parameter (`lr={lr}`). With `template`, every
    /// placeholder must name a parameter or one of tune's own (`{trial_dir}`, …); the error says
    /// which does not.
    public static func resolvedStyle(spec: TuningSpec, command: [String]) throws(ParameterStyleError) -> ParameterStyle? {
        let names = command.dropFirst().flatMap(placeholderNames)
        let parameters = Set(spec.params.map(\.name))
        let style = spec.parameterStyle ?? (names.contains(where: parameters.contains) ? .template : nil)
        guard style == .template else { return style }
        let own = Set(TrialArguments.placeholders.map { String($0.dropFirst().dropLast()) })
        if let clash = spec.params.first(where: { own.contains($0.name) }) {
            throw ParameterStyleError(
                message: "parameter \(clash.name) has the name of tune's own placeholder {\(clash.name)}, so the template cannot name it: rename the parameter")
        }
        if let unknown = names.first(where: { !parameters.contains($0) && !own.contains($0) }) {
            let known = spec.params.map { "{\($0.name)}" }.joined(separator: ", ")
            let hint = KeySuggestion.closest(to: unknown, among: spec.params.map(\.name)).map { ": did you mean {\($0)}?" } ?? ""
            throw ParameterStyleError(
                message:
                    "the command's placeholder {\(unknown)} names no parameter (the parameters are \(known); tune's own are \(TrialArguments.placeholders.joined(separator: ", ")))\(hint)"
            )
        }
        if names.isEmpty {
            throw ParameterStyleError(
                message: "parameterStyle: template, but the command holds no placeholder: write the parameters into it, e.g. lr={\(spec.params.first?.name ?? "lr")}")
        }
        return .template
    }
}

public struct ParameterStyleError: Error, Sendable {
    public var message: String
}
