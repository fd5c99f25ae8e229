import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

private func render(_ readings: [MetricReading]) -> [String] {
    readings.map { "\($0.tag)=\($0.value)@\($0.step)" }
}

private let fileName = "events.out.tfevents.1700000000.host.123.0"

/// A source over `folder` that searches the folder again on every poll.
private func source(_ folder: TemporaryFolder) -> EventFilesSource {
    var source = EventFilesSource(root: folder.path)
    source.rescanInterval = .zero
    source.rescanCostFactor = 0
    return source
}

/// The bitwise definition, to check the sliced one against.
private func referenceCRC32C(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    }
    return ~crc
}

@Suite("CRC-32C", .limitedParallelism)
struct CRC32CTests {
    @Test func knownAnswers() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func maskedHeaderOfTheFirstRecordOfEveryEventFile() {
        // The file_version event TensorFlow writes first is 24 bytes; every event file starts
        // 18 00 00 00 00 00 00 00 a3 7f 4b 22.
        #expect(TFRecord.frame([UInt8](repeating: 0, count: 24)).prefix(12) == [0x18, 0, 0, 0, 0, 0, 0, 0, 0xA3, 0x7F, 0x4B, 0x22])
        #expect(CRC32C.masked(0) == 0xA282_EAD8)
    }

    @Test func slicedMatchesBitwiseAtEveryLengthAndAlignment() {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for start in 0..<9 {
            for length in stride(from: 0, through: 290, by: 7) {
                let slice = Array(bytes[start..<(start + length)])
                #expect(CRC32C.checksum(slice) == referenceCRC32C(slice))
            }
        }
        // Continuing a CRC over a split gives the CRC of the whole.
        let whole = CRC32C.checksum(bytes)
        let split = CRC32C.checksum(Array(bytes[100...]), continuing: CRC32C.checksum(Array(bytes[..<100])))
        #expect(whole == split)
    }
}

@Suite("EventFilesSource", .limitedParallelism)
struct EventFilesTests {
    // MARK: Scalar encodings

    @Test func simpleValues() throws {
        let folder = try TemporaryFolder("tune-events")
        try folder.write(
            fileName,
            EventProto.file([
                EventProto.fileVersion(),
                EventProto.event(step: 1, values: [EventProto.simpleValue(tag: "loss", 0.5), EventProto.simpleValue(tag: "accuracy", 0.25)]),
                EventProto.event(step: 2, values: [EventProto.simpleValue(tag: "loss", 0.375)]),
            ]))
        var events = source(folder)
        let readings = events.poll()
        #expect(render(readings) == ["loss=0.5@1", "accuracy=0.25@1", "loss=0.375@2"])
        #expect(readings.allSatisfy { $0.source == .events })
        #expect(events.poll().isEmpty)
        #expect(events.finish().isEmpty)
        #expect(events.takeWarnings().isEmpty)
    }

    @Test func tensorFloatValDoubleValAndUnpacked() throws {
        let folder = try TemporaryFolder("tune-events")
        let scalars = EventProto.metadata(plugin: "scalars", dataClass: 1)
        try folder.write(
            fileName,
            EventProto.file([
                EventProto.event(
                    step: 1,
                    values: [
                        EventProto.tensorValue(tag: "f", tensor: EventProto.tensor(dtype: .float, floats: [0.5]), metadata: scalars),
                        EventProto.tensorValue(tag: "d", tensor: EventProto.tensor(dtype: .double, doubles: [0.1]), metadata: scalars),
                        EventProto.tensorValue(tag: "u", tensor: EventProto.tensor(dtype: .float, floats: [2], packed: false), metadata: scalars),
                        EventProto.tensorValue(tag: "ud", tensor: EventProto.tensor(dtype: .double, doubles: [3], packed: false), metadata: scalars),
                    ])
            ]))
        var events = source(folder)
        #expect(render(events.poll()) == ["f=0.5@1", "d=0.1@1", "u=2.0@1", "ud=3.0@1"])
    }

