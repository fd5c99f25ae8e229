import Foundation

/// Which failure reasons are the same failure: equal once the elements of every `{…}` in them
/// are sorted. Python prints sets (and dicts built from them) in an order that changes from
/// process to process, so `unexpected keys {'b', 'a'}` and `unexpected keys {'a', 'b'}` are one
/// failure. Lists, tuples and text outside braces keep their order; a brace left unclosed (a
/// reason cut short) is left as it is.
public enum FailureGrouping {
    /// The key reasons are grouped by.
    public static func key(_ reason: String) -> String {
        guard reason.contains("{") else { return reason }
        let characters = Array(reason)
        var key = ""
        var index = 0
        while index < characters.count {
            if characters[index] == "{", let (text, end) = group(characters, from: index) {
                key += text
                index = end + 1
            } else {
                key.append(characters[index])
                index += 1
            }
        }
        return key
    }

    /// Reasons grouped by `key`, in the order each group was first seen, each with the first text
    /// seen and the values that had it.
    public static func grouped<Item>(_ items: [Item], reason: (Item) -> String) -> [(reason: String, items: [Item])] {
        var groups: [(reason: String, items: [Item])] = []
        var index: [String: Int] = [:]
        for item in items {
            let text = reason(item)
            let key = key(text)
            if let at = index[key] {
                groups[at].items.append(item)
            } else {
                index[key] = groups.count
                groups.append((text, [item]))
            }
        }
        return groups
    }

    private static let closers: [Character: Character] = ["{": "}", "[": "]", "(": ")"]

    /// The group opening at `start` (`{`, `[` or `(`) up to its closer, with nested braces'
    /// elements sorted (and, for a brace, its own), and the closer's index; nil when unclosed.
    private static func group(_ characters: [Character], from start: Int) -> (String, Int)? {
        let open = characters[start]
        guard let close = closers[open] else { return nil }
        var elements: [String] = []
        var current = ""
        var index = start + 1
        while index < characters.count {
            let character = characters[index]
            if character == close {
                elements.append(current.trimmingCharacters(in: .whitespaces))
                if open == "{" { elements.sort() }
                if elements == [""] { elements = [] }
                return (String(open) + elements.joined(separator: ", ") + String(close), index)
            }
            switch character {
            case "'", "\"":
                guard let end = quoteEnd(characters, from: index) else { return nil }
                current += String(characters[index...end])
                index = end + 1
            case "{", "[", "(":
                guard let (text, end) = group(characters, from: index) else { return nil }
                current += text
                index = end + 1
            case "}", "]", ")":
                return nil
            case ",":
                elements.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
                index += 1
            default:
                current.append(character)
                index += 1
            }
        }
        return nil
    }

    /// The index of the quote that closes the one at `start` (a backslash escapes).
    private static func quoteEnd(_ characters: [Character], from start: Int) -> Int? {
        let quote = characters[start]
        var index = start + 1
        while index < characters.count {
            if characters[index] == "\\" {
                index += 2
                continue
            }
            if characters[index] == quote { return index }
            index += 1
        }
        return nil
    }
}
