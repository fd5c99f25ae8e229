/// A point the user asks to run before the strategy's own (`enqueue:` in the config, `tune run
/// --enqueue FILE`), as read, before it is checked against the space: name → value text, each
/// with where it sits so a problem is reported there.
public struct GivenPoint: Sendable, Equatable {
    public struct Value: Sendable, Equatable {
        public var name: String
        public var text: String
        public var line: Int?
        public var column: Int?

        public init(name: String, text: String, line: Int? = nil, column: Int? = nil) {
            self.name = name
            self.text = text
            self.line = line
            self.column = column
        }
    }

    /// The file as the user named it.
    public var file: String
    /// Where the point starts (a CSV row, a JSON object, a YAML mapping).
    public var line: Int?
    public var column: Int?
    /// How messages name it: `row 2`, `point 3`.
    public var label: String
    public var values: [Value]

    public init(file: String, line: Int?, column: Int? = nil, label: String, values: [Value]) {
        self.file = file
        self.line = line
        self.column = column
        self.label = label
        self.values = values
    }

    func error(_ message: String, at value: Value? = nil, key: String? = nil, hint: String? = nil) -> SpecError {
        SpecError(
            file: file, line: value?.line ?? line, column: value == nil ? column : value?.column, key: key ?? value?.name,
            message: "\(label): \(message)", hint: hint)
    }
}