    @Test func tensorContentPacked() throws {
        let folder = try TemporaryFolder("tune-events")
        let scalars = EventProto.metadata(plugin: "scalars")
        try folder.write(
            fileName,
            EventProto.file([
                EventProto.event(
                    step: 7,
                    values: [
                        EventProto.tensorValue(tag: "f", tensor: EventProto.tensor(dtype: .float, content: EventProto.littleEndian([Float(0.75)])), metadata: scalars),
                        EventProto.tensorValue(tag: "d", tensor: EventProto.tensor(dtype: .double, content: EventProto.littleEndian([0.123456789])), metadata: scalars),
                    ])
            ]))
        var events = source(folder)
        #expect(render(events.poll()) == ["f=0.75@7", "d=0.123456789@7"])
    }

    @Test func integerAndHalfTensors() throws {
        let folder = try TemporaryFolder("tune-events")
        let scalars = EventProto.metadata(plugin: "scalars")
        try folder.write(
            fileName,
            EventProto.file([
                EventProto.event(
                    step: 1,
                    values: [
                        EventProto.tensorValue(tag: "i32", tensor: EventProto.tensor(dtype: .int32, ints: [-3]), metadata: scalars),
                        EventProto.tensorValue(tag: "i64", tensor: EventProto.tensor(dtype: .int64, int64s: [1 << 40]), metadata: scalars),
                        EventProto.tensorValue(tag: "half", tensor: EventProto.tensor(dtype: .half, halves: [0x3E00]), metadata: scalars),  // 1.5
                        EventProto.tensorValue(tag: "bf16", tensor: EventProto.tensor(dtype: .bfloat16, halves: [0x4040]), metadata: scalars),  // 3.0
                        EventProto.tensorValue(tag: "halfc", tensor: EventProto.tensor(dtype: .half, content: [0x00, 0xC0]), metadata: scalars),  // -2
                    ])
            ]))
        var events = source(folder)
        #expect(render(events.poll()) == ["i32=-3.0@1", "i64=1099511627776.0@1", "half=1.5@1", "bf16=3.0@1", "halfc=-2.0@1"])
    }

    @Test func metadataOnlyOnTheFirstEventOfATag() throws {
        let folder = try TemporaryFolder("tune-events")
        try folder.write(
            fileName,
            EventProto.file([
                EventProto.fileVersion(),
                EventProto.event(step: 0, values: [EventProto.tf2Scalar(tag: "epoch_loss", 1.0, first: true)]),
                EventProto.event(step: 1, values: [EventProto.tf2Scalar(tag: "epoch_loss", 0.5, first: false)]),
                // Rank [1] without metadata is a reading only because the tag's metadata said scalars.
                EventProto.event(step: 2, values: [EventProto.tensorValue(tag: "epoch_loss", tensor: EventProto.tensor(dtype: .float, dims: [1], floats: [0.25]))]),
            ]))
        var events = source(folder)
        #expect(render(events.poll()) == ["epoch_loss=1.0@0", "epoch_loss=0.5@1", "epoch_loss=0.25@2"])
    }

    @Test func tensorsWithoutMetadataCountWhenRankZeroNumbers() throws {
        let folder = try TemporaryFolder("tune-events")
        try folder.write(
            fileName,
            EventProto.file([
                EventProto.event(
                    step: 3,
                    values: [
                        EventProto.tensorValue(tag: "bare", tensor: EventProto.tensor(dtype: .float, floats: [0.5])),
                        EventProto.tensorValue(tag: "vector", tensor: EventProto.tensor(dtype: .float, dims: [1], floats: [0.5])),
                        EventProto.tensorValue(tag: "pair", tensor: EventProto.tensor(dtype: .float, dims: [2], floats: [0.5, 1])),
                        EventProto.tensorValue(tag: "text", tensor: EventProto.tensor(dtype: .string)),
                    ])
            ]))
        var events = source(folder)
        #expect(render(events.poll()) == ["bare=0.5@3"])
    }

    @Test func dataClassScalarWithoutPluginName() throws {
        let folder = try TemporaryFolder("tune-events")
        try folder.write(
            fileName,
            EventProto.file([
                EventProto.event(
                    step: 1,
                    values: [
                        EventProto.tensorValue(
                            tag: "x", tensor: EventProto.tensor(dtype: .double, dims: [1], doubles: [4]),
                            metadata: EventProto.metadata(plugin: nil, dataClass: 1))
                    ])
            ]))
        var events = source(folder)
        #expect(render(events.poll()) == ["x=4.0@1"])
    }

