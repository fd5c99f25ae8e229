import Foundation
import Yams

// Reading a composed YAML tree (`Yams.Node`) as config values, every failure a located `SpecError`.

extension SpecError {
    /// An error placed at `node`'s line and column.
    init(file: String, at node: Node?, key: String?, message: String, hint: String? = nil) {
        self.init(file: file, line: node?.mark?.line, column: node?.mark?.column, key: key, message: message, hint: hint)
    }
}

extension Node {
    /// A plain `~`, `null` or empty value.
    var isNull: Bool {
        guard case .scalar(let scalar) = self, scalar.style == .plain || scalar.style == .any else { return false }
        return Self.nullSpellings.contains(scalar.string)
    }

    private static let nullSpellings: Set<String> = ["", "~", "null", "Null", "NULL"]

    /// The value as a message shows it: `'ten'`, `a list`, `a mapping`, `nothing`.
    var shown: String {
        switch self {
        case .scalar(let scalar): return isNull ? "nothing" : "'\(scalar.string)'"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        }
    }

    /// The text of a non-null scalar, trimmed.
    var scalarText: String? {
        guard case .scalar(let scalar) = self, !isNull else { return nil }
        let text = scalar.string
        // Most values have nothing to trim: skip Foundation (a fifth of a 10,000-parameter load).
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
            first.properties.isWhitespace || last.properties.isWhitespace
        else { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// One `key: value` of a config mapping, with what is needed to report a problem with it.
struct ConfigEntry {
    let key: String
    let keyNode: Node
    let value: Node
    let file: String
    /// Put before messages about this entry, e.g. `lr: ` inside a parameter.
    let prefix: String

    /// An error about this entry, at its value (or at its key when the problem is the key's presence).
    func error(_ message: String, hint: String? = nil, atKey: Bool = false) -> SpecError {
        SpecError(file: file, at: atKey ? keyNode : value, key: key, message: prefix + message, hint: hint)
    }

    /// An error about one element of this entry's list value.
    func error(at element: Node, _ message: String, hint: String? = nil) -> SpecError {
        SpecError(file: file, at: element, key: key, message: prefix + message, hint: hint)
    }

    func mismatch(_ expected: String, hint: String? = nil) -> SpecError {
        error("\(key) must be \(expected), got \(value.shown)", hint: hint)
    }

    /// The value's text; a list, mapping or null is an error naming `expected`.
    func text(expected: String) throws(SpecError) -> String {
        guard let text = value.scalarText else { throw mismatch(expected) }
        return text
    }

    func string() throws(SpecError) -> String {
        let text = try text(expected: "a string")
        guard !text.isEmpty else { throw mismatch("a non-empty string") }
        return text
    }

    /// An integer `>= minimum`, written plainly, quoted (`"10"`) or as an integral number (`10.0`).
    func integer(atLeast minimum: Int, expected: String) throws(SpecError) -> Int {
        let text = try text(expected: expected)
        guard let number = ConfigNumber.integer(text), number >= minimum else {
            throw mismatch(expected, hint: ConfigNumber.problem(text, integer: true))
        }
        return number
    }

    /// An integer from `minimum` to `bound.value`; above it, an error saying the bound and why it is there
    /// (`bound.reason`), so that no later sum or product of config values can overflow.
    func integer(atLeast minimum: Int, atMost bound: ConfigLimits.Bound, expected: String) throws(SpecError) -> Int {
        let number = try integer(atLeast: minimum, expected: expected)
        guard number <= bound.value else {
            throw error("\(key) must be at most \(bound.value), got \(value.shown)", hint: bound.reason)
        }
        return number
    }

    func unsigned(expected: String) throws(SpecError) -> UInt64 {
        let text = try text(expected: expected)
        if let number = UInt64(text) { return number }
        if let number = ConfigNumber.integer(text), number >= 0 { return UInt64(number) }
        throw mismatch(expected, hint: ConfigNumber.problem(text, integer: true))
    }

    /// A finite number and its text as written.
    func number() throws(SpecError) -> (value: Double, text: String) {
        let text = try text(expected: "a number")
        guard let value = ConfigNumber.double(text) else {
            throw mismatch(ConfigNumber.isNonFinite(text) ? "a finite number" : "a number", hint: ConfigNumber.problem(text, integer: false))
        }
        return (value, text)
    }

    func bool() throws(SpecError) -> Bool {
        let text = try text(expected: "true or false")
        switch text {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
        default: throw mismatch("true or false")
        }
    }

    /// One of an enum's Cloud ML spellings (exact case); a lower-case or near spelling gets a hint.
    func choice<Choice: RawRepresentable & CaseIterable>(_: Choice.Type) throws(SpecError) -> Choice
    where Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue)
        let expected = "one of " + ConfigEntry.listed(names)
        let text = try text(expected: expected)
        if let choice = Choice(rawValue: text) { return choice }
        throw mismatch(names.count == 2 ? ConfigEntry.listed(names) : expected, hint: ConfigEntry.choiceHint(text, names))
    }

    /// A non-empty list.
    func list() throws(SpecError) -> [Node] {
        guard case .sequence(let sequence) = value else { throw mismatch("a list") }
        guard !sequence.isEmpty else { throw error("\(key) must not be empty") }
        return Array(sequence)
    }

    static func listed(_ names: [String]) -> String {
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    }

    static func choiceHint(_ text: String, _ names: [String]) -> String? {
        if let upper = names.first(where: { $0 == text.uppercased() }) {
            return "Cloud ML values are upper case: write '\(upper)'"
        }
        let containing = names.filter { !text.isEmpty && $0.contains(text.uppercased()) }
        if containing.count == 1 { return "did you mean '\(containing[0])'?" }
        return KeySuggestion.closest(to: text, among: names).map { "did you mean '\($0)'?" }
    }
}

/// A YAML mapping of the config: string keys in document order, merge keys (`<<: *base`) applied.
struct ConfigMapping {
    let entries: [ConfigEntry]
    /// Where a missing key is reported: the key holding this mapping, or the mapping itself.
    let place: Node
    let file: String
    let prefix: String

