/// A problem with a tuning config, located in its file, said for a person.
///
/// Rendered compiler-style: `tuning.yml:5:5: error: unknown key 'maxTrails' — did you mean 'maxTrials'?`
public struct SpecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The config file as the user named it.
    public var file: String
    /// 1-based line and column of the offending node, when known.
    public var line: Int?
    public var column: Int?
    /// The key (or parameter name) concerned, when there is one.
    public var key: String?
    /// What is wrong, e.g. `dropout1: minValue 0.6 is not below maxValue 0.2`.
    public var message: String
    /// What to do about it, e.g. `did you mean 'maxTrials'?`.
    public var hint: String?

    public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
        self.hint = hint
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let line, line > 0, let column { place += ":\(column)" }
        var text = "\(place): error: \(message)"
        if let hint { text += " — \(hint)" }
        return text
    }
}

/// What `SpecLoader` returns: the valid spec, plus notes for the user (ignored cloud-only keys, substitutions).
public struct LoadedSpec: Sendable, Equatable {
    public var spec: TuningSpec
    /// One line each, printed on stderr as `note: …`.
    public var notes: [String]
    /// The config's `enqueue:` points as read, not yet checked against the space: the caller
    /// checks them (`TuningSpec.enqueue`), since the space's values live in a layer above this one.
    public var givenPoints: [GivenPoint]

    public init(spec: TuningSpec, notes: [String] = [], givenPoints: [GivenPoint] = []) {
        self.spec = spec
        self.notes = notes
        self.givenPoints = givenPoints
    }
}
