import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// Everything in `folder` read by tune's own event reader.
private func readBack(_ folder: TemporaryFolder) -> [String] {
    var source = EventFilesSource(root: folder.path)
    return source.finish().map { "\($0.tag)=\($0.value)@\($0.step)" }
}

private func bytes(_ path: String) -> [UInt8] {
    Array(FileManager.default.contents(atPath: path) ?? Data())
}

private let version = SummaryEvent(wallTime: 1_700_000_000.25, body: .fileVersion)
private let loss = SummaryEvent(wallTime: 1_700_000_001, step: 3, body: .scalar(tag: "loss", value: 0.5))
private let accuracy = SummaryEvent(wallTime: 1_700_000_002, step: 7, body: .scalar(tag: "accuracy", value: 0.25))
private let start = HParamsPluginData.sessionStart(
    SessionStartInfo(hparams: [("lr", .number(0.01)), ("act", .string("relu"))], groupName: "", startTime: 1_700_000_000)
).event(wallTime: 1_700_000_000)

@Suite("Event file writer", .limitedParallelism)
struct SummaryEventWriterTests {
    @Test func varintsAndFieldsAsProtobufWritesThem() {
        var encoder = ProtoEncoder()
        encoder.varint(300)
        #expect(encoder.bytes == [0xAC, 0x02])
        encoder = ProtoEncoder()
        encoder.int(2, -1)
        #expect(encoder.bytes == [0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
        encoder = ProtoEncoder()
        encoder.string(1, "ab")
        encoder.double(2, 1)
        #expect(encoder.bytes == [0x0A, 2, 0x61, 0x62, 0x11, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
    }

    @Test func scalarsRoundTripThroughTunesReaderAndPluginSummariesAreNotReadings() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("events.out.tfevents.1700000000.host")
        #expect(EventFileWriter.update(path, events: [version, start, loss, accuracy]) == .success(.written))
        #expect(readBack(folder) == ["loss=0.5@3", "accuracy=0.25@7"])
    }

    @Test func everyRecordIsFramedWithMaskedCRC32C() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("events.out.tfevents.1.host")
        EventFileWriter.update(path, events: [version, start, loss])
        let file = bytes(path)
        // The file_version event is 24 bytes, as TensorFlow's own: the header every event file starts with.
        #expect(Array(file.prefix(12)) == [0x18, 0, 0, 0, 0, 0, 0, 0, 0xA3, 0x7F, 0x4B, 0x22])
        var offset = 0
        var records = 0
        while offset < file.count {
            try #require(file.count - offset >= 16)
            let header = Array(file[offset..<(offset + 8)])
            let length = header.enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            let stored = { (at: Int) in file[at..<(at + 4)].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) } }
            #expect(stored(offset + 8) == CRC32C.masked(CRC32C.checksum(header)))
            let data = Array(file[(offset + 12)..<(offset + 12 + length)])
            #expect(stored(offset + 12 + length) == CRC32C.masked(CRC32C.checksum(data)))
            offset += 16 + length
            records += 1
        }
        #expect(offset == file.count && records == 3)
    }

    @Test func updatesAppendCompleteACutRecordOrReplaceTheFileWhole() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("events.out.tfevents.1.host")
        #expect(EventFileWriter.update(path, events: [version, loss]) == .success(.written))
        #expect(EventFileWriter.update(path, events: [version, loss]) == .success(.unchanged))
        let whole = EventFileWriter.contents(of: [version, loss, accuracy])
        let before = bytes(path).count
        #expect(EventFileWriter.update(path, events: [version, loss, accuracy]) == .success(.appended(bytes: whole.count - before)))
        #expect(bytes(path) == whole)

        // A crash in the middle of the last append: the next update completes the record.
        let cut = Array(whole.prefix(whole.count - 5))
        try Data(cut).write(to: URL(fileURLWithPath: path))
        #expect(EventFileWriter.update(path, events: [version, loss, accuracy]) == .success(.appended(bytes: 5)))
        #expect(bytes(path) == whole)
        #expect(readBack(folder) == ["loss=0.5@3", "accuracy=0.25@7"])

        // Other content is replaced whole, through a temporary file that is gone afterwards.
        #expect(EventFileWriter.update(path, events: [version, accuracy]) == .success(.written))
        #expect(bytes(path) == EventFileWriter.contents(of: [version, accuracy]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["events.out.tfevents.1.host"])
    }

    @Test func tunesOwnHParamsFilesAreNotATrialsReadings() throws {
        let folder = try TemporaryFolder()
        EventFileWriter.update(folder.path("events.out.tfevents.1.tune-hparams"), events: [version, start, loss])
        #expect(readBack(folder).isEmpty)
        EventFileWriter.update(folder.path("events.out.tfevents.1.host"), events: [version, accuracy])
        #expect(readBack(folder) == ["accuracy=0.25@7"])
    }
}
