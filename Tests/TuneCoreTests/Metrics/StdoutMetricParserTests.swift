import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// `tag=value@step` for compact expectations.
private func render(_ readings: [MetricReading]) -> [String] {
    readings.map { reading in
        let value = reading.value.isNaN ? "nan" : "\(reading.value)"
        return "\(reading.tag)=\(value)@\(reading.step)"
    }
}

private func parseAll(_ text: String) -> [MetricReading] {
    var parser = StdoutMetricParser()
    return parser.consume(Array(text.utf8)) + parser.finish()
}

/// Feeds `bytes` in chunks of the given sizes (cycled), through the raw-pointer entry point.
private func parse(_ bytes: [UInt8], chunkSizes: [Int], maxLineLength: Int = 64 * 1024) -> [MetricReading] {
    var parser = StdoutMetricParser(maxLineLength: maxLineLength)
    var readings: [MetricReading] = []
    var offset = 0
    var k = 0
    while offset < bytes.count {
        let size = min(max(1, chunkSizes[k % chunkSizes.count]), bytes.count - offset)
        k += 1
        bytes[offset..<(offset + size)].withUnsafeBytes { readings += parser.consume($0) }
        offset += size
    }
    return readings + parser.finish()
}

/// A small deterministic generator, so that failures reproduce.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("StdoutMetricParser: line forms", .limitedParallelism)
struct StdoutLineFormTests {
    @Test(
        "Katib key=value",
        arguments: [
            ("acc=0.97", ["acc=0.97@1"]),
            ("epoch 3: acc=0.97 loss=0.2", ["acc=0.97@1", "loss=0.2@1"]),
            ("acc=0.97, loss=0.1", ["acc=0.97@1", "loss=0.1@1"]),
            ("acc = 0.97;loss=0.1", ["acc=0.97@1", "loss=0.1@1"]),
            ("INFO:root:acc=0.9", ["acc=0.9@1"]),
            ("2024-01-01 12:30:45,123 INFO accuracy=0.75", ["accuracy=0.75@1"]),
            ("training/hptuning/metric=0.9", ["training/hptuning/metric=0.9@1"]),
            ("model.val-acc=0.5", ["model.val-acc=0.5@1"]),
            ("(acc=0.5)", ["acc=0.5@1"]),
            ("[acc=0.5] |loss=2|", ["acc=0.5@1", "loss=2.0@1"]),
        ])
    func katib(line: String, expected: [String]) {
        #expect(render(StdoutMetricParser.readings(inLine: line)) == expected)
    }

    @Test(
        "Guild key: value",
        arguments: [
            ("acc: 0.97", ["acc=0.97@1"]),
            ("loss: 0.3 acc: 0.9", ["loss=0.3@1", "acc=0.9@1"]),
            ("val/acc: 0.9", ["val/acc=0.9@1"]),
            ("_private: 1", ["_private=1.0@1"]),
            ("{'acc': 0.97, 'loss': 0.1}", ["acc=0.97@1", "loss=0.1@1"]),
        ])
    func guild(line: String, expected: [String]) {
        #expect(render(StdoutMetricParser.readings(inLine: line)) == expected)
    }

    @Test(
        "numbers",
        arguments: [
            ("x=0.97", 0.97),
            ("x=-1.5e-3", -1.5e-3),
            ("x=.5", 0.5),
            ("x=3", 3.0),
            ("x=+2", 2.0),
            ("x=1E+2", 100.0),
            ("x=-.25", -0.25),
            ("x=3.", 3.0),
            ("x=inf", Double.infinity),
            ("x=-INF", -Double.infinity),
            ("x=Infinity", Double.infinity),
        ])
    func numbers(line: String, value: Double) {
        let readings = StdoutMetricParser.readings(inLine: line)
        #expect(readings.count == 1)
        #expect(readings.first?.value == value)
        #expect(readings.first?.source == .stdout)
    }

    @Test("nan in any case", arguments: ["loss=nan", "loss: NaN", "loss=-nan", "{\"loss\": NaN}"])
    func nan(line: String) {
        let readings = StdoutMetricParser.readings(inLine: line)
        #expect(readings.count == 1)
        #expect(readings.first?.tag == "loss")
        #expect(readings.first?.value.isNaN == true)
    }

