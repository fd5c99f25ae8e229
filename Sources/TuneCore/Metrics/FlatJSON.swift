/// A small JSON reader for one-line objects whose members of interest are scalars
/// (`{"acc": 0.97, "step": 3}`, the hypertune file's lines).
///
/// Hand-written rather than `JSONSerialization` so that it keeps member order, tells booleans from
/// numbers on every platform, accepts Python's `NaN` / `Infinity` / `-Infinity` (what `json.dumps`
/// writes for non-finite floats), and never traps on bad input: anything malformed gives nil.
/// Nested objects and arrays are skipped (reported as `.composite`), not read.
enum FlatJSON {
    enum Value: Equatable {
        case number(Double)
        case string(String)
        case bool(Bool)
        case null
        case composite
    }

    typealias Member = (key: String, value: Value)

    static func parseObject(_ text: String) -> [Member]? {
        var text = text
        return text.withUTF8 { parseObject($0) }
    }

    /// The members of the object the bytes hold (blanks around allowed), or nil when they are not one JSON object.
    static func parseObject(_ bytes: UnsafeBufferPointer<UInt8>) -> [Member]? {
        var reader = Reader(p: bytes)
        reader.skipWhitespace()
        guard reader.take(MetricLineScanner.openBrace) else { return nil }
        var members: [Member] = []
        reader.skipWhitespace()
        if reader.take(MetricLineScanner.closeBrace) {
            reader.skipWhitespace()
            return reader.atEnd ? members : nil
        }
        while true {
            reader.skipWhitespace()
            guard let key = reader.string() else { return nil }
            reader.skipWhitespace()
            guard reader.take(MetricLineScanner.colon) else { return nil }
            reader.skipWhitespace()
            guard let value = reader.value() else { return nil }
            members.append((key, value))
            reader.skipWhitespace()
            if reader.take(MetricLineScanner.comma) { continue }
            guard reader.take(MetricLineScanner.closeBrace) else { return nil }
            reader.skipWhitespace()
            return reader.atEnd ? members : nil
        }
    }

    private struct Reader {
        let p: UnsafeBufferPointer<UInt8>
        var i = 0

        init(p: UnsafeBufferPointer<UInt8>) { self.p = p }

        var atEnd: Bool { i >= p.count }

        mutating func skipWhitespace() {
            while i < p.count, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0A || p[i] == 0x0D { i += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard i < p.count, p[i] == byte else { return false }
            i += 1
            return true
        }

        mutating func take(word: String) -> Bool {
            let bytes = Array(word.utf8)
            guard i + bytes.count <= p.count else { return false }
            for (k, b) in bytes.enumerated() where p[i + k] != b { return false }
            i += bytes.count
            return true
        }

        mutating func value() -> Value? {
            guard i < p.count else { return nil }
            switch p[i] {
            case MetricLineScanner.doubleQuote:
                return string().map(Value.string)
            case MetricLineScanner.openBrace, MetricLineScanner.openBracket:
                return skipComposite() ? .composite : nil
            case 0x74 /* t */:
                return take(word: "true") ? .bool(true) : nil
            case 0x66 /* f */:
                return take(word: "false") ? .bool(false) : nil
            case 0x6E /* n */:
                return take(word: "null") ? .null : nil
            default:
                guard let (number, end) = MetricLineScanner.parseNumber(p, from: i) else { return nil }
                i = end
                return .number(number)
            }
        }

        /// A JSON string at the cursor, escapes decoded; invalid UTF-8 is repaired, never fatal.
        mutating func string() -> String? {
            guard take(MetricLineScanner.doubleQuote) else { return nil }
            var bytes: [UInt8] = []
            while i < p.count {
                let b = p[i]
                i += 1
                if b == MetricLineScanner.doubleQuote {
                    return String(decoding: bytes, as: UTF8.self)
                }
                guard b == MetricLineScanner.backslash else {
                    bytes.append(b)
                    continue
                }
                guard i < p.count else { return nil }
                let e = p[i]
                i += 1
                switch e {
                case 0x22, 0x5C, 0x2F: bytes.append(e)
                case 0x62 /* b */: bytes.append(0x08)
                case 0x66 /* f */: bytes.append(0x0C)
                case 0x6E /* n */: bytes.append(0x0A)
                case 0x72 /* r */: bytes.append(0x0D)
                case 0x74 /* t */: bytes.append(0x09)
                case 0x75 /* u */:
                    guard var unit = hex4() else { return nil }
                    var scalar: Unicode.Scalar?
                    if (0xD800...0xDBFF).contains(unit) {
                        // A high surrogate: pair it with a following `\uDC00`–`\uDFFF`.
                        let saved = i
                        if take(MetricLineScanner.backslash), take(0x75), let low = hex4(), (0xDC00...0xDFFF).contains(low) {
                            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                            scalar = Unicode.Scalar(unit)
                        } else {
                            i = saved
                        }
                    } else {
                        scalar = Unicode.Scalar(unit)
                    }
                    bytes.append(contentsOf: String(scalar ?? "\u{FFFD}").utf8)
                default:
                    return nil
                }
            }
            return nil
        }

        private mutating func hex4() -> UInt32? {
            guard i + 4 <= p.count else { return nil }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let b = p[i]
                let digit: UInt32
                switch b {
                case 0x30...0x39: digit = UInt32(b - 0x30)
                case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
                default: return nil
                }
                v = v << 4 | digit
                i += 1
            }
            return v
        }

        /// Skips a nested object or array (brackets balanced outside strings), without recursion.
        private mutating func skipComposite() -> Bool {
            var stack: [UInt8] = []
            while i < p.count {
                let b = p[i]
                switch b {
                case MetricLineScanner.openBrace:
                    stack.append(MetricLineScanner.closeBrace)
                    i += 1
                case MetricLineScanner.openBracket:
                    stack.append(MetricLineScanner.closeBracket)
                    i += 1
                case MetricLineScanner.closeBrace, MetricLineScanner.closeBracket:
                    guard stack.popLast() == b else { return false }
                    i += 1
                    if stack.isEmpty { return true }
                case MetricLineScanner.doubleQuote:
                    guard string() != nil else { return false }
                default:
                    i += 1
                }
            }
            return false
        }
    }
}
