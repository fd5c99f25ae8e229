import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

private func render(_ readings: [MetricReading]) -> [String] {
    readings.map { reading in
        let value = reading.value.isNaN ? "nan" : "\(reading.value)"
        return "\(reading.tag)=\(value)@\(reading.step)"
    }
}

/// One line as cloudml-hypertune 0.1.0.dev6 writes it (`json.dumps(body, sort_keys=True)`).
private func packageLine(tag: String, value: String, step: Int?, timestamp: Double, checkpoint: String = "") -> String {
    let members: [(String, String)] = [
        ("checkpoint_path", "\"\(checkpoint)\""),
        ("global_step", "\"\(step ?? 0)\""),
        ("timestamp", "\(timestamp)"),
        ("trial", "\"0\""),
        (tag, "\"\(value)\""),
    ].sorted { $0.0 < $1.0 }
    return "{" + members.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
}

/// Rewrites the whole file, as the package does on every report.
private func rewrite(_ path: String, lines: [String]) throws {
    try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: path))
}

@Suite("HypertuneFileSource", .limitedParallelism)
struct HypertuneFileSourceTests {
    static let fixturePath = Fixtures.path("hypertune/output.metric")

    @Test func readsTheRealPackagesFile() {
        var source = HypertuneFileSource(path: Self.fixturePath)
        let readings = source.poll()
        #expect(
            render(readings) == [
                "accuracy=0.81@100",
                "accuracy=0.87@200",
                "accuracy=0.9@3",  // no global_step: the package writes "0"; the count of accuracy readings
                "training/hptuning/metric=0.42@1",
                "training/hptuning/metric=1e-05@3",
                "loss=nan@1",
            ])
        #expect(readings.allSatisfy { $0.source == .hypertune })
        #expect(source.takeWarnings().isEmpty)
        // Unchanged file: nothing new.
        #expect(source.poll().isEmpty)
    }

    @Test func missingFileIsNotAnError() throws {
        let dir = try TemporaryFolder("tune-hypertune")
        var source = HypertuneFileSource(path: dir.path("absent/output.metrics"))
        #expect(source.poll().isEmpty)
        #expect(source.poll().isEmpty)
        #expect(source.takeWarnings().isEmpty)
    }

    @Test func rewritesBetweenPollsGiveOnlyNewReadings() throws {
        let dir = try TemporaryFolder("tune-hypertune")
        let path = dir.path("output.metrics")
        var source = HypertuneFileSource(path: path)
        #expect(source.poll().isEmpty)

        var lines = [packageLine(tag: "acc", value: "0.5", step: 10, timestamp: 1_700_000_000.25)]
        try rewrite(path, lines: lines)
        #expect(render(source.poll()) == ["acc=0.5@10"])

        lines.append(packageLine(tag: "acc", value: "0.6", step: 20, timestamp: 1_700_000_001.5))
        lines.append(packageLine(tag: "acc", value: "0.65", step: nil, timestamp: 1_700_000_002.75))
        try rewrite(path, lines: lines)
        #expect(render(source.poll()) == ["acc=0.6@20", "acc=0.65@3"])
        #expect(source.poll().isEmpty)

        // The package keeps only its last entries: the oldest falls out; only the new one is read.
        lines.removeFirst()
        lines.append(packageLine(tag: "acc", value: "0.7", step: nil, timestamp: 1_700_000_003.125))
        lines.append(packageLine(tag: "loss", value: "0.1", step: nil, timestamp: 1_700_000_003.5))
        try rewrite(path, lines: lines)
        #expect(render(source.poll()) == ["acc=0.7@4", "loss=0.1@1"])

        // A rewrite with the same content (size and time may change): nothing new.
        try rewrite(path, lines: lines + [""])
        #expect(source.poll().isEmpty)
        #expect(source.takeWarnings().isEmpty)
    }

    @Test func rewriteOfTheRealFixtureAsItGrew() throws {
        // The fixture's lines, as the package wrote them one report at a time.
        let lines = try String(contentsOfFile: Self.fixturePath, encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let dir = try TemporaryFolder("tune-hypertune")
        let path = dir.path("output.metric")
        var source = HypertuneFileSource(path: path)
        var all: [MetricReading] = []
        for count in 1...lines.count {
            try rewrite(path, lines: Array(lines[..<count]))
            let new = source.poll()
            #expect(new.count == 1)
            all += new
        }
        var whole = HypertuneFileSource(path: Self.fixturePath)
        #expect(render(all) == render(whole.poll()))
    }

    @Test func malformedLineGivesOneWarningAndOtherLinesAreRead() throws {
        let dir = try TemporaryFolder("tune-hypertune")
        let path = dir.path("output.metrics")
        var source = HypertuneFileSource(path: path)
        let good1 = packageLine(tag: "acc", value: "0.5", step: 1, timestamp: 1.5)
        let good2 = packageLine(tag: "acc", value: "0.6", step: 2, timestamp: 2.5)
        try rewrite(path, lines: [good1, "{\"acc\": \"0.5\", oops", good2])
        #expect(render(source.poll()) == ["acc=0.5@1", "acc=0.6@2"])
        let warnings = source.takeWarnings()
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains(path + ":2") == true)
        #expect(source.takeWarnings().isEmpty)

        // The same bad line again on the next rewrite: no second warning.
        let good3 = packageLine(tag: "acc", value: "0.7", step: 3, timestamp: 3.5)
        try rewrite(path, lines: [good1, "{\"acc\": \"0.5\", oops", good2, good3])
        #expect(render(source.poll()) == ["acc=0.7@3"])
        #expect(source.takeWarnings().isEmpty)
    }

    @Test(
        "lines that cannot be read",
        arguments: [
            "not json at all",
            "{\"acc\": \"high\", \"timestamp\": 1}",
            "{\"acc\": true}",
            "{\"timestamp\": 1, \"trial\": \"0\", \"global_step\": \"3\", \"checkpoint_path\": \"\"}",
            "[1, 2]",
            "{\"acc\": [0.5]}",
        ])
    func badLine(line: String) throws {
        let dir = try TemporaryFolder("tune-hypertune")
        let path = dir.path("output.metrics")
        try rewrite(path, lines: [line, "{\"loss\": 0.25, \"global_step\": 4}"])
        var source = HypertuneFileSource(path: path)
        #expect(render(source.poll()) == ["loss=0.25@4"])
        let warnings = source.takeWarnings()
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix(path + ":1: ") == true)
    }

    @Test func numbersAndStringsAreBothValues() throws {
        let dir = try TemporaryFolder("tune-hypertune")
        let path = dir.path("output.metrics")
        try rewrite(
            path,
            lines: [
                "{\"a\": 0.5, \"global_step\": 7, \"timestamp\": 1}",
                "{\"a\": \" 0.25 \", \"global_step\": \"0\", \"b\": \"-inf\"}",
                "{\"a\": \"1e3\", \"global_step\": \"x\"}",
            ])
        var source = HypertuneFileSource(path: path)
        #expect(render(source.poll()) == ["a=0.5@7", "a=0.25@2", "b=-inf@1", "a=1000.0@3"])
        #expect(source.takeWarnings().isEmpty)
    }

    @Test func unterminatedLastLineIsReadWhenComplete() throws {
        let dir = try TemporaryFolder("tune-hypertune")
        let path = dir.path("output.metrics")
        var source = HypertuneFileSource(path: path)
        let line = packageLine(tag: "acc", value: "0.5", step: 1, timestamp: 1.5)
        // Caught in the middle of the package's rewrite: no warning, read on a later poll.
        try Data(line.prefix(30).utf8).write(to: URL(fileURLWithPath: path))
        #expect(source.poll().isEmpty)
        try Data(line.utf8).write(to: URL(fileURLWithPath: path))
        #expect(render(source.poll()) == ["acc=0.5@1"])
        try rewrite(path, lines: [line])
        #expect(source.poll().isEmpty)
        #expect(source.takeWarnings().isEmpty)
    }

    @Test func directoryGivesOneWarning() throws {
        let dir = try TemporaryFolder("tune-hypertune")
        var source = HypertuneFileSource(path: dir.path)
        #expect(source.poll().isEmpty)
        #expect(source.poll().isEmpty)
        #expect(source.takeWarnings().count == 1)
    }

    @Test func invalidUTF8DoesNotCrash() throws {
        let dir = try TemporaryFolder("tune-hypertune")
        let path = dir.path("output.metrics")
        var bytes: [UInt8] = [0xFF, 0xFE, 0x0A]
        bytes += Array("{\"acc\": \"0.5\", \"trial\": \"".utf8) + [0xC3, 0x28] + Array("\"}\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var source = HypertuneFileSource(path: path)
        #expect(render(source.poll()) == ["acc=0.5@1"])
        #expect(source.takeWarnings().count == 1)
    }
}
