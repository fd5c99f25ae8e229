import Foundation
import TuneCore

/// Event-file reading throughput: writes a synthetic TensorFlow event file of scalar events (a mix of
/// TF1/PyTorch `simple_value`s and TF2 `tf.summary.scalar` tensors, several tags, 50–80 bytes a
/// record, as real files hold), then times `EventFilesSource` reading it from the page cache, from
/// the first poll until a poll finds nothing new, plus `finish()` (best of 3). Also times CRC-32C
/// alone over the same bytes, and plain `read` of the file, for scale.
enum EventsBenchmark {
    static let repeats = 3

    static func run(megabytes: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tune-bench-events-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder + "/train", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/train/events.out.tfevents.1700000000.bench.1.v2"

        let (bytes, records, scalars) = syntheticFile(bytes: megabytes * 1_000_000)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let megabytesWritten = Double(bytes.count) / 1e6

        #if DEBUG
        print("note: debug build — build with -c release for meaningful figures")
        #endif
        print(
            "event files benchmark: \(String(format: "%.1f", megabytesWritten)) MB, \(records) records "
                + "(\(String(format: "%.1f", Double(bytes.count) / Double(records))) bytes each), best of \(repeats)")

        let clock = ContinuousClock()
        var readBest = Double.infinity
        var readings = 0
        var polls = 0
        for _ in 0..<repeats {
            var source = EventFilesSource(root: folder)
            var count = 0
            var pollCount = 0
            let took = clock.measure {
                while true {
                    let found = source.poll()
                    pollCount += 1
                    if found.isEmpty { break }
                    count += found.count
                }
                count += source.finish().count
            }
            let warnings = source.takeWarnings()
            guard count == scalars, warnings.isEmpty else {
                print("error: read \(count) readings of \(scalars), warnings: \(warnings.prefix(3))")
                exit(1)
            }
            readings = count
            polls = pollCount
            readBest = min(readBest, seconds(took))
        }

        var crcBest = Double.infinity
        var crc: UInt32 = 0
        bytes.withUnsafeBytes { raw in
            for _ in 0..<repeats {
                let took = clock.measure { crc = CRC32C.checksum(raw) }
                crcBest = min(crcBest, seconds(took))
            }
        }

        var plainBest = Double.infinity
        for _ in 0..<repeats {
            let took = try clock.measure { _ = try Data(contentsOf: URL(fileURLWithPath: path)) }
            plainBest = min(plainBest, seconds(took))
        }

        print(
            "  EventFilesSource:  \(f(readBest, 4)) s  \(f(megabytesWritten / readBest, 0)) MB/s  "
                + "\(Int(Double(records) / readBest)) records/s  \(readings) readings (\(polls) polls)")
        print("  CRC-32C alone:     \(f(crcBest, 4)) s  \(f(megabytesWritten / crcBest, 0)) MB/s  (crc \(String(crc, radix: 16)))")
        print("  read file (Data):  \(f(plainBest, 4)) s  \(f(megabytesWritten / plainBest, 0)) MB/s")
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    private static func f(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

    /// About `bytes` of records: per step, 3 simple_value tags and 3 TF2 tensor-scalar tags (the
    /// scalars plugin's metadata on each tag's first event only), one Event per value, as
    /// PyTorch's and Keras' writers do. Returns the file, its record count and its scalar count.
    static func syntheticFile(bytes target: Int) -> (bytes: [UInt8], records: Int, scalars: Int) {
        let simpleTags = ["loss", "train/learning_rate", "accuracy"]
        let tensorTags = ["epoch_loss", "epoch_accuracy", "evaluation_loss_vs_iterations"]
        var out: [UInt8] = []
        out.reserveCapacity(target + 256)
        var records = 0
        var scalars = 0
        var event = Encoder()
        event.version()
        TFRecord.append(event.bytes, to: &out)
        records += 1
        var step: Int64 = 0
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Float {  // xorshift: values with full mantissas, as real metrics have
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            return Float(x >> 40) / Float(1 << 24)
        }
        while out.count < target {
            step += 1
            for tag in simpleTags {
                event.simpleScalar(step: step, tag: tag, value: next())
                TFRecord.append(event.bytes, to: &out)
                records += 1
                scalars += 1
            }
            for tag in tensorTags {
                event.tensorScalar(step: step, tag: tag, value: next(), metadata: step == 1)
                TFRecord.append(event.bytes, to: &out)
                records += 1
                scalars += 1
            }
        }
        return (out, records, scalars)
    }

    /// The few protobuf messages the benchmark writes (event.proto, summary.proto, tensor.proto).
    struct Encoder {
        var bytes: [UInt8] = []
        private var scratch: [UInt8] = []
        private var inner: [UInt8] = []

        private static func varint(_ v: UInt64, _ out: inout [UInt8]) {
            var v = v
            while v >= 0x80 {
                out.append(UInt8(v & 0x7F) | 0x80)
                v >>= 7
            }
            out.append(UInt8(v))
        }

        private static func lengthDelimited(_ field: UInt64, _ body: [UInt8], _ out: inout [UInt8]) {
            varint(field << 3 | 2, &out)
            varint(UInt64(body.count), &out)
            out.append(contentsOf: body)
        }

        private static func fixed32(_ field: UInt64, _ v: UInt32, _ out: inout [UInt8]) {
            varint(field << 3 | 5, &out)
            for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
        }

        private static func header(step: Int64, _ out: inout [UInt8]) {
            let wallTime = 1_700_000_000.0 + Double(step) * 0.25
            varint(1 << 3 | 1, &out)
            for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: wallTime.bitPattern >> (8 * UInt64(i)))) }
            varint(2 << 3, &out)
            varint(UInt64(bitPattern: step), &out)
        }

