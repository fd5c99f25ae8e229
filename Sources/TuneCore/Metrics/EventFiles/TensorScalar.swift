/// The one number a TensorProto holds (tensorflow/core/framework/tensor.proto), when it holds one:
///
///     dtype = 1 (DT_FLOAT = 1, DT_DOUBLE = 2, DT_INT32 = 3, DT_INT64 = 9, DT_BFLOAT16 = 14, DT_HALF = 19)
///     tensor_shape = 2 (TensorShapeProto: repeated Dim dim = 2 { size = 1 }; a scalar has none)
///     tensor_content = 4 (the values packed little-endian)
///     float_val = 5, double_val = 6, int_val = 7, int64_val = 10, half_val = 13 (packed or not)
struct TensorScalar {
    /// The first value, when the dtype is a number type tune reads.
    var value: Double?
    /// The number of dimensions.
    var rank: Int
    /// The number of elements (the product of the dimensions; -1 when unknown).
    var elements: Int

    enum DataType {
        static let float: UInt64 = 1
        static let double: UInt64 = 2
        static let int32: UInt64 = 3
        static let int64: UInt64 = 9
        static let bfloat16: UInt64 = 14
        static let half: UInt64 = 19
    }

    static func read(_ tensor: inout ProtoReader) throws(ProtoError) -> TensorScalar {
        var dtype: UInt64 = 0
        var rank = 0
        var elements = 1
        var content: ProtoReader?
        // The first value of each repeated field, in its raw form.
        var floatBits: UInt32?
        var doubleBits: UInt64?
        var intVal: UInt64?
        var int64Val: UInt64?
        var halfVal: UInt64?
        while !tensor.isAtEnd {
            let (field, wire) = try tensor.readKey()
            switch (field, wire) {
            case (1, WireType.varint):
                dtype = try tensor.readVarint()
            case (2, WireType.lengthDelimited):
                var shape = try tensor.readLengthDelimited()
                try readShape(&shape, rank: &rank, elements: &elements)
            case (4, WireType.lengthDelimited):
                content = try tensor.readLengthDelimited()
            case (5, WireType.fixed32):
                let bits = try tensor.readFixed32()
                if floatBits == nil { floatBits = bits }
            case (5, WireType.lengthDelimited):
                var packed = try tensor.readLengthDelimited()
                if floatBits == nil, packed.count >= 4 { floatBits = try packed.readFixed32() }
            case (6, WireType.fixed64):
                let bits = try tensor.readFixed64()
                if doubleBits == nil { doubleBits = bits }
            case (6, WireType.lengthDelimited):
                var packed = try tensor.readLengthDelimited()
                if doubleBits == nil, packed.count >= 8 { doubleBits = try packed.readFixed64() }
            case (7, WireType.varint), (10, WireType.varint), (13, WireType.varint):
                let number = try tensor.readVarint()
                store(number, field: field, int: &intVal, int64: &int64Val, half: &halfVal)
            case (7, WireType.lengthDelimited), (10, WireType.lengthDelimited), (13, WireType.lengthDelimited):
                var packed = try tensor.readLengthDelimited()
                if !packed.isAtEnd {
                    let number = try packed.readVarint()
                    store(number, field: field, int: &intVal, int64: &int64Val, half: &halfVal)
                }
            default:
                try tensor.skip(field: field, wire: wire)
            }
        }

        var value: Double?
        switch dtype {
        case DataType.float:
            if let content {
                if content.count == 4 { value = Double(Float(bitPattern: littleEndian32(content))) }
            } else if let floatBits {
                value = Double(Float(bitPattern: floatBits))
            }
        case DataType.double:
            if let content {
                if content.count == 8 { value = Double(bitPattern: littleEndian64(content)) }
            } else if let doubleBits {
                value = Double(bitPattern: doubleBits)
            }
        case DataType.int32:
            if let content {
                if content.count == 4 { value = Double(Int32(bitPattern: littleEndian32(content))) }
            } else if let intVal {
                value = Double(Int32(truncatingIfNeeded: intVal))
            }
        case DataType.int64:
            if let content {
                if content.count == 8 { value = Double(Int64(bitPattern: littleEndian64(content))) }
            } else if let int64Val {
                value = Double(Int64(bitPattern: int64Val))
            }
        case DataType.half, DataType.bfloat16:
            var bits: UInt16?
            if let content {
                if content.count == 2 {
                    bits =
                        UInt16(content.base.load(fromByteOffset: content.position, as: UInt8.self))
                        | UInt16(content.base.load(fromByteOffset: content.position + 1, as: UInt8.self)) << 8
                }
            } else if let halfVal {
                bits = UInt16(truncatingIfNeeded: halfVal)
            }
            if let bits {
                value = dtype == DataType.half ? halfToDouble(bits) : Double(Float(bitPattern: UInt32(bits) << 16))
            }
        default:
            value = nil
        }
        return TensorScalar(value: value, rank: rank, elements: elements)
    }

    @inline(__always)
    private static func store(_ number: UInt64, field: UInt64, int: inout UInt64?, int64: inout UInt64?, half: inout UInt64?) {
        switch field {
        case 7: if int == nil { int = number }
        case 10: if int64 == nil { int64 = number }
        default: if half == nil { half = number }
        }
    }

    /// TensorShapeProto: dim = 2 (Dim: size = 1, name = 2), unknown_rank = 3.
    private static func readShape(_ shape: inout ProtoReader, rank: inout Int, elements: inout Int) throws(ProtoError) {
        while !shape.isAtEnd {
            let (field, wire) = try shape.readKey()
            if field == 2 && wire == WireType.lengthDelimited {
                var dim = try shape.readLengthDelimited()
                var size: Int64 = 0
                while !dim.isAtEnd {
                    let (inner, innerWire) = try dim.readKey()
                    if inner == 1 && innerWire == WireType.varint {
                        size = Int64(bitPattern: try dim.readVarint())
                    } else {
                        try dim.skip(field: inner, wire: innerWire)
                    }
                }
                rank += 1
                if size < 0 || elements < 0 {
                    elements = -1
                } else {
                    let (product, overflow) = elements.multipliedReportingOverflow(by: Int(size))
                    elements = overflow ? -1 : product
                }
            } else if field == 3 && wire == WireType.varint {
                if try shape.readVarint() != 0 {
                    elements = -1
                    rank = -1
                }
            } else {
                try shape.skip(field: field, wire: wire)
            }
        }
    }

    private static func littleEndian32(_ r: ProtoReader) -> UInt32 {
        UInt32(littleEndian: r.base.loadUnaligned(fromByteOffset: r.position, as: UInt32.self))
    }

    private static func littleEndian64(_ r: ProtoReader) -> UInt64 {
        UInt64(littleEndian: r.base.loadUnaligned(fromByteOffset: r.position, as: UInt64.self))
    }

    /// IEEE 754 binary16 to Double (no Float16 on every platform).
    static func halfToDouble(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
