/// Why a protobuf message could not be read.
enum ProtoError: Error, Equatable, CustomStringConvertible {
    case truncatedVarint
    case varintTooLong
    case truncatedField
    case lengthBeyondMessage
    case badFieldNumber
    case badWireType(Int)
    case unmatchedGroup
    case groupsTooDeep

    var description: String {
        switch self {
        case .truncatedVarint: "a varint runs past the end of its message"
        case .varintTooLong: "a varint is longer than 10 bytes"
        case .truncatedField: "a fixed-size field runs past the end of its message"
        case .lengthBeyondMessage: "a field's length runs past the end of its message"
        case .badFieldNumber: "a field number is 0"
        case .badWireType(let wire): "wire type \(wire) is not valid"
        case .unmatchedGroup: "a group is not closed properly"
        case .groupsTooDeep: "groups are nested too deep"
        }
    }
}

/// The protobuf wire types.
enum WireType {
    static let varint = 0
    static let fixed64 = 1
    static let lengthDelimited = 2
    static let startGroup = 3
    static let endGroup = 4
    static let fixed32 = 5
}

/// Reads protobuf wire format over memory it does not own (a record in the read buffer), without
/// copying: a length-delimited field is read as another `ProtoReader` over its bytes.
struct ProtoReader {
    let base: UnsafeRawPointer
    var position: Int
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        position = 0
        end = bytes.baseAddress == nil ? 0 : bytes.count
    }

    private init(base: UnsafeRawPointer, position: Int, end: Int) {
        self.base = base
        self.position = position
        self.end = end
    }

    var isAtEnd: Bool { position >= end }
    var count: Int { end &- position }

    /// The remaining bytes.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + position, count: count) }

    @inline(__always)
    mutating func readVarint() throws(ProtoError) -> UInt64 {
        // Fast path: one byte.
        guard position < end else { throw .truncatedVarint }
        let first = base.load(fromByteOffset: position, as: UInt8.self)
        position &+= 1
        if first < 0x80 { return UInt64(first) }
        var result = UInt64(first & 0x7F)
        var shift: UInt64 = 7
        while true {
            guard position < end else { throw .truncatedVarint }
            let byte = base.load(fromByteOffset: position, as: UInt8.self)
            position &+= 1
            result |= UInt64(byte & 0x7F) &<< shift
            if byte < 0x80 { return result }
            shift &+= 7
            if shift >= 70 { throw .varintTooLong }
        }
    }

    /// The next field's number and wire type.
    @inline(__always)
    mutating func readKey() throws(ProtoError) -> (field: UInt64, wire: Int) {
        let key = try readVarint()
        let field = key &>> 3
        guard field != 0 else { throw .badFieldNumber }
        return (field, Int(truncatingIfNeeded: key & 7))
    }

    @inline(__always)
    mutating func readFixed32() throws(ProtoError) -> UInt32 {
        guard end &- position >= 4 else { throw .truncatedField }
        let value = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt32.self))
        position &+= 4
        return value
    }

    @inline(__always)
    mutating func readFixed64() throws(ProtoError) -> UInt64 {
        guard end &- position >= 8 else { throw .truncatedField }
        let value = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        position &+= 8
        return value
    }

    /// A length-delimited field's bytes, as a reader of their own.
    @inline(__always)
    mutating func readLengthDelimited() throws(ProtoError) -> ProtoReader {
        let length = try readVarint()
        guard length <= UInt64(end &- position) else { throw .lengthBeyondMessage }
        let start = position
        position &+= Int(length)
        return ProtoReader(base: base, position: start, end: position)
    }

    /// Skips a field whose key has been read.
    mutating func skip(field: UInt64, wire: Int, depth: Int = 0) throws(ProtoError) {
        switch wire {
        case WireType.varint: _ = try readVarint()
        case WireType.fixed64: _ = try readFixed64()
        case WireType.lengthDelimited: _ = try readLengthDelimited()
        case WireType.fixed32: _ = try readFixed32()
        case WireType.startGroup:
            guard depth < 32 else { throw .groupsTooDeep }
            while true {
                guard !isAtEnd else { throw .unmatchedGroup }
                let (inner, innerWire) = try readKey()
                if innerWire == WireType.endGroup {
                    guard inner == field else { throw .unmatchedGroup }
                    return
                }
                try skip(field: inner, wire: innerWire, depth: depth + 1)
            }
        case WireType.endGroup: throw .unmatchedGroup
        default: throw .badWireType(wire)
        }
    }

    /// Whether the remaining bytes are exactly `ascii`.
    func equals(_ ascii: StaticString) -> Bool {
        guard ascii.utf8CodeUnitCount == count else { return false }
        return memcmpEqual(base + position, UnsafeRawPointer(ascii.utf8Start), count)
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    var i = 0
    while count &- i >= 8 {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i &+= 8
    }
    while i < count {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i &+= 1
    }
    return true
}
