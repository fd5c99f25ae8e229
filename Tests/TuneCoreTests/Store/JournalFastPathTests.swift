import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// `Journal.decode` decodes `metrics` lines by hand; these tests hold it to JSONDecoder's answers.
@Suite("Journal metrics fast path", .limitedParallelism)
struct JournalFastPathTests {
    static func line(_ event: JournalEvent) throws -> String {
        String(decoding: try Journal.makeEncoder().encode(event), as: UTF8.self)
    }

    /// The fast path's answer for one line (nil: it leaves the line to JSONDecoder).
    static func fast(_ line: String) -> JournalEvent? {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBufferPointer { JournalEvent.decodeMetricsLine(UnsafeBufferPointer($0)) }
    }

    /// JSONDecoder's answer for one line, as Journal.read used to give it.
    static func slow(_ line: String) -> JournalEvent? {
        try? Journal.makeDecoder().decode(JournalEvent.self, from: Data(line.utf8))
    }

    /// Events equal, with NaN equal to NaN and 0.0 told from -0.0.
    static func same(_ a: JournalEvent?, _ b: JournalEvent?) -> Bool {
        switch (a, b) {
        case (nil, nil):
            return true
        case let (.metrics(t1, r1)?, .metrics(t2, r2)?):
            return t1 == t2 && r1.count == r2.count
                && zip(r1, r2).allSatisfy { x, y in
                    x.tag == y.tag && x.step == y.step && x.source == y.source
                        && (x.value.isNaN ? y.value.isNaN : x.value == y.value && x.value.sign == y.value.sign)
                }
        default:
            return a == b
        }
    }

    @Test func takesWhatTheWriterWrites() throws {
        var rng = SeededGenerator(seed: 3)
        let tags = ["accuracy", "val_loss", "training/hptuning/metric", "a b", "x=1;y", "{}[],:", ""]
        var checked = 0
        for trial in [1, 0, -1, 42, 999_999_999_999_999_999, Int(Int32.max)] {
            for count in [0, 1, 2, 7] {
                let readings = (0..<count).map { k -> MetricReading in
                    let special: [Double] = [
                        .nan, .infinity, -.infinity, -0.0, 0, 1, 0.1 + 0.2, 1e-300, .leastNonzeroMagnitude,
                        .greatestFiniteMagnitude, -123.456, 1e22,
                    ]
                    let value: Double
                    switch rng.next() % 3 {
                    case 0: value = special[Int(rng.next() % UInt64(special.count))]
                    case 1: value = Double(bitPattern: rng.next()).isFinite ? Double(bitPattern: rng.next()) : 0.5
                    default: value = rng.nextUnit()
                    }
                    return MetricReading(
                        tag: tags[(k + trial & 0xFF) % tags.count], value: value, step: Int(Int64(bitPattern: rng.next()) % 1_000_000_000_000),
                        source: MetricSourceKind.allCases[k % MetricSourceKind.allCases.count])
                }
                let text = try Self.line(.metrics(trial: trial, readings: readings))
                let fast = try #require(Self.fast(text), "fast path declined \(text)")
                #expect(Self.same(fast, Self.slow(text)), "\(text)")
                #expect(Self.same(fast, .metrics(trial: trial, readings: readings)), "\(text)")
                checked += 1
            }
        }
        #expect(checked == 24)
    }

    @Test func manyRandomValuesDecodeExactly() throws {
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<2_000 {
            let x = Double(bitPattern: rng.next())
            let reading = MetricReading(tag: "m", value: x.isFinite ? x : rng.nextUnit(), step: 1, source: .stdout)
            let text = try Self.line(.metrics(trial: 1, readings: [reading]))
            #expect(Self.same(Self.fast(text), .metrics(trial: 1, readings: [reading])), "\(text)")
        }
    }

    /// Lines JournalWriter does not write but a person or another tool might: the fast path may take
    /// them or leave them to JSONDecoder, but Journal.decode must answer what JSONDecoder answers.
    @Test(
        "agrees with JSONDecoder on unusual lines",
        arguments: [
            #"{"trial":3,"readings":[{"value":0.5,"tag":"acc","source":"stdout","step":2}],"event":"metrics"}"#,
            #" { "event" : "metrics" , "readings" : [ { "source" : "hypertune" , "step" : 2 , "tag" : "acc" , "value" : -1.5E+3 } ] , "trial" : 3 } "#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"acc\"q","value":1}],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"acc\/x","value":1}],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"\u00e9t\u00e9","value":1}],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"été 🎉","value":1}],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"acc","value":1}],"trial":1,"time":5}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"acc","value":1,"extra":null}],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1.0,"tag":"acc","value":1}],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"acc","value":1}],"trial":2.5}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"acc","value":1e400}],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"acc","value":"NaN"}],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"acc","value":"0.5"}],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"acc","value":01}],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"acc","value":.5}],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"acc","value":1.}],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"acc","value":+1}],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":99999999999999999999,"tag":"acc","value":1}],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":-0,"tag":"acc","value":-0}],"trial":-0}"#,
            #"{"event":"metrics","readings":[{"source":"STDOUT","step":1,"tag":"acc","value":1}],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"acc"}],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"acc","value":1},],"trial":1}"#,
            #"{"event":"metrics","readings":[{"source":"stdout","step":1,"tag":"acc","value":1}],"trial":1}x"#,
            #"{"event":"metrics","readings":[],"trial":1,"trial":2}"#,
            #"{"event":"metrics","readings":[]}"#,
            #"{"event":"metric","readings":[],"trial":1}"#,
            #"{"event":"trial_started","pid":5,"time":1700000000,"trial":1}"#,
            #"{"event":"metrics","readings":null,"trial":1}"#,
            #"[{"event":"metrics","readings":[],"trial":1}]"#,
            "{\"event\":\"metrics\",\"readings\":[],\"trial\":1}\u{0}\u{0}",
            "{\"event\":\"metrics\",\"readings\":[{\"source\":\"stdout\",\"step\":1,\"tag\":\"a\u{7}\",\"value\":1}],\"trial\":1}",
        ])
    func agreesWithJSONDecoder(line: String) {
        let slow = Self.slow(line)
        let (events, skipped) = Journal.decode(Data((line + "\n").utf8))
        #expect(Self.same(events.first, slow), "fast: \(String(describing: Self.fast(line))), JSONDecoder: \(String(describing: slow))")
        #expect(events.count == (slow == nil ? 0 : 1))
        #expect(skipped == (slow == nil ? 1 : 0))
        if let fast = Self.fast(line) { #expect(Self.same(fast, slow)) }
    }

    @Test func everyPrefixOfALineIsRejected() throws {
        let text = try Self.line(
            .metrics(
                trial: 12,
                readings: [
                    MetricReading(tag: "acc", value: 0.123456789, step: 10, source: .stdout),
                    MetricReading(tag: "loss", value: .nan, step: 10, source: .hypertune),
                ]))
        let bytes = Array(text.utf8)
        for n in 1..<bytes.count {
            let prefix = String(decoding: bytes[..<n], as: UTF8.self)
            #expect(Self.fast(prefix) == nil, "\(prefix)")
            let (events, skipped) = Journal.decode(Data((prefix + "\n").utf8))
            #expect(events.isEmpty && skipped == 1, "\(prefix)")
        }
    }
}
