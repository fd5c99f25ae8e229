import Foundation
import Testing
import TuneCore
import TuneTestSupport

/// Event files written by the real writers (make_fixtures.sh regenerates them), read by tune and
/// compared with what TensorBoard's own reader found in them (expected.json).
@Suite("Event files from real writers", .limitedParallelism)
struct EventFixtureTests {
    static let folder = Fixtures.path("events")

    struct Reading: Hashable, Comparable, CustomStringConvertible {
        var tag: String
        var step: Int
        var value: Double
        static func < (a: Reading, b: Reading) -> Bool { (a.tag, a.step, a.value) < (b.tag, b.step, b.value) }
        var description: String { "\(tag)@\(step)=\(value)" }
    }

    static func expected(_ writer: String) throws -> [Reading] {
        struct Entry: Decodable {
            var tag: String
            var step: Int
            var value: Double
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/expected.json"))
        let all = try JSONDecoder().decode([String: [Entry]].self, from: data)
        return (all[writer] ?? []).map { Reading(tag: $0.tag, step: $0.step, value: $0.value) }.sorted()
    }

    static func read(_ folder: String) -> (readings: [Reading], warnings: [String], raw: [MetricReading]) {
        var source = EventFilesSource(root: folder)
        let raw = source.finish()
        return (raw.map { Reading(tag: $0.tag, step: $0.step, value: $0.value) }.sorted(), source.takeWarnings(), raw)
    }

    @Test("every scalar TensorBoard reads, and nothing else", arguments: ["tf2", "keras", "tf1", "pytorch", "tensorboardx"])
    func matchesTensorBoard(writer: String) throws {
        let expected = try Self.expected(writer)
        try #require(!expected.isEmpty, "expected.json has readings for \(writer)")
        let (readings, warnings, raw) = Self.read(Self.folder + "/" + writer)
        #expect(readings == expected)
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(raw.allSatisfy { $0.source == .events })
    }

    @Test func kerasRunsAreQualifiedAndTheTagResolves() throws {
        let (_, _, raw) = Self.read(Self.folder + "/keras")
        #expect(MetricTagMatch.resolve("validation/epoch_accuracy", in: raw) == .found(tag: "validation/epoch_accuracy", source: .events, alsoIn: []))
        // In train/ and validation/: the evaluation run is the objective.
        #expect(MetricTagMatch.resolve("epoch_accuracy", in: raw) == .found(tag: "validation/epoch_accuracy", source: .events, alsoIn: []))
        // TensorFlow 1's spelling reads TensorFlow 2's metric; two runs, neither evaluating, stay ambiguous.
        #expect(MetricTagMatch.resolve("epoch_acc", in: raw) == .found(tag: "validation/epoch_accuracy", source: .events, alsoIn: []))
        let twoRuns = raw.filter { $0.tag.hasPrefix("train/") }.flatMap {
            [
                MetricReading(tag: "a/" + $0.tag, value: $0.value, step: $0.step, source: .events),
                MetricReading(tag: "b/" + $0.tag, value: $0.value, step: $0.step, source: .events),
            ]
        }
        #expect(MetricTagMatch.resolve("epoch_accuracy", in: twoRuns) == .ambiguous(choices: ["a/train/epoch_accuracy", "b/train/epoch_accuracy"]))
        #expect(
            MetricTagMatch.resolve(
                "acc",
                in: [
                    MetricReading(tag: "accuracy", value: 0.5, step: 1, source: .stdout),
                    MetricReading(tag: "acc", value: 0.7, step: 1, source: .stdout),
                ]
            ).readings(from: []).isEmpty)
        #expect(
            MetricTagMatch.resolve(
                "acc",
                in: [
                    MetricReading(tag: "accuracy", value: 0.5, step: 1, source: .stdout),
                    MetricReading(tag: "acc", value: 0.7, step: 1, source: .stdout),
                ])
                == .found(tag: "acc", source: .stdout, alsoIn: []), "the config's own spelling first")
        #expect(MetricTagMatch.resolve("epoch_learning_rate", in: raw) == .found(tag: "train/epoch_learning_rate", source: .events, alsoIn: []))
        #expect(KerasMetricNames.hint(for: "val_acc", seen: ["validation/epoch_accuracy"]) == nil)
        #expect(KerasMetricNames.hint(for: "epoch_acc", seen: ["validation/epoch_accuracy"])?.contains("validation/epoch_accuracy") == true)
        // Either way round, the `acc` spelling is TensorFlow 1's and the `accuracy` one TensorFlow 2's.
        #expect(
            KerasMetricNames.hint(for: "val_accuracy", seen: ["val_acc"])
                == "did you mean 'val_acc'? TensorFlow 2's Keras (tf.keras, Keras 3) logs 'val_accuracy' where TensorFlow 1's Keras logged 'val_acc'")
        #expect(
            KerasMetricNames.hint(for: "acc", seen: ["loss", "accuracy"])
                == "did you mean 'accuracy'? TensorFlow 2's Keras (tf.keras, Keras 3) logs 'accuracy' where TensorFlow 1's Keras logged 'acc'")
    }

    @Test func truncatedFileKeepsTheCompleteRecordsAndWarns() throws {
        let all = try Self.expected("tf2")
        let (readings, warnings, _) = Self.read(Self.folder + "/truncated")
        #expect(Set(readings).isSubset(of: Set(all)))
        #expect(readings.count >= all.count - 1, "only the cut record is lost: \(readings.count) of \(all.count)")
        #expect(warnings.count == 1, "\(warnings)")
        #expect(warnings.first?.contains("cut short") == true, "\(warnings)")
    }

    @Test func flippedByteIsReportedOnceWithItsOffsetAndReadingGoesOn() throws {
        let all = try Self.expected("tf2")
        let (readings, warnings, _) = Self.read(Self.folder + "/flipped")
        #expect(Set(readings).isSubset(of: Set(all)))
        #expect(readings.count >= all.count - 1, "at most the damaged record is lost: \(readings.count) of \(all.count)")
        #expect(warnings.count == 1, "\(warnings)")
        #expect(warnings.first?.contains("offset") == true, "\(warnings)")
        #expect(warnings.first?.contains("events.out.tfevents.1.flipped") == true, "\(warnings)")
    }

    @Test func emptyFileGivesNothingAndNoWarning() {
        let (readings, warnings, _) = Self.read(Self.folder + "/empty")
        #expect(readings.isEmpty)
        #expect(warnings.isEmpty)
    }

    /// A real file written while the trial runs: each poll sees what is complete so far, every
    /// reading exactly once, and nothing is reported as damage.
    @Test func fileAppendedWhileReadingGivesEachReadingOnce() throws {
        let source = try FileManager.default.contentsOfDirectory(atPath: Self.folder + "/pytorch")
            .first { $0.hasPrefix("events.out.tfevents.") }.map { Self.folder + "/pytorch/" + $0 }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try #require(source))))
        let folder = try TemporaryFolder("tune-growing")
        let root = folder.path
        let path = root + "/events.out.tfevents.123.host"
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        var reader = EventFilesSource(root: root)
        var seen: [MetricReading] = []
        var counts: [Int] = []
        for chunk in stride(from: 0, to: bytes.count, by: 97) {
            try handle.write(contentsOf: bytes[chunk..<min(chunk + 97, bytes.count)])
            let fresh = reader.poll()
            counts.append(fresh.count)
            seen += fresh
        }
        try handle.close()
        seen += reader.finish()
        let whole = Self.read(root).raw
        #expect(seen.map(\.tag) == whole.map(\.tag))
        #expect(seen.map(\.step) == whole.map(\.step))
        #expect(counts.filter { $0 > 0 }.count > 1, "readings arrived during the writing, not only at the end: \(counts)")
        #expect(reader.takeWarnings().isEmpty)
    }
}
