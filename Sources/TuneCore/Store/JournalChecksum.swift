import Foundation

/// The checksum every line of a format 3 journal ends with: the event's JSON object with a last
/// member `"crc":"xxxxxxxx"`, the CRC-32C (as in TFRecord files) in hex of the line without that
/// member. The line stays one JSON object (`jq` reads it; JSONDecoder ignores the member), and
/// any changed byte of it is detected.
enum JournalChecksum {
    /// `,"crc":"` + 8 hex digits + `"}`.
    static let suffixLength = 18
    private static let prefix = Array(",\"crc\":\"".utf8)

    enum Verdict: Equatable {
        /// The line ends with no checksum member (every line of formats 1 and 2).
        case absent
        case valid
        case mismatch
    }

    /// `json` (one encoded object, `{…}`) with its checksum member added.
    static func seal(_ json: Data) -> Data {
        let crc = json.withUnsafeBytes { CRC32C.checksum($0) }
        var line = json.dropLast()
        line.append(contentsOf: prefix)
        line.append(contentsOf: Array(hex(crc).utf8))
        line.append(contentsOf: Array("\"}".utf8))
        return Data(line)
    }

    /// Checks a line (without its newline).
    static func verify(_ line: UnsafeBufferPointer<UInt8>) -> Verdict {
        let n = line.count
        guard n > suffixLength + 1, line[n - 1] == UInt8(ascii: "}"), line[n - 2] == UInt8(ascii: "\"") else { return .absent }
        let start = n - suffixLength
        for k in 0..<prefix.count where line[start + k] != prefix[k] { return .absent }
        var stored: UInt32 = 0
        for k in 0..<8 {
            guard let digit = hexValue(line[start + prefix.count + k]) else { return .absent }
            stored = stored << 4 | digit
        }
        var crc = CRC32C.checksum(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[0..<start])))
        var brace = UInt8(ascii: "}")
        crc = withUnsafeBytes(of: &brace) { CRC32C.checksum($0, continuing: crc) }
        return crc == stored ? .valid : .mismatch
    }

    static func hex(_ crc: UInt32) -> String {
        let digits = String(crc, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        default: return nil
        }
    }
}
