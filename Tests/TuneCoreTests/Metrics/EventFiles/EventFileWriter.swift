import Foundation
import TuneCore
import TuneTestSupport

/// Protobuf wire format, written by hand: enough to build Event messages byte by byte.
struct ProtoWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func key(_ field: Int, _ wire: Int) { varint(UInt64(field << 3 | wire)) }

    mutating func varintField(_ field: Int, _ value: UInt64) {
        key(field, 0)
        varint(value)
    }

    mutating func int64Field(_ field: Int, _ value: Int64) { varintField(field, UInt64(bitPattern: value)) }

    mutating func fixed32(_ value: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(i)))) }
    }

    mutating func fixed64(_ value: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    mutating func floatField(_ field: Int, _ value: Float) {
        key(field, 5)
        fixed32(value.bitPattern)
    }

    mutating func doubleField(_ field: Int, _ value: Double) {
        key(field, 1)
        fixed64(value.bitPattern)
    }

    mutating func bytesField(_ field: Int, _ value: [UInt8]) {
        key(field, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func stringField(_ field: Int, _ value: String) { bytesField(field, Array(value.utf8)) }
}

/// Builds TensorFlow summary events (event.proto, summary.proto, tensor.proto) and event files.
enum EventProto {
    enum DType: UInt64 {
        case float = 1
        case double = 2
        case int32 = 3
        case string = 7
        case int64 = 9
        case bfloat16 = 14
        case half = 19
    }

    /// An Event with a summary of `values` (each an encoded Summary.Value).
    static func event(step: Int64, wallTime: Double = 1_700_000_000.5, values: [[UInt8]]) -> [UInt8] {
        var summary = ProtoWriter()
        for value in values { summary.bytesField(1, value) }
        var event = ProtoWriter()
        event.doubleField(1, wallTime)
        event.int64Field(2, step)
        event.bytesField(5, summary.bytes)
        return event.bytes
    }

    /// The first event of a file: its version string, no summary.
    static func fileVersion() -> [UInt8] {
        var event = ProtoWriter()
        event.doubleField(1, 1_700_000_000)
        event.stringField(3, "brain.Event:2")
        return event.bytes
    }

    /// A TF1/PyTorch scalar: Summary.Value with simple_value.
    static func simpleValue(tag: String, _ value: Float) -> [UInt8] {
        var w = ProtoWriter()
        w.stringField(1, tag)
        w.floatField(2, value)
        return w.bytes
    }

    /// SummaryMetadata naming a plugin (and a data class).
    static func metadata(plugin: String?, dataClass: UInt64? = nil, content: [UInt8] = []) -> [UInt8] {
        var w = ProtoWriter()
        if let plugin {
            var pluginData = ProtoWriter()
            pluginData.stringField(1, plugin)
            if !content.isEmpty { pluginData.bytesField(2, content) }
            w.bytesField(1, pluginData.bytes)
        }
        if let dataClass { w.varintField(4, dataClass) }
        return w.bytes
    }

    /// TensorShapeProto with `dims`.
    static func shape(_ dims: [Int]) -> [UInt8] {
        var w = ProtoWriter()
        for size in dims {
            var dim = ProtoWriter()
            dim.int64Field(1, Int64(size))
            w.bytesField(2, dim.bytes)
        }
        return w.bytes
    }

    /// A TensorProto. `floats`/`doubles` go to float_val/double_val (packed unless `packed` is false).
    static func tensor(
        dtype: DType, dims: [Int] = [], floats: [Float] = [], doubles: [Double] = [],
        ints: [Int64] = [], int64s: [Int64] = [], halves: [UInt16] = [],
        content: [UInt8]? = nil, packed: Bool = true
    ) -> [UInt8] {
        var w = ProtoWriter()
        w.varintField(1, dtype.rawValue)
        w.bytesField(2, shape(dims))
        if let content { w.bytesField(4, content) }
        if !floats.isEmpty {
            if packed {
                var p = ProtoWriter()
                for f in floats { p.fixed32(f.bitPattern) }
                w.bytesField(5, p.bytes)
            } else {
                for f in floats { w.floatField(5, f) }
            }
        }
        if !doubles.isEmpty {
            if packed {
                var p = ProtoWriter()
                for d in doubles { p.fixed64(d.bitPattern) }
                w.bytesField(6, p.bytes)
            } else {
                for d in doubles { w.doubleField(6, d) }
            }
        }
        for (field, values) in [(7, ints), (10, int64s), (13, halves.map { Int64($0) })] where !values.isEmpty {
            if packed {
                var p = ProtoWriter()
                for v in values { p.varint(UInt64(bitPattern: v)) }
                w.bytesField(field, p.bytes)
            } else {
                for v in values { w.int64Field(field, v) }
            }
        }
        return w.bytes
    }

    /// A TF2 value: Summary.Value with a tensor, and metadata when given.
    static func tensorValue(tag: String, tensor: [UInt8], metadata: [UInt8]? = nil) -> [UInt8] {
        var w = ProtoWriter()
        w.stringField(1, tag)
        w.bytesField(8, tensor)
        if let metadata { w.bytesField(9, metadata) }
        return w.bytes
    }

    /// tf.summary.scalar's value: a rank-0 float tensor, with the scalars plugin's metadata when `first`.
    static func tf2Scalar(tag: String, _ value: Float, first: Bool) -> [UInt8] {
        tensorValue(
            tag: tag, tensor: tensor(dtype: .float, floats: [value]),
            metadata: first ? metadata(plugin: "scalars", dataClass: 1) : nil)
    }

    /// A TF1 image summary (Summary.Value.image).
    static func imageValue(tag: String) -> [UInt8] {
        var image = ProtoWriter()
        image.varintField(1, 2)  // height
        image.varintField(2, 2)  // width
        image.varintField(3, 3)  // colorspace
        image.bytesField(4, [0x89, 0x50, 0x4E, 0x47])
        var w = ProtoWriter()
        w.stringField(1, tag)
        w.bytesField(4, image.bytes)
        return w.bytes
    }

    /// Little-endian bytes of values.
    static func littleEndian(_ floats: [Float]) -> [UInt8] {
        var p = ProtoWriter()
        for f in floats { p.fixed32(f.bitPattern) }
        return p.bytes
    }

    static func littleEndian(_ doubles: [Double]) -> [UInt8] {
        var p = ProtoWriter()
        for d in doubles { p.fixed64(d.bitPattern) }
        return p.bytes
    }

    /// Event payloads framed as a TFRecord file's bytes.
    static func file(_ events: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for event in events { out += TFRecord.frame(event) }
        return out
    }
}

/// Event files change in place as a writer appends to them: the same inode, never a new file.
extension TemporaryFolder {
    /// Appends `bytes` to the file, in place (same inode), as a writer does.
    func append(_ relative: String, _ bytes: [UInt8]) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path(relative)))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
    }

    /// Truncates the file in place and writes `bytes` (same inode).
    func rewriteInPlace(_ relative: String, _ bytes: [UInt8]) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path(relative)))
        defer { try? handle.close() }
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(bytes))
    }
}