        /// The first event of every file: file_version.
        mutating func version() {
            bytes.removeAll(keepingCapacity: true)
            Self.header(step: 0, &bytes)
            Self.lengthDelimited(3, Array("brain.Event:2".utf8), &bytes)
        }

        /// Event { step, summary { value { tag, simple_value } } }
        mutating func simpleScalar(step: Int64, tag: String, value: Float) {
            scratch.removeAll(keepingCapacity: true)
            Self.lengthDelimited(1, Array(tag.utf8), &scratch)
            Self.fixed32(2, value.bitPattern, &scratch)
            finish(step: step)
        }

        /// Event { step, summary { value { tag, tensor { DT_FLOAT, shape {}, float_val }, metadata? } } }
        mutating func tensorScalar(step: Int64, tag: String, value: Float, metadata: Bool) {
            scratch.removeAll(keepingCapacity: true)
            Self.lengthDelimited(1, Array(tag.utf8), &scratch)
            inner.removeAll(keepingCapacity: true)
            Self.varint(1 << 3, &inner)
            Self.varint(1, &inner)  // DT_FLOAT
            Self.lengthDelimited(2, [], &inner)  // rank 0
            var packed: [UInt8] = []
            for i in 0..<4 { packed.append(UInt8(truncatingIfNeeded: value.bitPattern >> (8 * UInt32(i)))) }
            Self.lengthDelimited(5, packed, &inner)
            Self.lengthDelimited(8, inner, &scratch)
            if metadata {
                var plugin: [UInt8] = []
                Self.lengthDelimited(1, Array("scalars".utf8), &plugin)
                var meta: [UInt8] = []
                Self.lengthDelimited(1, plugin, &meta)
                Self.varint(4 << 3, &meta)
                Self.varint(1, &meta)  // DATA_CLASS_SCALAR
                Self.lengthDelimited(9, meta, &scratch)
            }
            finish(step: step)
        }

        private mutating func finish(step: Int64) {
            bytes.removeAll(keepingCapacity: true)
            Self.header(step: step, &bytes)
            var value: [UInt8] = []
            Self.lengthDelimited(1, scratch, &value)
            Self.lengthDelimited(5, value, &bytes)
        }
    }
}

extension TFRecord {
    static func append(_ payload: [UInt8], to out: inout [UInt8]) {
        payload.withUnsafeBytes { append($0, to: &out) }
    }
}
