import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

// Property tests of every metric parser, with fixed seeds and a bounded number of cases (about a
// second in all): printed lines (StdoutMetricParser and MetricLineScanner), the cloudml-hypertune
// file (HypertuneFileSource and FlatJSON), and TensorFlow event files (EventFileReader and
// EventDecoding; those properties are in EventFiles/EventFileFuzzTests.swift). Random bytes never
// crash them; well-formed input reads back exactly what was written.

/// The same reading, with NaN equal to NaN and -0.0 told from 0.0.
private func same(_ a: (String, Double), _ b: (String, Double)) -> Bool {
    a.0 == b.0 && (a.1.isNaN ? b.1.isNaN : a.1 == b.1 && a.1.sign == b.1.sign)
}

private func sameSequence(_ a: [(String, Double)], _ b: [(String, Double)]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy(same)
}

/// Bytes drawn mostly from what metric lines are made of, so random input reaches deep paths.
private func noisyBytes(_ rng: inout SeededGenerator, count: Int) -> [UInt8] {
    let alphabet = Array("acc=loss: 0.5e-3{}\"[],;|-+_./\tEpoch 3/10 step nan inf\u{1B}[K\u{8}".utf8)
    return (0..<count).map { _ in
        switch rng.next() % 10 {
        case 0: return UInt8(truncatingIfNeeded: rng.next())  // anything, invalid UTF-8 included
        case 1: return [0x0A, 0x0D][Int(rng.next() % 2)]
        default: return alphabet[Int(rng.next() % UInt64(alphabet.count))]
        }
    }
}

/// Feeds `bytes` in random chunks.
private func parseInChunks(_ bytes: [UInt8], _ rng: inout SeededGenerator, maxLineLength: Int = 64 * 1024) -> [MetricReading] {
    var parser = StdoutMetricParser(maxLineLength: maxLineLength)
    var readings: [MetricReading] = []
    var offset = 0
    while offset < bytes.count {
        let size = min(Int(rng.next() % 300) + 1, bytes.count - offset)
        bytes[offset..<(offset + size)].withUnsafeBytes { readings += parser.consume($0) }
        offset += size
    }
    return readings + parser.finish()
}

/// A tag name as trials print them; never a step key.
private func tagName(_ rng: inout SeededGenerator) -> String {
    let first = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
    let rest = first + Array("0123456789_./-")
    while true {
        var name = String(first[Int(rng.next() % UInt64(first.count))])
        for _ in 0..<(rng.next() % 14) { name.append(rest[Int(rng.next() % UInt64(rest.count))]) }
        if MetricLineScanner.stepKeyRank(name) == nil { return name }
    }
}

/// A value worth reading back: ordinary, tiny, huge, subnormal, signed zero, or not finite.
private func metricValue(_ rng: inout SeededGenerator, finite: Bool) -> Double {
    switch rng.next() % (finite ? 6 : 8) {
    case 0: return Double(Int(rng.next() % 2001) - 1000)
    case 1: return rng.nextUnit()
    case 2: return Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF) * (rng.next() % 2 == 0 ? 1 : -1)
    case 3: return .leastNonzeroMagnitude * Double(rng.next() % 1000 + 1)
    case 4: return -0.0
    case 5: return 1e-300 * rng.nextUnit()
    case 6: return .nan
    default: return rng.next() % 2 == 0 ? .infinity : -.infinity
    }
}