    @Test func nonScalarPluginsAreIgnored() throws {
        let folder = try TemporaryFolder("tune-events")
        let histogram = EventProto.tensor(dtype: .double, dims: [2, 3], doubles: [0, 1, 5, 1, 2, 7])
        try folder.write(
            fileName,
            EventProto.file([
                EventProto.event(
                    step: 1,
                    values: [
                        EventProto.tensorValue(tag: "weights", tensor: histogram, metadata: EventProto.metadata(plugin: "histograms")),
                        EventProto.imageValue(tag: "samples"),
                        EventProto.tensorValue(
                            tag: "images", tensor: EventProto.tensor(dtype: .string, dims: [3]),
                            metadata: EventProto.metadata(plugin: "images", dataClass: 3)),
                        EventProto.tensorValue(
                            tag: "note", tensor: EventProto.tensor(dtype: .string),
                            metadata: EventProto.metadata(plugin: "text")),
                        EventProto.tensorValue(
                            tag: "_hparams_/session_start_info", tensor: EventProto.tensor(dtype: .float, floats: [0]),
                            metadata: EventProto.metadata(plugin: "hparams", content: [1, 2, 3])),
                        EventProto.simpleValue(tag: "loss", 0.5),
                    ]),
                // Later events of a histogram tag without metadata: still not readings, even a rank-0 float.
                EventProto.event(
                    step: 2,
                    values: [
                        EventProto.tensorValue(tag: "weights", tensor: EventProto.tensor(dtype: .float, floats: [1])),
                        EventProto.tensorValue(tag: "_hparams_/session_start_info", tensor: EventProto.tensor(dtype: .float, floats: [0])),
                    ]),
            ]))
        var events = source(folder)
        #expect(render(events.poll()) == ["loss=0.5@1"])
        #expect(events.takeWarnings().isEmpty)
    }

    @Test func pluginIsRememberedPerFile() throws {
        // The same tag in another run's file has its own metadata.
        let folder = try TemporaryFolder("tune-events")
        try folder.write(
            "a/" + fileName,
            EventProto.file([
                EventProto.event(
                    step: 1,
                    values: [
                        EventProto.tensorValue(
                            tag: "x", tensor: EventProto.tensor(dtype: .float, floats: [1]),
                            metadata: EventProto.metadata(plugin: "histograms"))
                    ])
            ]))
        try folder.write(
            "b/" + fileName,
            EventProto.file([
                EventProto.event(step: 1, values: [EventProto.tensorValue(tag: "x", tensor: EventProto.tensor(dtype: .float, floats: [2]))])
            ]))
        var events = source(folder)
        #expect(render(events.poll()) == ["b/x=2.0@1"])
    }

