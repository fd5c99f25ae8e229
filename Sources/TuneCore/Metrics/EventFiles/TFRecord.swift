/// TFRecord framing, the container of TensorFlow summary-event files:
///
///     uint64 length (little-endian)
///     uint32 masked CRC-32C of the 8 length bytes
///     byte   data[length]
///     uint32 masked CRC-32C of the data
public enum TFRecord {
    /// Length and its checksum.
    public static let headerSize = 12
    /// The data's checksum.
    public static let footerSize = 4

    /// The masked CRC-32C TFRecord stores for `bytes`.
    public static func maskedCRC(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        CRC32C.masked(CRC32C.checksum(bytes))
    }

    /// Appends `payload` framed as one record (for writers: tests and benchmarks build files with it).
    public static func append(_ payload: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        var header = [UInt8](repeating: 0, count: headerSize)
        let length = UInt64(payload.count)
        for i in 0..<8 { header[i] = UInt8(truncatingIfNeeded: length >> (8 * UInt64(i))) }
        let lengthCRC = header.withUnsafeBytes { maskedCRC(UnsafeRawBufferPointer(rebasing: $0[0..<8])) }
        for i in 0..<4 { header[8 + i] = UInt8(truncatingIfNeeded: lengthCRC >> (8 * UInt32(i))) }
        out.append(contentsOf: header)
        out.append(contentsOf: payload)
        let dataCRC = maskedCRC(payload)
        for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: dataCRC >> (8 * UInt32(i)))) }
    }

    /// `payload` framed as one record.
    public static func frame(_ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + headerSize + footerSize)
        payload.withUnsafeBytes { append($0, to: &out) }
        return out
    }
}