    @Test(
        "not readings",
        arguments: [
            "acc=0.97abc",
            "lr: 0.001s",
            "loss: 2s",
            "acc: 97%",
            "12:30:45",
            "Epoch 1/10",
            "Training finished after a long while.",
            "",
            "   ",
            "--lr=0.01",
            "3acc=0.5",
            "acc=",
            "acc: -",
            "acc=1e",
            "acc=0x10",
            "acc=nanny",
            "acc=information",
            "url http://localhost/x",
            "listening on localhost:8080",
            "I0000 00:00:1795372005.037760    8167 port.cc:153] oneDNN custom operations are on.",
            "{",
            "{\"acc\": }",
            "}{",
            "=:=:",
        ])
    func nonReadings(line: String) {
        #expect(StdoutMetricParser.readings(inLine: line).isEmpty)
    }

    @Test func kerasProgressLine() {
        let line = "469/469 [==============================] - 2s 4ms/step - loss: 0.3100 - acc: 0.9123 - val_loss: 0.2500 - val_acc: 0.9050"
        #expect(render(StdoutMetricParser.readings(inLine: line)) == ["loss=0.31@1", "acc=0.9123@1", "val_loss=0.25@1", "val_acc=0.905@1"])
    }

    @Test func keras3ProgressLine() {
        let line = "469/469 ━━━━━━━━━━━━━━━━━━━━ 2s 4ms/step - accuracy: 0.9123 - loss: 0.3100 - val_accuracy: 0.9050 - val_loss: 0.2"
        #expect(render(StdoutMetricParser.readings(inLine: line)) == ["accuracy=0.9123@1", "loss=0.31@1", "val_accuracy=0.905@1", "val_loss=0.2@1"])
    }

    @Test func kerasIntermediateBarHasNoETAReading() {
        let line = "100/469 [=====>........................] - ETA: 1s - loss: 0.5 - acc: 0.8"
        #expect(render(StdoutMetricParser.readings(inLine: line)) == ["loss=0.5@1", "acc=0.8@1"])
        #expect(StdoutMetricParser.readings(inLine: " 12/469 [>...] - ETA: 1:23 - loss: 0.9").map(\.tag) == ["loss"])
    }

    @Test func tqdmPostfix() {
        let line = "100%|██████████| 10/10 [00:01<00:00,  9.50it/s, loss=0.3, acc=0.91]"
        #expect(render(StdoutMetricParser.readings(inLine: line)) == ["loss=0.3@1", "acc=0.91@1"])
    }

    @Test func jsonLines() {
        #expect(render(StdoutMetricParser.readings(inLine: #"{"acc": 0.97, "step": 3}"#)) == ["acc=0.97@3"])
        #expect(render(StdoutMetricParser.readings(inLine: #"  {"global_step": 10, "loss": 1e-3, "val/acc": 0.5}  "#)) == ["loss=0.001@10", "val/acc=0.5@10"])
        #expect(render(StdoutMetricParser.readings(inLine: #"{"epoch": 2, "acc": -1}"#)) == ["acc=-1.0@2"])
        // Strings, booleans, nulls and nested values are not readings.
        let mixed = #"{"name": "run-1", "ok": true, "none": null, "nested": {"x": [1, {"y": 2}]}, "lr": 0.01, "note": "acc=0.5 \"q\" \u00e9"}"#
        #expect(render(StdoutMetricParser.readings(inLine: mixed)) == ["lr=0.01@1"])
        // Any key is a tag in JSON.
        #expect(render(StdoutMetricParser.readings(inLine: #"{"my metric": 1.5}"#)) == ["my metric=1.5@1"])
    }

    @Test(
        "lines starting with { that are not JSON never crash",
        arguments: [
            "{acc: 0.9}",
            "{\"acc\": 0.9",
            "{\"a\": \"\\u12\"}",
            "{\"a\": \"\\ud800\", \"acc\": 1}",
            "{\"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]], \"b\": 2}",
            "{\"a\": " + String(repeating: "[", count: 10_000) + "}",
            "{\"a\": 0.9abc}",
            "{\"a\": 1,}",
            "{} acc=0.3 {}",
        ])
    func malformedJSON(line: String) {
        _ = StdoutMetricParser.readings(inLine: line)
    }

    @Test func malformedJSONFallsBackToKeyValueScan() {
        #expect(render(StdoutMetricParser.readings(inLine: "{acc: 0.9, loss=0.1}")) == ["acc=0.9@1", "loss=0.1@1"])
        #expect(render(StdoutMetricParser.readings(inLine: #"{"a": "\ud800", "acc": 1}"#)) == ["acc=1.0@1"])
    }

    @Test func severalReadingsOfOneTagInALine() {
        #expect(render(StdoutMetricParser.readings(inLine: "acc=0.1 acc=0.2")) == ["acc=0.1@1", "acc=0.2@2"])
    }
}