@Suite("Metric parser properties", .limitedParallelism)
struct MetricParserFuzzTests {
    @Test(.timeLimit(.minutes(10)))
    func randomBytesNeverCrashAndChunkingChangesNothing() {
        var rng = SeededGenerator(seed: 11)
        for round in 0..<800 {
            let bytes = noisyBytes(&rng, count: Int(rng.next() % 1500))
            let whole: [MetricReading] = {
                var parser = StdoutMetricParser(maxLineLength: 200)
                return parser.consume(bytes) + parser.finish()
            }()
            let chunked = parseInChunks(bytes, &rng, maxLineLength: 200)
            #expect(sameSequence(whole.map { ($0.tag, $0.value) }, chunked.map { ($0.tag, $0.value) }), "round \(round)")
            #expect(whole.map(\.step) == chunked.map(\.step), "round \(round)")
            for reading in whole {
                #expect(reading.tag.utf8.first.map(MetricLineScanner.isNameStart) == true, "\(reading.tag)")
                #expect(reading.tag.utf8.allSatisfy(MetricLineScanner.isNameChar), "\(reading.tag)")
            }
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func wellFormedLinesReadBackWhatWasWritten() {
        var rng = SeededGenerator(seed: 12)
        for round in 0..<600 {
            var text = ""
            var expected: [(String, Double)] = []
            for _ in 0..<(rng.next() % 12 + 1) {
                // A line of noise that cannot hold a reading (no separator, no `Epoch`), now and then.
                if rng.next() % 3 == 0 {
                    text +=
                        ["loading data …", "\u{1B}[2K", "warning: deprecated", "100%|████| 10/10 [00:01<00:00]"][Int(rng.next() % 4)]
                        .replacingOccurrences(of: ":", with: " ") + "\n"
                }
                let form = rng.next() % 4
                // Tags of one JSON object differ (an object holds a key once).
                let pairs = (0..<(rng.next() % 4 + 1)).map { i in
                    (tagName(&rng) + (form == 2 ? "_\(i)" : ""), metricValue(&rng, finite: form == 2))
                }
                expected += pairs
                switch form {
                case 0: text += pairs.map { "\($0.0)=\($0.1)" }.joined(separator: [" ", ", ", "; ", " | "][Int(rng.next() % 4)])
                case 1: text += pairs.map { "\($0.0): \($0.1)" }.joined(separator: "  ")
                case 2: text += "{" + pairs.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
                default: text += "12/12 [====] - 1s 3ms/step" + pairs.map { " - \($0.0): \($0.1)" }.joined()
                }
                text += ["\n", "\r\n", "\r"][Int(rng.next() % 3)]
            }
            let read = parseInChunks(Array(text.utf8), &rng)
            let got = read.map { ($0.tag, $0.value) }
            guard sameSequence(got, expected) else {
                Issue.record("round \(round): read \(got) from\n\(text)\nexpected \(expected)")
                continue
            }
            // Steps count each tag's readings.
            var counts: [String: Int] = [:]
            for reading in read {
                counts[reading.tag, default: 0] += 1
                #expect(reading.step == counts[reading.tag], "round \(round): \(reading)")
            }
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func overlongLinesAreDroppedWhateverTheChunks() {
        var rng = SeededGenerator(seed: 13)
        for _ in 0..<200 {
            let limit = Int(rng.next() % 200) + 20
            let long = String(repeating: "x", count: limit + Int(rng.next() % 300))
            let text = "acc=0.25\nacc=0.5 \(long)\n\(long)acc=0.75\nacc=1\n"
            let values = parseInChunks(Array(text.utf8), &rng, maxLineLength: limit).map(\.value)
            #expect(values == [0.25, 1.0])
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func flatJSONNeverCrashesAndReadsWhatItWrote() {
        var rng = SeededGenerator(seed: 14)
        let pieces = [
            "{", "}", "[", "]", "\"", "\\", ":", ",", " ", "1", "-", ".", "e", "E", "+", "0", "nan", "NaN", "Infinity", "true",
            "false", "null", "\"k\"", "\\u12", "\\uD800", "é", "\u{0}", "1e999", "-0",
        ]
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<(rng.next() % 30) { text += pieces[Int(rng.next() % UInt64(pieces.count))] }
            if let members = FlatJSON.parseObject(text) {
                #expect(members.allSatisfy { !$0.key.contains("\u{FFFF}") })
            }
        }
        for _ in 0..<500 {
            let pairs = (0..<(rng.next() % 6)).map { i in ("k\(i)_" + tagName(&rng), metricValue(&rng, finite: true)) }
            let text = "{" + pairs.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
            let members = FlatJSON.parseObject(text)
            let numbers = members?.compactMap { member -> (String, Double)? in
                if case .number(let value) = member.value { return (member.key, value) }
                return nil
            }
            #expect(numbers.map { sameSequence($0, pairs) } == true, "\(text) → \(String(describing: members))")
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func hypertuneFileReadsReportsAndWarnsAboutTheRest() {
        var rng = SeededGenerator(seed: 15)
        for round in 0..<400 {
            var source = HypertuneFileSource(path: "/nonexistent/hypertune.metric")
            var lines: [String] = []
            var expected: [(String, Double)] = []
            var garbage = 0
            for n in 0..<(rng.next() % 8 + 1) {
                if rng.next() % 3 == 0 {
                    // Not a report: random bytes without a line end, or JSON-ish that is not a metric.
                    let noise = String(decoding: noisyBytes(&rng, count: Int(rng.next() % 80) + 1).filter { $0 != 0x0A }, as: UTF8.self)
                    let line = ["{\"trial\": \"\(n)\"}", "[\(n), 2]", "{\"acc\": \"high\(n)\"}", "x\(n)" + noise][Int(rng.next() % 4)]
                    lines.append(line)
                    garbage += 1
                    continue
                }
                var tag = tagName(&rng)
                while HypertuneFileSource.reservedKeys.contains(tag) { tag = tagName(&rng) }
                let value = metricValue(&rng, finite: false)
                let text = value.isNaN ? "nan" : value == .infinity ? "inf" : value == -.infinity ? "-inf" : "\(value)"
                lines.append("{\"checkpoint_path\": \"\", \"global_step\": \"\(n)\", \"timestamp\": \(1_700_000_000 + n).5, \"trial\": \"0\", \"\(tag)\": \"\(text)\"}")
                expected.append((tag, value))
            }
            let content = Array((lines.joined(separator: "\n") + "\n").utf8)
            let readings = content.withUnsafeBufferPointer { source.read(contents: $0) }
            #expect(sameSequence(readings.map { ($0.tag, $0.value) }, expected), "round \(round): \(lines)")
            let warnings = source.takeWarnings()
            #expect(warnings.count == garbage, "round \(round): one warning a bad line: \(warnings)")
            #expect(warnings.allSatisfy { $0.hasPrefix("/nonexistent/hypertune.metric:") })
            // Read again: nothing is reported twice.
            #expect(content.withUnsafeBufferPointer { source.read(contents: $0) }.isEmpty)
        }
    }
}
