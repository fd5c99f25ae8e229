/// "Did you mean …?" for a misspelled key or value: snake_case → camelCase, a case-insensitive
/// match, or the nearest candidate by edit distance.
enum KeySuggestion {
    /// The hint to print for an unknown `key`, given the keys valid where it stands; nil when nothing is close.
    static func hint(for key: String, among candidates: [String]) -> String? {
        if key.contains("_") || key.contains("-") {
            let camel = camelCased(key)
            if let match = candidates.first(where: { $0.lowercased() == camel.lowercased() })
                ?? closest(to: camel, among: candidates)
            {
                return "Cloud ML keys are camelCase: write '\(match)'"
            }
        }
        return closest(to: key, among: candidates).map { "did you mean '\($0)'?" }
    }

    /// The candidate nearest to `word`: equal ignoring case, else the first at the smallest edit distance
    /// within a third of the word's length (at least 1, at most 3).
    static func closest(to word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        if let match = candidates.first(where: { $0.lowercased() == lowered }) {
            return match
        }
        let limit = min(3, max(1, word.count / 3))
        var best: (candidate: String, distance: Int)?
        let length = word.count
        // Lengths further apart than the limit cannot be within it: a huge key costs no alignment.
        for candidate in candidates where abs(candidate.count - length) <= limit {
            let distance = editDistance(lowered, candidate.lowercased())
            if distance <= limit, distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// `max_trials`, `MAX-TRIALS` → `maxTrials`.
    static func camelCased(_ key: String) -> String {
        let parts = key.split(whereSeparator: { $0 == "_" || $0 == "-" }).map { $0.lowercased() }
        guard let first = parts.first else { return key }
        return first + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and adjacent
    /// transpositions each cost 1 (`maxTrails` is 1 from `maxTrials`).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