@Suite("StdoutMetricParser: steps", .limitedParallelism)
struct StdoutStepTests {
    @Test func countsPerTag() {
        let text = "acc=0.1\nloss=3\nacc=0.2 loss=2\nacc=0.3\n"
        #expect(render(parseAll(text)) == ["acc=0.1@1", "loss=3.0@1", "acc=0.2@2", "loss=2.0@2", "acc=0.3@3"])
    }

    @Test(
        "explicit step keys in the line",
        arguments: [
            ("step=5 acc=0.9", ["acc=0.9@5"]),
            ("acc=0.9 step=5", ["acc=0.9@5"]),
            ("global_step: 7, loss: 0.2", ["loss=0.2@7"]),
            ("epoch=2 acc=0.9", ["acc=0.9@2"]),
            ("epoch=2 step=300 global_step=301 acc=0.9", ["acc=0.9@301"]),
            ("epoch=2 step=300 acc=0.9", ["acc=0.9@300"]),
            ("Step: 4 acc: 0.5", ["acc=0.5@4"]),
            // Not integral: an ordinary reading.
            ("epoch=2.5 acc=0.9", ["epoch=2.5@1", "acc=0.9@1"]),
        ])
    func explicitStep(line: String, expected: [String]) {
        #expect(render(StdoutMetricParser.readings(inLine: line)) == expected)
    }

    @Test func explicitStepAppliesToItsLineOnly() {
        let text = "step=5 acc=0.9\nacc=0.95\n"
        #expect(render(parseAll(text)) == ["acc=0.9@5", "acc=0.95@2"])
    }

    @Test func guildStepLine() {
        let text = "step: 5\nloss: 0.3\nacc: 0.9\nstep: 6\nloss: 0.2\nstep=7\nloss=0.1\n"
        #expect(render(parseAll(text)) == ["loss=0.3@5", "acc=0.9@5", "loss=0.2@6", "loss=0.1@7"])
    }

    @Test func jsonStepOnlyLineSetsCurrentStep() {
        let text = "{\"step\": 4}\nacc=0.5\n"
        #expect(render(parseAll(text)) == ["acc=0.5@4"])
    }

    @Test func kerasEpochLinesSetTheStep() {
        let text = """
            Epoch 1/3
            469/469 [==============================] - 3s 5ms/step - loss: 0.5000 - acc: 0.8500 - val_loss: 0.3000 - val_acc: 0.9000
            Epoch 2/3
            469/469 [==============================] - 2s 4ms/step - loss: 0.3100 - acc: 0.9123 - val_loss: 0.2500 - val_acc: 0.9050
            Epoch 3/3
            469/469 ━━━━━━━━━━━━━━━━━━━━ 2s 4ms/step - acc: 0.93 - val_acc: 0.91

            """
        let readings = parseAll(text).filter { $0.tag == "val_acc" }
        #expect(render(readings) == ["val_acc=0.9@1", "val_acc=0.905@2", "val_acc=0.91@3"])
    }

    @Test func kerasEpochWithProgressBarRedraws() {
        let text =
            "Epoch 3/10\n"
            + "\r 100/469 [=====>........................] - ETA: 1s - loss: 0.5 - acc: 0.8"
            + "\r 400/469 [=========================>....] - ETA: 0s - loss: 0.4 - acc: 0.85"
            + "\r469/469 [==============================] - 2s 4ms/step - loss: 0.31 - acc: 0.91 - val_acc: 0.905\n"
            + "Epoch 4/10\n"
            + "469/469 [==============================] - 2s 4ms/step - loss: 0.28 - acc: 0.92 - val_acc: 0.91\n"
        let readings = parseAll(text)
        #expect(render(readings.filter { $0.tag == "acc" }) == ["acc=0.8@3", "acc=0.85@3", "acc=0.91@3", "acc=0.92@4"])
        #expect(render(readings.filter { $0.tag == "val_acc" }) == ["val_acc=0.905@3", "val_acc=0.91@4"])
        #expect(!readings.contains { $0.tag == "ETA" || $0.tag.contains("step") })
        #expect(ObjectiveSelection.select(from: readings, tag: "acc", goal: .maximize, selection: .last)?.value == 0.92)
    }

    @Test func currentStepIsExposed() {
        var parser = StdoutMetricParser()
        #expect(parser.currentStep == nil)
        _ = parser.consume(Array("Epoch 12/20\n".utf8))
        #expect(parser.currentStep == 12)
        _ = parser.consume(Array("  epoch 13/20  \n".utf8))
        #expect(parser.currentStep == 13)
        _ = parser.consume(Array("Epoch 14\nEpoch 15/\nEpoch x/20\n".utf8))
        #expect(parser.currentStep == 13)
    }
}

