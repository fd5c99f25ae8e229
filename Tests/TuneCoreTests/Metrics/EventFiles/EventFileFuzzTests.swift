import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

// Property tests of the TensorFlow event-file reader (EventFileReader and EventDecoding), with
// fixed seeds and a bounded number of cases: random bytes never crash them, and damaged files are
// reported as warnings, never read as readings they did not hold. (The other metric parsers'
// properties are in Metrics/MetricParserFuzzTests.swift.)

@Suite("Event file properties", .limitedParallelism)
struct EventFileFuzzTests {
    static let fixtures = Fixtures.folder.appendingPathComponent("events")

    struct Key: Hashable {
        var tag: String
        var step: Int
        var bits: UInt64
    }

    static func read(_ bytes: [UInt8], in folder: TemporaryFolder) throws -> (readings: [Key], warnings: [String]) {
        let path = folder.path("events.out.tfevents.1.fuzz")
        // Plain write(2): Data.write syncs to disk, which makes hundreds of cases slow.
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        try #require(written == bytes.count)
        var reader = EventFileReader(path: path, run: "")
        var readings: [MetricReading] = []
        var warnings: [String] = []
        reader.read(budget: .max, readings: &readings, warnings: &warnings)
        reader.warnIfCutShort(warnings: &warnings)
        return (readings.map { Key(tag: $0.tag, step: $0.step, bits: $0.value.bitPattern) }, warnings)
    }

    /// Gigabytes without a good record (a sparse file of zeros, a trial's hostile output): the
    /// search for the next good record gives the file up after `maxResync` bytes, says so once, and
    /// never reads it again; a good event file written after the garbage is not waited for either.
    @Test(.timeLimit(.minutes(10)))
    func aFileWithNoGoodRecordIsGivenUpNotSearchedToItsEnd() throws {
        let folder = try TemporaryFolder("tune-events-garbage")
        let path = folder.path("events.out.tfevents.1.zeros")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0 && ftruncate(fd, 8 << 30) == 0, "a sparse 8 GB file")
        close(fd)
        var reader = EventFileReader(path: path, run: "")
        var readings: [MetricReading] = []
        var warnings: [String] = []
        reader.read(budget: .max, readings: &readings, warnings: &warnings)
        #expect(reader.abandoned && readings.isEmpty)
        #expect(reader.offset <= EventFileReader.maxResync + (1 << 20), "searched \(reader.offset) bytes")
        #expect(warnings.count == 2 && warnings.last?.contains("no good record in the 16 MB") == true, "\(warnings)")
        let before = reader.offset
        reader.read(budget: .max, readings: &readings, warnings: &warnings)
        reader.warnIfCutShort(warnings: &warnings)
        #expect(reader.offset == before && warnings.count == 2, "not read again: \(warnings)")
    }

    @Test(
        .timeLimit(.minutes(10)),
        arguments: [
            "tf2/events.out.tfevents.1795372014.vm.8230.0.v2",
            "tensorboardx/events.out.tfevents.1795372018.vm",
            "pytorch/events.out.tfevents.1795372018.vm.8230.1",
        ])
    func damageIsWarnedAndNeverInventsReadings(fixture: String) throws {
        let original = try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent(fixture)))
        let folder = try TemporaryFolder("tune-events-fuzz")
        let clean = try Self.read(original, in: folder)
        try #require(!clean.readings.isEmpty && clean.warnings.isEmpty, "\(clean.warnings)")
        let known = Set(clean.readings)
        var rng = SeededGenerator(seed: 16)
        for round in 0..<150 {
            var bytes = original
            let kind = rng.next() % 4
            switch kind {
            case 0:  // one byte changed: every byte is under a checksum
                let at = Int(rng.next() % UInt64(bytes.count))
                bytes[at] ^= UInt8(truncatingIfNeeded: rng.next() % 255 + 1)
            case 1:  // cut short
                bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
            case 2:  // garbage appended
                bytes += (0..<(rng.next() % 64 + 1)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            default:  // a run of bytes overwritten
                let at = Int(rng.next() % UInt64(bytes.count))
                for i in at..<min(bytes.count, at + Int(rng.next() % 40) + 1) { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }
            }
            let damaged = try Self.read(bytes, in: folder)
            #expect(damaged.readings.allSatisfy(known.contains), "round \(round): a reading the file never held")
            if kind != 1 && bytes != original {
                #expect(!damaged.warnings.isEmpty, "round \(round) (kind \(kind)): damage goes unreported")
            }
            #expect(damaged.warnings.count <= EventFileReader.maxWarnings + 1)
            #expect(damaged.warnings.allSatisfy { $0.contains("events.out.tfevents.1.fuzz") }, "\(damaged.warnings)")
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func randomBytesNeverCrashTheReaderOrTheDecoder() throws {
        let folder = try TemporaryFolder("tune-events-fuzz")
        var rng = SeededGenerator(seed: 17)
        let frame = { (payload: [UInt8]) in TFRecord.frame(payload) }
        for _ in 0..<300 {
            let payload = (0..<(rng.next() % 200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            // Valid framing around random data reaches the protobuf decoder; bare random bytes the framing.
            let bytes = rng.next() % 2 == 0 ? frame(payload) + frame(Array(payload.reversed())) : payload
            _ = try Self.read(bytes, in: folder)
            var tags = TagTable(run: "")
            var readings: [MetricReading] = []
            _ = payload.withUnsafeBytes { try? EventDecoding.decode($0, tags: &tags, into: &readings) }
        }
    }
}