    /// Reads `node` as a mapping; `what` names it in the error when it is something else.
    init(_ node: Node, what: String, heldBy owner: Node? = nil, file: String, prefix: String = "") throws(SpecError) {
        guard case .mapping(let mapping) = node else {
            throw SpecError(file: file, at: node, key: nil, message: "\(prefix)\(what) must be a mapping of keys to values, got \(node.shown)")
        }
        var explicit: [ConfigEntry] = []
        var explicitIndex: [String: Int] = [:]
        var merged: [ConfigEntry] = []
        for (keyNode, value) in mapping {
            if case .scalar(let scalar) = keyNode, scalar.style == .plain, scalar.string == "<<" {
                for base in Self.mergeSources(value) {
                    let baseMapping = try ConfigMapping(base, what: "a merged value (<<)", file: file, prefix: prefix)
                    merged += baseMapping.entries
                }
                continue
            }
            guard let key = keyNode.scalarText, !key.isEmpty else {
                throw SpecError(file: file, at: keyNode, key: nil, message: "\(prefix)keys must be names, got \(keyNode.shown)")
            }
            if let first = explicitIndex[key].map({ explicit[$0] }) {
                throw SpecError(
                    file: file, at: keyNode, key: key, message: "\(prefix)duplicate key '\(key)'",
                    hint: first.keyNode.mark.map { "first given at line \($0.line)" })
            }
            explicitIndex[key] = explicit.count
            explicit.append(ConfigEntry(key: key, keyNode: keyNode, value: value, file: file, prefix: prefix))
        }
        var inherited: [ConfigEntry] = []
        var seen = Set(explicitIndex.keys)
        for entry in merged where seen.insert(entry.key).inserted {
            inherited.append(entry)
        }
        self.entries = inherited + explicit
        self.place = owner ?? node
        self.file = file
        self.prefix = prefix
    }

    private static func mergeSources(_ value: Node) -> [Node] {
        if case .sequence(let sequence) = value { return Array(sequence) }
        return [value]
    }

    private init(entries: [ConfigEntry], place: Node, file: String, prefix: String) {
        self.entries = entries
        self.place = place
        self.file = file
        self.prefix = prefix
    }

    /// `inner`'s entries followed by `outer`'s (a wrapper's keys beside what it wraps).
    init(merging inner: ConfigMapping, with outer: ConfigMapping) {
        self.init(entries: inner.entries + outer.entries, place: inner.place, file: inner.file, prefix: inner.prefix)
    }

    /// The same mapping without `keys` (ones handled elsewhere, such as ignored cloud-only keys).
    func removing(_ keys: Set<String>) -> ConfigMapping {
        ConfigMapping(entries: entries.filter { !keys.contains($0.key) }, place: place, file: file, prefix: prefix)
    }

    /// The same mapping, its messages starting with `prefix` (e.g. `lr: `).
    func prefixed(_ prefix: String) -> ConfigMapping {
        let entries = entries.map {
            ConfigEntry(key: $0.key, keyNode: $0.keyNode, value: $0.value, file: $0.file, prefix: prefix)
        }
        return ConfigMapping(entries: entries, place: place, file: file, prefix: prefix)
    }