@Suite("StdoutMetricParser: bytes", .limitedParallelism)
struct StdoutByteTests {
    static let sample: String = {
        var text = "Namespace(lr=0.01, batch_size=32)\n"
        text += "\u{1B}[32mINFO\u{1B}[0m:root:start\r\n"
        for epoch in 1...4 {
            text += "Epoch \(epoch)/4\n"
            for batch in stride(from: 50, through: 200, by: 50) {
                text += "\r\(batch)/200 [\(String(repeating: "=", count: batch / 10))>] - ETA: 1s - loss: \(1.0 / Double(batch)) - acc: 0.\(batch)"
            }
            text += " - val_acc: 0.9\(epoch)\n"
            text += "{\"step\": \(epoch * 100), \"loss\": \(Double(epoch) / 7), \"name\": \"é✓\"}\n"
            text += "step: \(epoch * 100 + 1)\nlr: 1e-\(epoch)\ngrad_norm=\(epoch).5e+1, wd=nan\n"
            text += "\u{1B}[1m\u{1B}[31macc\u{1B}[0m=0.\(epoch)\u{8}\u{8}7\n"
        }
        text += "final acc=0.99"  // no line end: read by finish()
        return text
    }()

    @Test func sampleReadings() {
        let readings = parseAll(Self.sample)
        #expect(readings.contains { $0.tag == "val_acc" && $0.value == 0.94 && $0.step == 4 })
        #expect(readings.contains { $0.tag == "loss" && $0.step == 300 })
        #expect(readings.contains { $0.tag == "lr" && $0.value == 1e-2 && $0.step == 201 })
        #expect(readings.contains { $0.tag == "grad_norm" && $0.value == 35 && $0.step == 301 })
        // Escape sequences and backspaces removed before reading: `acc=0.27`-style values.
        #expect(readings.contains { $0.tag == "acc" && $0.value == 0.37 && $0.step == 301 })
        #expect(readings.last.map { [$0.tag, "\($0.value)"] } == ["acc", "0.99"])
        #expect(!readings.contains { $0.tag == "ETA" || $0.tag == "INFO" || $0.tag == "name" })
    }

    @Test func oneByteAtATimeGivesTheSameReadings() {
        let bytes = Array(Self.sample.utf8)
        let whole = parse(bytes, chunkSizes: [bytes.count])
        #expect(!whole.isEmpty)
        #expect(render(parse(bytes, chunkSizes: [1])) == render(whole))
    }

    @Test("random chunk sizes give the same readings", arguments: 1...20)
    func randomChunks(seed: Int) {
        let bytes = Array(Self.sample.utf8)
        let whole = parse(bytes, chunkSizes: [bytes.count])
        var rng = SplitMix64(state: UInt64(seed))
        let sizes = (0..<64).map { _ in Int.random(in: 1...97, using: &rng) }
        #expect(render(parse(bytes, chunkSizes: sizes)) == render(whole))
    }

    @Test func dataAndArrayOverloads() {
        var a = StdoutMetricParser()
        var b = StdoutMetricParser()
        let text = "acc=0.5\nloss: 1\n"
        #expect(render(a.consume(Data(text.utf8))) == render(b.consume(Array(text.utf8))))
    }

    @Test func carriageReturnsSplitLines() {
        #expect(render(parseAll("acc=0.1\racc=0.2\r\nacc=0.3\n\racc=0.4")) == ["acc=0.1@1", "acc=0.2@2", "acc=0.3@3", "acc=0.4@4"])
    }

    @Test func ansiAndBackspacesAreStripped() {
        #expect(render(parseAll("\u{1B}[1;32macc\u{1B}[0m: \u{1B}[33m0.97\u{1B}[0m\n")) == ["acc=0.97@1"])
        #expect(render(parseAll("\u{1B}]0;title\u{7}loss=0.5\n")) == ["loss=0.5@1"])
        #expect(render(parseAll("\u{1B}]8;;http://x\u{1B}\\acc=1\u{1B}]8;;\u{1B}\\\n")) == ["acc=1.0@1"])
        #expect(render(parseAll("\u{1B}[2Kacc=0.5\u{1B}(B\n")) == ["acc=0.5@1"])
        #expect(render(parseAll("ac\u{8}c=0.5\n")) == ["acc=0.5@1"])
        #expect(render(parseAll("\u{1B}[32mEpoch 5/9\u{1B}[0m\nacc=0.5\n")) == ["acc=0.5@5"])
        // A cut-off sequence at the end of a line.
        #expect(render(parseAll("acc=0.5 \u{1B}[3")) == ["acc=0.5@1"])
        #expect(render(parseAll("acc=0.5 \u{1B}")) == ["acc=0.5@1"])
    }

