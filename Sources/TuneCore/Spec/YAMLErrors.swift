import Yams

/// Turns Yams' parse errors into located `SpecError`s.
enum YAMLErrors {
    static func specError(_ error: any Error, text: String, file: String) -> SpecError {
        guard let error = error as? YamlError else {
            return SpecError(file: file, message: "invalid YAML: \(error)")
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context, problem.hasPrefix("but ") {
                // libyaml's composer splits one sentence: "expected a single document" + "but found another".
                message = "invalid YAML: \(context.text) \(problem)"
            } else if let context {
                message += " (\(context.text) at line \(context.mark.line))"
            }
            return SpecError(file: file, line: mark.line, column: mark.column, message: message)
        case .reader(let problem, let offset, _, _):
            let place = offset.map { position(ofUTF8Offset: $0, in: text) }
            return SpecError(file: file, line: place?.line, column: place?.column, message: "invalid text: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? ""
            let place = secondOccurrence(of: key, after: context.mark, in: text)
            return SpecError(
                file: file, line: place.line, column: place.column, key: key,
                message: "duplicate key '\(key)'", hint: "first given at line \(context.mark.line)")
        default:
            return SpecError(file: file, message: "invalid YAML: \(error)")
        }
    }

    /// Yams names the first of two equal keys; point at the next `key:` after it instead,
    /// falling back to the first when the text search finds none.
    static func secondOccurrence(of key: String, after first: Mark, in text: String) -> (line: Int, column: Int) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard !key.isEmpty, first.line >= 1, first.line <= lines.count else { return (first.line, first.column) }
        for lineIndex in (first.line - 1)..<lines.count {
            let scalars = Array(lines[lineIndex].unicodeScalars)
            var start = lineIndex == first.line - 1 ? first.column : 0
            while let found = find(key, in: scalars, from: start) {
                if isKeyAt(found, length: key.unicodeScalars.count, in: scalars) {
                    return (lineIndex + 1, found + 1)
                }
                start = found + 1
            }
        }
        return (first.line, first.column)
    }

    private static func find(_ key: String, in scalars: [Unicode.Scalar], from start: Int) -> Int? {
        let needle = Array(key.unicodeScalars)
        guard start >= 0, scalars.count >= needle.count, start <= scalars.count - needle.count else { return nil }
        for index in start...(scalars.count - needle.count) where Array(scalars[index..<index + needle.count]) == needle {
            return index
        }
        return nil
    }

    /// True when the text at `index` is a whole key: optionally quoted, followed by `:`.
    private static func isKeyAt(_ index: Int, length: Int, in scalars: [Unicode.Scalar]) -> Bool {
        var before = index - 1
        if before >= 0, scalars[before] == "\"" || scalars[before] == "'" { before -= 1 }
        if before >= 0, !" \t{,?-".unicodeScalars.contains(scalars[before]) { return false }
        var after = index + length
        if after < scalars.count, scalars[after] == "\"" || scalars[after] == "'" { after += 1 }
        while after < scalars.count, scalars[after] == " " || scalars[after] == "\t" { after += 1 }
        return after < scalars.count && scalars[after] == ":"
    }

    private static func position(ofUTF8Offset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var consumed = 0
        for scalar in text.unicodeScalars {
            if consumed >= offset { break }
            consumed += String(scalar).utf8.count
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