    /// The same mapping with protobuf's snake_case field names (`study_spec`, `metric_id`) spelled
    /// in lowerCamelCase (`studySpec`, `metricId`), as protobuf's JSON parsers accept both.
    /// A key given in both spellings is a duplicate.
    func camelCased() throws(SpecError) -> ConfigMapping {
        guard entries.contains(where: { $0.key.contains("_") }) else { return self }
        var seen: [String: ConfigEntry] = [:]
        var out: [ConfigEntry] = []
        for entry in entries {
            let key = Self.camelCase(entry.key)
            if let first = seen[key] {
                throw SpecError(
                    file: file, at: entry.keyNode, key: entry.key, message: "\(prefix)duplicate key '\(entry.key)': '\(first.key)' is the same field",
                    hint: first.keyNode.mark.map { "first given at line \($0.line)" })
            }
            // The first entry as written, so a duplicate's message names both spellings.
            seen[key] = entry
            out.append(ConfigEntry(key: key, keyNode: entry.keyNode, value: entry.value, file: entry.file, prefix: entry.prefix))
        }
        return ConfigMapping(entries: out, place: place, file: file, prefix: prefix)
    }

    /// `metric_id` → `metricId`; a key without `_` is unchanged.
    static func camelCase(_ key: String) -> String {
        guard key.contains("_") else { return key }
        let parts = key.split(separator: "_", omittingEmptySubsequences: true)
        guard let first = parts.first else { return key }
        return String(first) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    subscript(key: String) -> ConfigEntry? {
        entries.first { $0.key == key }
    }

    var keys: [String] { entries.map(\.key) }

    /// An error at this mapping (or its key), e.g. for a missing key.
    func error(key: String?, _ message: String, hint: String? = nil) -> SpecError {
        SpecError(file: file, at: place, key: key, message: prefix + message, hint: hint)
    }

    /// The required entry `key`.
    func required(_ key: String, hint: String? = nil) throws(SpecError) -> ConfigEntry {
        guard let entry = self[key] else { throw error(key: key, "missing \(key)", hint: hint) }
        return entry
    }

    /// Fails on the first key not in `allowed`, with a did-you-mean hint among `allowed` and `alsoSuggesting`;
    /// `elsewhere` maps keys that are valid somewhere else in the config to a hint saying where they go.
    func rejectUnknownKeys(
        allowed: [String], alsoSuggesting extra: [String] = [], elsewhere: [String: String] = [:]
    ) throws(SpecError) {
        for entry in entries where !allowed.contains(entry.key) {
            let hint = elsewhere[entry.key] ?? KeySuggestion.hint(for: entry.key, among: allowed + extra)
            // Named as the file writes it: camelCased() renames `max_trial_cont` to `maxTrialCont`.
            throw entry.error("unknown key '\(entry.keyNode.scalarText ?? entry.key)'", hint: hint, atKey: true)
        }
    }
}

/// Numbers as a config writes them: `10`, `"10"`, `-3.5`, `1e-3`, `.5`; never `inf`, `nan` or hex.
enum ConfigNumber {
    static func double(_ text: String) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ "0123456789+-.eE".contains($0) }),
            let value = Double(text), value.isFinite
        else { return nil }
        return value
    }

    /// An integer, also from integral decimal text (`2.0`, `1e3`); nil when fractional or out of range.
    static func integer(_ text: String) -> Int? {
        if let value = Int(text) { return value }
        guard let value = double(text) else { return nil }
        return integral(value)
    }

    /// `nan`, `inf`, `infinity` in any case, signed or not, with or without YAML's leading dot (`.nan`, `-.inf`).
    static func isNonFinite(_ text: String) -> Bool {
        var word = Substring(text.lowercased())
        if word.first == "+" || word.first == "-" { word = word.dropFirst() }
        if word.first == "." { word = word.dropFirst() }
        return word == "nan" || word == "inf" || word == "infinity"
    }

    /// Why number-like `text` is refused, when it is a number out of range or not finite; nil otherwise.
    static func problem(_ text: String, integer: Bool) -> String? {
        if isNonFinite(text) {
            return "NaN and infinity are not allowed here: write a finite number"
        }
        guard !text.isEmpty, text.allSatisfy({ "0123456789+-.eE".contains($0) }), let value = Double(text) else { return nil }
        if !value.isFinite {
            return "\(text) is beyond the largest number tune reads (about ±1.8e308)"
        }
        if integer, value.rounded() == value, integral(value) == nil {
            return "\(text) is beyond the largest integer tune reads (±\(Int.max))"
        }
        return nil
    }

    /// `value` as an Int when it is a whole number within Int's range.
    static func integral(_ value: Double) -> Int? {
        guard value.rounded() == value, value >= -9.223372036854775808e18, value < 9.223372036854775808e18 else {
            return nil
        }
        return Int(value)
    }
}