    @Test func invalidUTF8DoesNotCrash() {
        var bytes: [UInt8] = [0xFF, 0xFE, 0x80, 0xC3]
        bytes += Array(" acc=0.5 ".utf8) + [0xE2, 0x82] + Array("\n".utf8)
        bytes += [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x2C, 0x22, 0x6C, 0x22, 0x3A, 0x32, 0x7D, 0x0A]  // {"\xFF":1,"l":2}
        bytes += [0xC0, 0xAF] + Array("loss: 0.25".utf8) + [0xED, 0xA0, 0x80]  // no line end
        let readings = parse(bytes, chunkSizes: [3])
        #expect(render(readings.filter { $0.tag == "acc" || $0.tag == "l" }) == ["acc=0.5@1", "l=2.0@1"])
        #expect(readings.contains { $0.tag == "\u{FFFD}" && $0.value == 1 })
        // `loss: 0.25` ends at an invalid byte, not a boundary: no reading.
        #expect(!readings.contains { $0.tag == "loss" })
        for seed in 0..<20 {
            var rng = SplitMix64(state: UInt64(seed))
            let noise = (0..<2000).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = parse(noise, chunkSizes: [1, 7, 300])
        }
    }

    @Test func longLineWithoutLineEndIsDroppedAndMemoryStaysBounded() {
        var parser = StdoutMetricParser(maxLineLength: 1024)
        let chunk = Array(String(repeating: "acc=0.5 ", count: 64).utf8)  // 512 bytes, no line end
        var readings: [MetricReading] = []
        for _ in 0..<200 { readings += parser.consume(chunk) }
        readings += parser.consume(Array("acc=0.9\nloss=0.1\n".utf8))
        #expect(render(readings) == ["loss=0.1@1"])
        // Dropped at finish too.
        for _ in 0..<10 { _ = parser.consume(chunk) }
        #expect(parser.finish().isEmpty)
        // A line within the limit is read whole, across calls.
        _ = parser.consume(Array(String(repeating: "x", count: 1000).utf8))
        #expect(render(parser.consume(Array(" acc=1\n".utf8))) == ["acc=1.0@1"])  // 1006 bytes: fits
        _ = parser.consume(Array(String(repeating: "x", count: 1000).utf8))
        #expect(render(parser.consume(Array(" acc=2 ".utf8) + Array(String(repeating: "y", count: 30).utf8) + [0x0A])).isEmpty)
        #expect(render(parser.consume(Array("acc=3\n".utf8))) == ["acc=3.0@2"])
        // A longer line is dropped even when it arrives whole in one call.
        #expect(parser.consume(Array((String(repeating: "z", count: 1100) + " acc=4\nacc=5\n").utf8)).map(\.value) == [5])
    }

    @Test func lineOfExactlyTheLimitIsRead() {
        let line = "acc=0.5" + String(repeating: " ", count: 1024 - 7)
        #expect(parse(Array((line + "\n").utf8), chunkSizes: [100], maxLineLength: 1024).count == 1)
        #expect(parse(Array((line + " \n").utf8), chunkSizes: [100], maxLineLength: 1024).isEmpty)
        #expect(parse(Array((line + " \n").utf8), chunkSizes: [5000], maxLineLength: 1024).isEmpty)
        #expect(parse(Array((line + "\n").utf8), chunkSizes: [5000], maxLineLength: 1024).count == 1)
    }
}

@Suite("StdoutMetricParser: bounded tags", .limitedParallelism)
struct StdoutMetricParserTagBoundTests {
    /// A trial printing ever new tags: the parser remembers at most 10 × `BoundedReadings.maxTags`
    /// of them and reads no reading of a later new tag; known tags are still read.
    @Test func distinctTagsAreBounded() {
        var parser = StdoutMetricParser()
        let limit = 10 * BoundedReadings.maxTags
        var text = ""
        for i in 0..<(limit + 500) { text += "t\(i)=1\n" }
        text += "t0=2\n"
        let readings = parser.consume(Array(text.utf8)) + parser.finish()
        #expect(readings.count == limit + 1)
        #expect(readings.last.map { "\($0.tag)=\($0.value)@\($0.step)" } == "t0=2.0@2")
    }
}
