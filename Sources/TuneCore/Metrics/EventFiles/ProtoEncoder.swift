/// Writes protobuf wire format: the encoder matching `ProtoReader`, for the few messages tune
/// writes itself (TensorBoard's summary events). Fields are written in the order they are added;
/// a field at its default value is written only when the caller adds it.
struct ProtoEncoder: Sendable, Equatable {
    private(set) var bytes: [UInt8] = []

    init() {}

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func key(_ field: Int, _ wire: Int) {
        varint(UInt64(field) << 3 | UInt64(wire))
    }

    /// An int32, int64 or enum field (a negative number takes ten bytes, as protobuf writes it).
    mutating func int(_ field: Int, _ value: Int64) {
        key(field, WireType.varint)
        varint(UInt64(bitPattern: value))
    }

    mutating func bool(_ field: Int, _ value: Bool) {
        key(field, WireType.varint)
        varint(value ? 1 : 0)
    }

    mutating func double(_ field: Int, _ value: Double) {
        key(field, WireType.fixed64)
        fixed64(value.bitPattern)
    }

    mutating func float(_ field: Int, _ value: Float) {
        key(field, WireType.fixed32)
        fixed32(value.bitPattern)
    }

    mutating func string(_ field: Int, _ value: String) {
        lengthDelimited(field, Array(value.utf8))
    }

    mutating func lengthDelimited(_ field: Int, _ value: [UInt8]) {
        key(field, WireType.lengthDelimited)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// An embedded message, built by `body` on a writer of its own.
    mutating func message(_ field: Int, _ body: (inout ProtoEncoder) -> Void) {
        var inner = ProtoEncoder()
        body(&inner)
        lengthDelimited(field, inner.bytes)
    }

    mutating func fixed32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func fixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}
