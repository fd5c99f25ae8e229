/// The byte-level pieces of metric parsing: tag names, numbers, escape stripping, and the
/// `name=value` / `name: value` scan. Works on UTF-8 bytes so that invalid text never matters:
/// tag names and numbers are ASCII, everything else is only skipped.
enum MetricLineScanner {
    /// A `name=value`, `name: value` or JSON member found in one line.
    struct Pair: Equatable {
        var name: String
        var value: Double
    }

    // ASCII bytes used below.
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let escape: UInt8 = 0x1B
    static let backspace: UInt8 = 0x08
    static let bell: UInt8 = 0x07
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let equals: UInt8 = 0x3D
    static let colon: UInt8 = 0x3A
    static let doubleQuote: UInt8 = 0x22
    static let singleQuote: UInt8 = 0x27
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D
    static let backslash: UInt8 = 0x5C
    static let slash: UInt8 = 0x2F
    static let dot: UInt8 = 0x2E
    static let minus: UInt8 = 0x2D
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C

    /// A byte a tag name may start with: `[A-Za-z_]`.
    @inline(__always)
    static func isNameStart(_ b: UInt8) -> Bool {
        let lower = b | 0x20
        return (lower >= 0x61 && lower <= 0x7A) || b == 0x5F
    }

    /// A byte a tag name may continue with: `[A-Za-z0-9_./-]`.
    @inline(__always)
    static func isNameChar(_ b: UInt8) -> Bool {
        isNameStart(b) || isDigit(b) || b == dot || b == slash || b == minus
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    @inline(__always)
    static func isBlank(_ b: UInt8) -> Bool { b == space || b == tab }

    /// What may follow a number for it to count: the end, whitespace, `,`, `;`, `)`, `]`, `}`, `|`.
    /// (`acc: 0.9 - loss: …` ends at the blank.)
    @inline(__always)
    static func isNumberBoundary(_ b: UInt8) -> Bool {
        switch b {
        case space, tab, comma, 0x3B /* ; */, 0x29 /* ) */, closeBracket, closeBrace, 0x7C /* | */,
            newline, carriageReturn, 0x0B, 0x0C:
            return true
        default:
            return false
        }
    }

    /// Trims blanks at both ends.
    static func trimmed(_ line: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var start = 0
        var end = line.count
        while start < end && (isBlank(line[start]) || line[start] == 0x0B || line[start] == 0x0C) { start += 1 }
        while end > start && (isBlank(line[end - 1]) || line[end - 1] == 0x0B || line[end - 1] == 0x0C) { end -= 1 }
        return start..<end
    }

    /// The line without backspaces and terminal escape sequences: CSI (`ESC [ params final`),
    /// OSC (`ESC ] … BEL` or `ESC ] … ESC \`), `ESC ( B`-style, and other two-byte `ESC x` sequences.
    static func stripControls(_ line: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        let n = line.count
        var i = 0
        while i < n {
            let b = line[i]
            if b == backspace {
                i += 1
            } else if b == escape {
                i += 1
                guard i < n else { break }
                let kind = line[i]
                i += 1
                if kind == openBracket {
                    // Parameter and intermediate bytes, then one final byte in 0x40...0x7E.
                    while i < n && line[i] >= 0x20 && line[i] <= 0x3F { i += 1 }
                    if i < n && line[i] >= 0x40 && line[i] <= 0x7E { i += 1 }
                } else if kind == closeBracket {
                    while i < n {
                        if line[i] == bell {
                            i += 1
                            break
                        }
                        if line[i] == escape && i + 1 < n && line[i + 1] == backslash {
                            i += 2
                            break
                        }
                        i += 1
                    }
                } else if kind >= 0x20 && kind <= 0x2F {
                    // `ESC ( B` and the like: intermediate bytes, then one final byte.
                    while i < n && line[i] >= 0x20 && line[i] <= 0x2F { i += 1 }
                    if i < n && line[i] >= 0x30 && line[i] <= 0x7E { i += 1 }
                }
                // Any other `ESC x`: both bytes dropped.
            } else {
                out.append(b)
                i += 1
            }
        }
        return out
    }

    /// Parses a number at `start`: optional sign, digits with optional fraction and exponent
    /// (`0.97`, `-1.5e-3`, `.5`, `3`), or `nan`, `inf`, `infinity` (any case, optionally signed).
    /// Returns the value and the index just past it; the caller checks what follows.
    static func parseNumber(_ p: UnsafeBufferPointer<UInt8>, from start: Int) -> (value: Double, end: Int)? {
        let n = p.count
        var j = start
        if j < n && (p[j] == plus || p[j] == minus) { j += 1 }
        guard j < n else { return nil }
        let first = p[j] | 0x20
        if first == 0x6E /* n */ || first == 0x69 /* i */ {
            for word in specialWords where matchesCaseInsensitive(p, at: j, word) {
                let end = j + word.count
                let negative = p[start] == minus
                let value: Double = word[0] == 0x6E ? .nan : (negative ? -.infinity : .infinity)
                return (value, end)
            }
            return nil
        }
        let intStart = j
        while j < n && isDigit(p[j]) { j += 1 }
        var digitCount = j - intStart
        if j < n && p[j] == dot {
            j += 1
            let fracStart = j
            while j < n && isDigit(p[j]) { j += 1 }
            digitCount += j - fracStart
        }
        guard digitCount > 0 else { return nil }
        if j < n && (p[j] | 0x20) == 0x65 /* e */ {
            var k = j + 1
            if k < n && (p[k] == plus || p[k] == minus) { k += 1 }
            let expStart = k
            while k < n && isDigit(p[k]) { k += 1 }
            if k > expStart { j = k }
            // else: leave the `e` in place; the boundary check rejects it.
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: p[start..<j]), as: UTF8.self)
        guard let value = Double(text) else { return nil }
        return (value, j)
    }