    @Test func stepsAreTheEventsAndLargeStepsKept() throws {
        let folder = try TemporaryFolder("tune-events")
        try folder.write(
            fileName,
            EventProto.file([
                EventProto.event(step: Int64.max, values: [EventProto.simpleValue(tag: "a", 1)]),
                EventProto.event(step: -5, values: [EventProto.simpleValue(tag: "a", 2)]),
            ]))
        var events = source(folder)
        #expect(render(events.poll()) == ["a=1.0@\(Int.max)", "a=2.0@-5"])
    }

    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        var value = ProtoWriter()
        value.varintField(15, 300)
        value.stringField(1, "loss")
        value.key(16, 1)
        value.fixed64(42)
        value.key(17, 3)
        value.varintField(1, 5)
        value.key(2, 3)
        value.key(2, 4)
        value.key(17, 4)  // nested group
        value.key(18, 5)
        value.fixed32(7)
        value.stringField(7, "node")
        value.floatField(2, 0.5)
        var event = ProtoWriter()
        event.doubleField(1, 1)
        event.varintField(2, 9)
        event.bytesField(6, [8, 1])  // log_message
        var summary = ProtoWriter()
        summary.bytesField(1, value.bytes)
        summary.varintField(3, 1)
        event.bytesField(5, summary.bytes)
        event.varintField(20, 1)
        let folder = try TemporaryFolder("tune-events")
        try folder.write(fileName, TFRecord.frame(event.bytes))
        var events = source(folder)
        #expect(render(events.poll()) == ["loss=0.5@9"])
        #expect(events.takeWarnings().isEmpty)
    }

    // MARK: Runs

    @Test func runsAreFoldersRelativeToTheRoot() throws {
        let folder = try TemporaryFolder("tune-events")
        let one = { (tag: String, v: Float) in EventProto.file([EventProto.event(step: 1, values: [EventProto.simpleValue(tag: tag, v)])]) }
        try folder.write("train/" + fileName, one("epoch_accuracy", 0.5))
        try folder.write("validation/events.out.tfevents.1.host", one("epoch_accuracy", 0.25))
        try folder.write(fileName, one("loss", 1))
        try folder.write("logs/fit/run1/train/" + fileName, one("epoch_loss", 2))
        try folder.write("validation/not-an-event-file", one("x", 3))
        var events = source(folder)
        #expect(
            Set(render(events.poll())) == [
                "train/epoch_accuracy=0.5@1", "validation/epoch_accuracy=0.25@1", "loss=1.0@1", "logs/fit/run1/train/epoch_loss=2.0@1",
            ])
    }

    @Test func severalFilesInAFolderAreOneRun() throws {
        let folder = try TemporaryFolder("tune-events")
        try folder.write("train/events.out.tfevents.1.host", EventProto.file([EventProto.event(step: 1, values: [EventProto.simpleValue(tag: "loss", 1)])]))
        try folder.write("train/events.out.tfevents.2.host", EventProto.file([EventProto.event(step: 2, values: [EventProto.simpleValue(tag: "loss", 2)])]))
        var events = source(folder)
        #expect(render(events.poll()) == ["train/loss=1.0@1", "train/loss=2.0@2"])
    }

    @Test func symlinkLoopsEndTheWalk() throws {
        let folder = try TemporaryFolder("tune-events")
        try folder.write("train/" + fileName, EventProto.file([EventProto.event(step: 1, values: [EventProto.simpleValue(tag: "loss", 1)])]))
        try FileManager.default.createSymbolicLink(atPath: folder.path("train/up"), withDestinationPath: folder.path)
        try FileManager.default.createSymbolicLink(atPath: folder.path("self"), withDestinationPath: ".")
        var events = source(folder)
        #expect(render(events.poll()) == ["train/loss=1.0@1"])
    }

    /// Links to `/`, to a folder above the root and to a folder beside it are passed over; a link
    /// to a folder inside the root is followed (its run named by the link).
    @Test func linksOutOfTheRootAreNotFollowed() throws {
        let top = try TemporaryFolder("tune-events")
        let one = EventProto.file([EventProto.event(step: 1, values: [EventProto.simpleValue(tag: "loss", 1)])])
        try top.write("beside/" + fileName, one)
        try top.write("trial/runs/1/" + fileName, one)
        let trial = top.path("trial")
        for (name, target) in [("root", "/"), ("up", top.path), ("parent", ".."), ("beside", top.path("beside")), ("latest", "runs/1")] {
            try FileManager.default.createSymbolicLink(atPath: trial + "/" + name, withDestinationPath: target)
        }
        let found = EventFileFinder.scan(root: trial)
        #expect(found.found.map(\.run) == ["latest"], "\(found)")
        #expect(!found.stoppedEarly)
    }

    /// An event file with ever new tags: readings of tags past `TagTable.maxTags` are not read, and
    /// the known ones still are.
    @Test func distinctTagsOfAFileAreBounded() throws {
        let folder = try TemporaryFolder("tune-events")
        let limit = TagTable.maxTags
        var written = (0..<(limit + 500)).map { EventProto.event(step: 1, values: [EventProto.simpleValue(tag: "t\($0)", 1)]) }
        written.append(EventProto.event(step: 2, values: [EventProto.simpleValue(tag: "t0", 2)]))
        try folder.write(fileName, EventProto.file(written))
        var events = source(folder)
        let readings = events.finish()
        #expect(readings.count == limit + 1)
        #expect(render(readings.suffix(1)) == ["t0=2.0@2"])
    }

    /// Past `maxFiles` event files, the files found later are not read, with one warning.
    @Test func eventFilesPastTheLimitAreNotRead() throws {
        let folder = try TemporaryFolder("tune-events")
        for i in 1...5 {
            try folder.write("run\(i)/" + fileName, EventProto.file([EventProto.event(step: 1, values: [EventProto.simpleValue(tag: "loss", Float(i))])]))
        }
        var events = source(folder)
        events.maxFiles = 3
        #expect(render(events.poll()) == ["run1/loss=1.0@1", "run2/loss=2.0@1", "run3/loss=3.0@1"])
        #expect(events.finish().isEmpty)
        let warnings = events.takeWarnings()
        #expect(warnings.count == 1 && warnings[0].contains("more than 3 event files"), "\(warnings)")
    }

    /// A search stops after `maxEntries` entries, and the source says so once.
    @Test func aHugeTreeIsSearchedOnlySoFar() throws {
        let folder = try TemporaryFolder("tune-events")
        for i in 0..<30 { try folder.write("data/\(i)", "") }
        try folder.write("z/" + fileName, EventProto.file([EventProto.event(step: 1, values: [EventProto.simpleValue(tag: "loss", 1)])]))
        let scan = EventFileFinder.scan(root: folder.path, maxEntries: 10)
        #expect(scan.stoppedEarly && scan.found.isEmpty)
        #expect(EventFileFinder.scan(root: folder.path, maxEntries: 40).found.count == 1)
    }

    /// A FIFO, found as an event file or put in its place, is never opened for reading (the open
    /// would wait for a writer).
    @Test func aFIFOInPlaceOfAnEventFileIsNotOpened() throws {
        let folder = try TemporaryFolder("tune-events")
        try folder.write("a/" + fileName, EventProto.file([EventProto.event(step: 1, values: [EventProto.simpleValue(tag: "loss", 1)])]))
        #expect(mkfifo(folder.path("events.out.tfevents.2.fifo"), 0o644) == 0)
        var events = source(folder)
        #expect(render(events.poll()) == ["a/loss=1.0@1"])
        try FileManager.default.removeItem(atPath: folder.path("a/" + fileName))
        #expect(mkfifo(folder.path("a/" + fileName), 0o644) == 0)
        #expect(events.poll().isEmpty)
        #expect(events.finish().isEmpty)
    }

    // MARK: Incremental reading

    @Test func aRecordWrittenInTwoHalvesIsReadOnceWhenComplete() throws {
        let folder = try TemporaryFolder("tune-events")
        let first = TFRecord.frame(EventProto.event(step: 1, values: [EventProto.simpleValue(tag: "loss", 1)]))
        let second = TFRecord.frame(EventProto.event(step: 2, values: [EventProto.simpleValue(tag: "loss", 2)]))
        try folder.write(fileName, first + second.prefix(5))
        var events = source(folder)
        #expect(render(events.poll()) == ["loss=1.0@1"])
        #expect(events.poll().isEmpty)
        try folder.append(fileName, Array(second[5..<20]))
        #expect(events.poll().isEmpty)
        try folder.append(fileName, Array(second[20...]))
        #expect(render(events.poll()) == ["loss=2.0@2"])
        #expect(events.poll().isEmpty)
        #expect(events.finish().isEmpty)
        #expect(events.takeWarnings().isEmpty)
    }

    @Test func everyByteBoundary() throws {
        // Appending one byte at a time gives each reading exactly once.
        let folder = try TemporaryFolder("tune-events")
        let bytes = EventProto.file((1...3).map { EventProto.event(step: Int64($0), values: [EventProto.tf2Scalar(tag: "acc", Float($0), first: $0 == 1)]) })
        try folder.write(fileName, [])
        var events = source(folder)
        var readings: [MetricReading] = []
        for byte in bytes {
            try folder.append(fileName, [byte])
            readings += events.poll()
        }
        readings += events.finish()
        #expect(render(readings) == ["acc=1.0@1", "acc=2.0@2", "acc=3.0@3"])
        #expect(events.takeWarnings().isEmpty)
    }

    @Test func filesAppearingBetweenPolls() throws {
        let folder = try TemporaryFolder("tune-events")
        var events = source(folder)
        #expect(events.poll().isEmpty)
        try folder.write("train/" + fileName, EventProto.file([EventProto.event(step: 1, values: [EventProto.simpleValue(tag: "loss", 1)])]))
        #expect(render(events.poll()) == ["train/loss=1.0@1"])
        try folder.write("validation/" + fileName, EventProto.file([EventProto.event(step: 1, values: [EventProto.simpleValue(tag: "loss", 2)])]))
        #expect(render(events.poll()) == ["validation/loss=2.0@1"])
    }

    @Test func finishSearchesAgainEvenWithinTheInterval() throws {
        let folder = try TemporaryFolder("tune-events")
        var events = EventFilesSource(root: folder.path)  // the default interval of a second
        #expect(events.poll().isEmpty)
        try folder.write(fileName, EventProto.file([EventProto.event(step: 1, values: [EventProto.simpleValue(tag: "loss", 1)])]))
        #expect(events.poll().isEmpty)  // not searched again yet
        #expect(render(events.finish()) == ["loss=1.0@1"])
    }

    @Test func missingRootAndEmptyFile() throws {
        var missing = EventFilesSource(root: "/nonexistent/tune-events-test")
        #expect(missing.poll().isEmpty)
        #expect(missing.finish().isEmpty)
        #expect(missing.takeWarnings().isEmpty)

        let folder = try TemporaryFolder("tune-events")
        try folder.write(fileName, [])
        var events = source(folder)
        #expect(events.poll().isEmpty)
        #expect(events.finish().isEmpty)
        #expect(events.takeWarnings().isEmpty)
    }

    // MARK: Damage

    private static func threeRecords() -> (bytes: [UInt8], offsets: [Int]) {
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        for step in 1...3 {
            offsets.append(bytes.count)
            bytes += TFRecord.frame(EventProto.event(step: Int64(step), values: [EventProto.simpleValue(tag: "loss", Float(step))]))
        }
        return (bytes, offsets)
    }

    @Test func aFlippedPayloadByteSkipsThatRecordOnly() throws {
        var (bytes, offsets) = Self.threeRecords()
        bytes[offsets[1] + 20] ^= 0x10
        let folder = try TemporaryFolder("tune-events")
        try folder.write(fileName, bytes)
        var events = source(folder)
        #expect(render(events.poll()) == ["loss=1.0@1", "loss=3.0@3"])
        #expect(events.takeWarnings() == ["\(folder.path(fileName)): record at offset \(offsets[1]) has a bad checksum; skipped"])
        #expect(events.poll().isEmpty)
        #expect(events.finish().isEmpty)
        #expect(events.takeWarnings().isEmpty)
    }

    @Test func aFlippedLengthByteResynchronises() throws {
        var (bytes, offsets) = Self.threeRecords()
        bytes[offsets[1]] ^= 0x01
        let folder = try TemporaryFolder("tune-events")
        try folder.write(fileName, bytes)
        var events = source(folder)
        #expect(render(events.poll()) == ["loss=1.0@1", "loss=3.0@3"])
        let warnings = events.takeWarnings()
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("record at offset \(offsets[1]) has a bad length checksum") == true)
        #expect(events.finish().isEmpty)
        #expect(events.takeWarnings().isEmpty)
    }

    @Test func resynchronisingWaitsForTheNextRecord() throws {
        // The damage is at the end: nothing valid after it yet; the next record, appended later, is found.
        let (good, _) = Self.threeRecords()
        var bad = TFRecord.frame(EventProto.event(step: 4, values: [EventProto.simpleValue(tag: "loss", 4)]))
        bad[3] ^= 0x40
        let folder = try TemporaryFolder("tune-events")
        try folder.write(fileName, good + bad)
        var events = source(folder)
        #expect(render(events.poll()) == ["loss=1.0@1", "loss=2.0@2", "loss=3.0@3"])
        #expect(events.takeWarnings().count == 1)
        #expect(events.poll().isEmpty)
        #expect(events.takeWarnings().isEmpty)  // not said again
        try folder.append(fileName, TFRecord.frame(EventProto.event(step: 5, values: [EventProto.simpleValue(tag: "loss", 5)])))
        #expect(render(events.poll()) == ["loss=5.0@5"])
        #expect(events.finish().isEmpty)
        #expect(events.takeWarnings().isEmpty)
    }

    @Test func aTruncatedFileWarnsAtFinish() throws {
        let (bytes, offsets) = Self.threeRecords()
        let folder = try TemporaryFolder("tune-events")
        try folder.write(fileName, Array(bytes.dropLast(3)))
        var events = source(folder)
        #expect(render(events.poll()) == ["loss=1.0@1", "loss=2.0@2"])
        #expect(events.takeWarnings().isEmpty)  // the writer may still be going
        #expect(events.finish().isEmpty)
        #expect(
            events.takeWarnings() == [
                "\(folder.path(fileName)): the last record at offset \(offsets[2]) is cut short (the writer stopped mid-record); its data is ignored"
            ])
        #expect(events.finish().isEmpty)
        #expect(events.takeWarnings().isEmpty)
    }

    @Test func aFileThatShrinksIsReadAgain() throws {
        let (bytes, _) = Self.threeRecords()
        let folder = try TemporaryFolder("tune-events")
        try folder.write(fileName, bytes)
        var events = source(folder)
        #expect(events.poll().count == 3)
        try folder.rewriteInPlace(fileName, EventProto.file([EventProto.event(step: 1, values: [EventProto.simpleValue(tag: "loss", 9)])]))
        #expect(render(events.poll()) == ["loss=9.0@1"])
        let warnings = events.takeWarnings()
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("reading it again from the start") == true)
    }

    @Test func aReplacedFileIsReadAgain() throws {
        let (bytes, _) = Self.threeRecords()
        let folder = try TemporaryFolder("tune-events")
        try folder.write(fileName, bytes)
        var events = source(folder)
        #expect(events.poll().count == 3)
        // A new file (new inode: written beside it, then renamed over it) under the same name, longer than the old one.
        let replacement = bytes + TFRecord.frame(EventProto.event(step: 4, values: [EventProto.simpleValue(tag: "loss", 4)]))
        try Data(replacement).write(to: URL(fileURLWithPath: folder.path(fileName)), options: .atomic)
        #expect(events.poll().count == 4)
        #expect(events.takeWarnings().count == 1)
    }

    @Test func malformedProtobufInsideAValidRecord() throws {
        let folder = try TemporaryFolder("tune-events")
        var truncatedVarint = ProtoWriter()
        truncatedVarint.doubleField(1, 1)
        truncatedVarint.bytes += [0x10, 0xFF, 0xFF]  // step: a varint that never ends
        var lengthBeyond = ProtoWriter()
        lengthBeyond.varintField(2, 3)
        lengthBeyond.bytes += [0x2A, 0x7F, 0x0A]  // summary of 127 bytes, 1 there
        // A good value followed by a bad one in the same summary: neither is read.
        var summary = ProtoWriter()
        summary.bytesField(1, EventProto.simpleValue(tag: "loss", 7))
        summary.bytes += [0x0A, 0x05, 0x0A, 0x09]  // a value whose tag claims 9 bytes of 3
        summary.bytes += [0x61, 0x62, 0x63]
        var partial = ProtoWriter()
        partial.varintField(2, 4)
        partial.bytesField(5, summary.bytes)
        let badWire = [UInt8]([0x0F, 0x00])  // wire type 7
        let records: [[UInt8]] = [
            EventProto.event(step: 1, values: [EventProto.simpleValue(tag: "loss", 1)]),
            truncatedVarint.bytes, lengthBeyond.bytes, partial.bytes, badWire,
            EventProto.event(step: 5, values: [EventProto.simpleValue(tag: "loss", 5)]),
        ]
        try folder.write(fileName, EventProto.file(records))
        var events = source(folder)
        #expect(render(events.poll()) == ["loss=1.0@1", "loss=5.0@5"])
        let warnings = events.takeWarnings()
        #expect(warnings.count == 4)
        #expect(warnings.allSatisfy { $0.contains("is not a valid Event") })
        #expect(warnings.first?.contains("record at offset \(TFRecord.frame(records[0]).count)") == true)
    }

    @Test func aRecordTooLongToHoldIsSkippedByItsLength() throws {
        // A record header claiming 70 MiB (more than is ever held in memory), its bytes a sparse
        // hole, then a good record: the long one is skipped without being read.
        let folder = try TemporaryFolder("tune-events")
        let length = 70 << 20
        var header = ProtoWriter()
        header.fixed64(UInt64(length))
        let lengthCRC = CRC32C.masked(CRC32C.checksum(header.bytes))
        header.fixed32(lengthCRC)
        let first = TFRecord.frame(EventProto.event(step: 1, values: [EventProto.simpleValue(tag: "loss", 1)]))
        try folder.write(fileName, first + header.bytes)
        var events = source(folder)
        #expect(render(events.poll()) == ["loss=1.0@1"])
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.path(fileName)))
        try handle.truncate(atOffset: UInt64(first.count + 12 + length + 4))
        try handle.close()
        try folder.append(fileName, TFRecord.frame(EventProto.event(step: 2, values: [EventProto.simpleValue(tag: "loss", 2)])))
        #expect(render(events.poll()) == ["loss=2.0@2"])
        #expect(events.finish().isEmpty)
        #expect(events.takeWarnings().isEmpty)
    }

    @Test func aRecordLongerThanAChunkIsRead() throws {
        // A 5 MiB value (a big text summary) in a record longer than the 4 MiB chunk, between scalars.
        let folder = try TemporaryFolder("tune-events")
        let big = EventProto.tensorValue(
            tag: "log", tensor: EventProto.tensor(dtype: .string, content: [UInt8](repeating: 0x41, count: 5 << 20)),
            metadata: EventProto.metadata(plugin: "text"))
        try folder.write(
            fileName,
            EventProto.file([
                EventProto.event(step: 1, values: [EventProto.simpleValue(tag: "loss", 1)]),
                EventProto.event(step: 2, values: [big, EventProto.simpleValue(tag: "loss", 2)]),
                EventProto.event(step: 3, values: [EventProto.simpleValue(tag: "loss", 3)]),
            ]))
        var events = source(folder)
        #expect(render(events.poll()) == ["loss=1.0@1", "loss=2.0@2", "loss=3.0@3"])
        #expect(events.takeWarnings().isEmpty)
    }

    @Test func garbageFileEndsQuickly() throws {
        let folder = try TemporaryFolder("tune-events")
        var rng = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 1 << 20)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        try folder.write("events.out.tfevents.x", bytes)
        var events = source(folder)
        let clock = ContinuousClock()
        let took = clock.measure {
            _ = events.poll()
            _ = events.poll()
            _ = events.finish()
        }
        #expect(took < .seconds(10))
        #expect(events.takeWarnings().count <= EventFileReader.maxWarnings)
    }

    @Test func damagedCopiesOfAGoodFileNeverCrash() throws {
        // 300 copies of a file of mixed events, each with a few bytes changed (checksums fixed up
        // half the time, so the protobuf decoder sees the damage) or cut at a random length.
        var good: [[UInt8]] = [EventProto.fileVersion()]
        for step in 1...6 {
            good.append(
                EventProto.event(
                    step: Int64(step),
                    values: [
                        EventProto.tf2Scalar(tag: "epoch_loss", Float(step), first: step == 1),
                        EventProto.simpleValue(tag: "loss", Float(step)),
                        EventProto.tensorValue(
                            tag: "w", tensor: EventProto.tensor(dtype: .double, dims: [2, 2], doubles: [1, 2, 3, 4]),
                            metadata: EventProto.metadata(plugin: "histograms")),
                    ]))
        }
        var state: UInt64 = 0x1234_5678_9ABC_DEF1
        func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
        let folder = try TemporaryFolder("tune-events")
        for round in 0..<300 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                var payloads = good
                for _ in 0..<(1 + next(4)) {
                    let i = next(payloads.count)
                    payloads[i][next(payloads[i].count)] ^= UInt8(1 + next(255))
                }
                bytes = EventProto.file(payloads)
            } else {
                bytes = EventProto.file(good)
                for _ in 0..<(1 + next(4)) { bytes[next(bytes.count)] ^= UInt8(1 + next(255)) }
                if round % 3 == 0 { bytes = Array(bytes.prefix(next(bytes.count))) }
            }
            try folder.write("r\(round)/" + fileName, bytes)
        }
        var events = source(folder)
        let readings = events.poll() + events.finish()
        #expect(readings.count <= 300 * 12)
        _ = events.takeWarnings()
    }

    @Test func manyBadRecordsAreReportedOnlyAFewTimes() throws {
        var bytes: [UInt8] = []
        for step in 1...50 {
            var record = TFRecord.frame(EventProto.event(step: Int64(step), values: [EventProto.simpleValue(tag: "loss", 1)]))
            record[record.count - 1] ^= 0xFF
            bytes += record
        }
        let folder = try TemporaryFolder("tune-events")
        try folder.write(fileName, bytes)
        var events = source(folder)
        #expect(events.poll().isEmpty)
        let warnings = events.takeWarnings()
        #expect(warnings.count == EventFileReader.maxWarnings)
        #expect(warnings.last?.contains("further problems in this file are not reported") == true)
    }
}
