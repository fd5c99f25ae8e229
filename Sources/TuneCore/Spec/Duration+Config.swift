import Foundation

/// Durations as configs write them: `90s`, `45m`, `2h`, `1h30m`, `1.5h`, `7200s` (Cloud ML's
/// style), or a plain number of seconds.
enum ConfigDuration {
    /// Seconds, or nil when `text` is not a positive duration.
    static func seconds(_ text: String) -> Double? {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !text.isEmpty else { return nil }
        if let plain = Double(text) { return plain > 0 && plain.isFinite ? plain : nil }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var total = 0.0
        var number = ""
        var lastUnit = Double.infinity
        for character in text {
            if character.isNumber || character == "." {
                number.append(character)
            } else if let unit = units[character], let value = Double(number), unit < lastUnit {
                total += value * unit
                number = ""
                lastUnit = unit
            } else {
                return nil
            }
        }
        guard number.isEmpty, total > 0, total.isFinite else { return nil }
        return total
    }
}
