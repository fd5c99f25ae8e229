/// The words of a tune-bench mode's command line, read as options: `--name value` or `--name=value`.
struct BenchArguments {
    private var words: ArraySlice<String>
    let usage: String
    /// The option being read, and its `=value` part if it had one.
    private(set) var name = ""
    private var inline: String?

    init(_ arguments: [String], usage: String) {
        words = arguments[...]
        self.usage = usage
    }

    /// The next option's name, or nil at the end.
    mutating func next() -> String? {
        guard let word = words.popFirst() else { return nil }
        name = word
        inline = nil
        if word.hasPrefix("--"), let eq = word.firstIndex(of: "=") {
            name = String(word[..<eq])
            inline = String(word[word.index(after: eq)...])
        }
        return name
    }

    /// The current option's value.
    mutating func value() throws -> String {
        if let inline { return inline }
        guard let next = words.popFirst() else { throw BenchError("\(name) needs a value\n\(usage)") }
        return next
    }
}
