/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of TFRecord framing.
///
/// Slicing-by-8: eight 256-entry tables let each step fold 8 bytes with one unaligned 64-bit load
/// and eight table look-ups, instead of one look-up per byte.
public enum CRC32C {
    /// The CRC-32C of `bytes`, continuing from `crc` (the CRC of the bytes before them; 0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return update(crc, base, bytes.count)
    }

    /// The CRC-32C of `bytes`, continuing from `crc`.
    public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }

    /// The masked form TFRecord stores: rotated right by 15 bits plus a constant, so that a CRC of
    /// data that itself holds CRCs is not trivially related to them.
    @inline(__always)
    public static func masked(_ crc: UInt32) -> UInt32 {
        ((crc &>> 15) | (crc &<< 17)) &+ 0xA282_EAD8
    }

    @inline(__always)
    static func update(_ crc: UInt32, _ p: UnsafeRawPointer, _ count: Int) -> UInt32 {
        let t = CRC32CTables.shared.entries
        var c = ~crc
        var i = 0
        while count &- i >= 8 {
            let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ UInt64(c)
            c =
                t[7 &* 256 &+ Int(truncatingIfNeeded: word & 0xFF)]
                ^ t[6 &* 256 &+ Int(truncatingIfNeeded: (word &>> 8) & 0xFF)]
                ^ t[5 &* 256 &+ Int(truncatingIfNeeded: (word &>> 16) & 0xFF)]
                ^ t[4 &* 256 &+ Int(truncatingIfNeeded: (word &>> 24) & 0xFF)]
                ^ t[3 &* 256 &+ Int(truncatingIfNeeded: (word &>> 32) & 0xFF)]
                ^ t[2 &* 256 &+ Int(truncatingIfNeeded: (word &>> 40) & 0xFF)]
                ^ t[1 &* 256 &+ Int(truncatingIfNeeded: (word &>> 48) & 0xFF)]
                ^ t[Int(truncatingIfNeeded: word &>> 56)]
            i &+= 8
        }
        while i < count {
            let byte = p.load(fromByteOffset: i, as: UInt8.self)
            c = t[Int(truncatingIfNeeded: (c ^ UInt32(byte)) & 0xFF)] ^ (c &>> 8)
            i &+= 1
        }
        return ~c
    }
}

/// The slicing-by-8 tables, built once and never freed (8 KiB): table k maps a byte to its
/// contribution k bytes further on.
final class CRC32CTables: @unchecked Sendable {
    static let shared = CRC32CTables()

    let entries: UnsafePointer<UInt32>

    private init() {
        let t = UnsafeMutablePointer<UInt32>.allocate(capacity: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[i] = c
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let previous = t[(k - 1) * 256 + i]
                t[k * 256 + i] = (previous >> 8) ^ t[Int(previous & 0xFF)]
            }
        }
        entries = UnsafePointer(t)
    }
}