    /// Longest first, so `infinity` wins over `inf`.
    private static let specialWords: [[UInt8]] = [Array("infinity".utf8), Array("inf".utf8), Array("nan".utf8)]

    private static func matchesCaseInsensitive(_ p: UnsafeBufferPointer<UInt8>, at index: Int, _ word: [UInt8]) -> Bool {
        guard index + word.count <= p.count else { return false }
        for (offset, w) in word.enumerated() where p[index + offset] | 0x20 != w {
            return false
        }
        return true
    }

    /// Every `name=value` / `name: value` in the line, in order (Katib's, Guild's and Keras' forms).
    ///
    /// A name is `[A-Za-z_][A-Za-z0-9_./-]*` that starts the line or follows a byte that cannot be
    /// part of a name; it may be followed by a closing quote (`"acc": 0.9`, `'acc': 0.9`), blanks,
    /// then `=` or `:`, blanks, and a number that ends at a boundary (`isNumberBoundary`).
    static func scanPairs(_ line: UnsafeBufferPointer<UInt8>, into pairs: inout [Pair]) {
        let n = line.count
        var i = 0
        while i < n {
            let b = line[i]
            guard isNameStart(b), i == 0 || !isNameChar(line[i - 1]) else {
                i += 1
                continue
            }
            let nameStart = i
            var j = i + 1
            while j < n && isNameChar(line[j]) { j += 1 }
            let nameEnd = j
            i = nameEnd
            if j < n && (line[j] == doubleQuote || line[j] == singleQuote) { j += 1 }
            while j < n && isBlank(line[j]) { j += 1 }
            guard j < n, line[j] == equals || line[j] == colon else { continue }
            let afterColon = line[j] == colon
            j += 1
            // `name: value` (Guild, Keras) has a blank after the colon; `host:8080`, `port.cc:153`
            // and `12:30` do not, and are not metrics.
            if afterColon { guard j < n, isBlank(line[j]) else { continue } }
            while j < n && isBlank(line[j]) { j += 1 }
            guard let (value, end) = parseNumber(line, from: j), end == n || isNumberBoundary(line[end]) else {
                continue
            }
            let name = String(decoding: UnsafeBufferPointer(rebasing: line[nameStart..<nameEnd]), as: UTF8.self)
            pairs.append(Pair(name: name, value: value))
            i = end
        }
    }

    /// `Epoch N/M` (Keras), any case, blanks around: returns N.
    static func kerasEpoch(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        let range = trimmed(line)
        var j = range.lowerBound
        let end = range.upperBound
        let word: [UInt8] = Array("epoch".utf8)
        guard matchesCaseInsensitive(line, at: j, word), j + word.count < end else { return nil }
        j += word.count
        guard isBlank(line[j]) else { return nil }
        while j < end && isBlank(line[j]) { j += 1 }
        var epoch = 0
        let digitsStart = j
        while j < end && isDigit(line[j]) {
            guard epoch < 100_000_000 else { return nil }
            epoch = epoch * 10 + Int(line[j] - 0x30)
            j += 1
        }
        guard j > digitsStart, j < end, line[j] == slash else { return nil }
        j += 1
        let totalStart = j
        while j < end && isDigit(line[j]) { j += 1 }
        guard j > totalStart, j == end else { return nil }
        return epoch
    }

    /// How strongly a key names the step: `global_step` over `step` over `epoch`; nil for other keys.
    static func stepKeyRank(_ name: String) -> Int? {
        switch name.lowercased() {
        case "global_step": return 0
        case "step": return 1
        case "epoch": return 2
        default: return nil
        }
    }

    /// The value as a step when it is integral.
    static func integralStep(_ value: Double) -> Int? {
        guard value.isFinite, value.rounded() == value, abs(value) < 9.0e15 else { return nil }
        return Int(value)
    }
}
