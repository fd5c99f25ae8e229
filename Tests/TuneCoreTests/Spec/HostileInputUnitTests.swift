import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

// Issue 5, hostile input, at the library level: configs that must be refused quickly and clearly,
// bounds at the edge of Double and Int, objectives that are not numbers, lines too long to read,
// and job names that are paths. End-to-end checks of the same are in HostileInputTests.

private func failure(_ text: String) -> SpecError? {
    do {
        _ = try SpecLoader.parse(text: text, file: "tuning.yml")
        return nil
    } catch {
        return error
    }
}

/// A YAML "billion laughs": nine levels of nine aliases each (9⁹ values once expanded).
func billionLaughs(levels: Int = 9) -> String {
    var lines = [#"a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#]
    for level in 1..<levels {
        let previous = "*a\(level - 1)"
        lines.append("a\(level): &a\(level) [" + Array(repeating: previous, count: 9).joined(separator: ",") + "]")
    }
    return lines.joined(separator: "\n") + "\n"
}

@Suite("Hostile configs", .limitedParallelism)
struct HostileConfigTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        /// Every one of these is in the error's text.
        var says: [String]
        /// The line the error points at, when it must point at one.
        var line: Int?
        var testDescription: String { name }
    }

    static let params = "params: [{parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}]\n"

    static let cases: [Case] = [
        Case(name: "not YAML", text: "goal: [MAXIMIZE\n", says: ["invalid YAML"], line: 2),
        Case(name: "empty", text: "", says: ["tuning.yml is empty", "write a hyperparameter spec"]),
        Case(name: "only a comment", text: "# nothing here\n", says: ["is empty"]),
        Case(name: "a scalar", text: "just some words\n", says: ["must be a mapping"], line: 1),
        Case(name: "billion laughs", text: billionLaughs() + params, says: ["aliases repeat more than 1000000 values", "billion laughs"], line: 7),
        Case(name: "alias bomb as a mapping key", text: billionLaughs() + "? *a8\n: 1\n", says: ["aliases repeat more than"], line: 7),
        Case(name: "alias bomb in a flow key", text: billionLaughs() + "b: {*a8: 1, *a7: 2}\n", says: ["aliases repeat more than"]),
        Case(name: "merge-key bomb", text: mergeBomb(), says: ["aliases repeat more than"], line: 1),
        Case(
            name: "huge number", text: "params: [{parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1e309}]\n",
            says: ["x: maxValue must be a number, got '1e309'", "beyond the largest number"], line: 1),
        Case(
            name: "huge integer", text: "params: [{parameterName: n, type: INTEGER, minValue: 0, maxValue: 99999999999999999999}]\n",
            says: ["n: maxValue must be an integer", "beyond the largest integer"], line: 1),
        Case(
            name: "huge maxTrials", text: "maxTrials: 99999999999999999999\n" + params,
            says: ["maxTrials must be a positive integer", "beyond the largest integer"], line: 1),
        Case(
            name: "NaN bound", text: "params: [{parameterName: x, type: DOUBLE, minValue: .nan, maxValue: 1}]\n",
            says: ["x: minValue must be a finite number, got '.nan'", "write a finite number"], line: 1),
        Case(
            name: "infinite bound", text: "params: [{parameterName: x, type: DOUBLE, minValue: 0, maxValue: .inf}]\n",
            says: ["x: maxValue must be a finite number, got '.inf'"], line: 1),
        Case(
            name: "negative infinite bound, plain spelling", text: "params: [{parameterName: x, type: DOUBLE, minValue: -inf, maxValue: 1}]\n",
            says: ["minValue must be a finite number, got '-inf'"], line: 1),
        Case(
            name: "NaN discrete value", text: "params: [{parameterName: d, type: DISCRETE, discreteValues: [1, .NaN]}]\n",
            says: ["discreteValues must hold finite numbers, got '.NaN'"], line: 1),
        Case(
            name: "duplicate parameter names",
            text: """
                params:
                  - {parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}
                  - {parameterName: x, type: INTEGER, minValue: 0, maxValue: 3}

                """, says: ["duplicate parameter name 'x'", "first defined at line 2"], line: 3),
        Case(name: "a NUL byte", text: "goal: MAX\u{0}IMIZE\n" + params, says: ["tuning.yml:1:"], line: 1),
    ]

    /// Merge keys whose bases merge bases: expanded, 9⁹ entries.
    static func mergeBomb() -> String {
        var parts = ["&m0 {k: 1}"]
        for level in 1..<10 {
            parts.append("&m\(level) {<<: [" + Array(repeating: "*m\(level - 1)", count: 9).joined(separator: ",") + "]}")
        }
        return "<<: [" + parts.joined(separator: ", ") + "]\n" + params
    }

    @Test(.timeLimit(.minutes(10)), arguments: cases)
    func refusedQuicklyAndClearly(_ c: Case) throws {
        // Refused before the aliases are expanded: a bomb that were expanded would not end (the
        // test's time limit catches that); the refusal's speed is measured apart, not asserted.
        let error = try #require(failure(c.text), "\(c.name) must not load")
        for part in c.says {
            #expect(error.description.contains(part), "'\(part)' in: \(error)")
        }
        if let line = c.line {
            #expect(error.line == line, "\(error)")
        }
    }

    @Test func aliasesWithinReasonStillWork() throws {
        // One base merged into 500 parameters: 500 × 6 aliased values, far under the limit.
        var text = "trainingInput:\n  scaleTier: BASIC\n  hyperparameters:\n    maxTrials: 3\n    params:\n"
        text += "      - &base {parameterName: p0, type: DOUBLE, minValue: 0.001, maxValue: 1, scaleType: UNIT_LOG_SCALE}\n"
        for i in 1..<500 {
            text += "      - {<<: *base, parameterName: p\(i)}\n"
        }
        let spec = try SpecLoader.parse(text: text, file: "tuning.yml").spec
        #expect(spec.params.count == 500)
        #expect(spec.params.allSatisfy { $0.domain == .double(min: 0.001, max: 1, scale: .log) })
        #expect(Set(spec.params.map(\.name)).count == 500)
    }

    @Test func aliasLimitCountsExpandedValues() throws {
        let text = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n"  // the aliases add 3 × 4 values
        #expect(throws: Never.self) { try ConfigLimits.checkAliases(text, file: "t.yml", limit: 12) }
        let error = try #require(throws: SpecError.self) { try ConfigLimits.checkAliases(text, file: "t.yml", limit: 11) }
        #expect(error.line == 2 && error.column == 13, "at the third alias: \(error)")
    }

    @Test(
        "non-UTF-8 bytes are located",
        arguments: [
            ([0x67, 0x6F, 0xC3, 0x28] as [UInt8], 1, 3, "C3"),
            (Array("goal: MAXIMIZE\n# caf".utf8) + [0xE9] + Array("\n".utf8), 2, 6, "E9"),
            (Array("a: ü\nb: ".utf8) + [0xFF], 2, 4, "FF"),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00], 1, 1, "89"),
        ] as [([UInt8], Int, Int, String)])
    func notUTF8(bytes: [UInt8], line: Int, column: Int, byte: String) throws {
        let error = try #require(ConfigLimits.notUTF8(bytes, file: "c.yml"))
        #expect(error.line == line && error.column == column, "\(error)")
        #expect(error.description.contains("byte 0x\(byte) is not UTF-8"), "\(error)")
        #expect(error.hint?.contains("save the config as UTF-8") == true)
        #expect(ConfigLimits.notUTF8(Array("a: ü ✓ 😀\n".utf8), file: "c.yml") == nil)
    }

    @Test func oversizedFileIsRefusedUnread() throws {
        let folder = try TemporaryFolder("tune-big")
        let path = try folder.write("c.yml", [UInt8](repeating: 0x23, count: ConfigLimits.maxBytes + 1))
        let error = try #require(throws: SpecError.self) { try SpecLoader.load(path: path) }
        #expect(error.description.contains("is larger than 16 MB"), "\(error)")
        #expect(error.hint?.contains("not a data file") == true)
    }
}

@Suite("Hostile bounds", .limitedParallelism)
struct HostileBoundsTests {
    @Test func doubleRangeWiderThanDoubleCoversTheRange() {
        let param = ParameterSpec(name: "x", domain: .double(min: -1e308, max: 1e308, scale: .linear))
        var rng = SeededGenerator(seed: 5)
        let values = (0..<200).map { _ in param.value(atUnit: rng.nextUnit()).number ?? .nan }
        #expect(values.allSatisfy { $0.isFinite && $0 >= -1e308 && $0 <= 1e308 })
        #expect(values.contains { $0 < -1e307 } && values.contains { $0 > 1e307 }, "spread over the range, not piled at a bound")
        for x in [-1e308, 0, 5e307, 1e308] {
            let u = param.unit(of: .double(x))
            #expect(u.isFinite && u >= 0 && u <= 1, "unit(\(x)) = \(u)")
        }
    }

    @Test func reverseLogNearTheTopOfDouble() {
        let param = ParameterSpec(name: "r", domain: .double(min: 1e307, max: 1.7e308, scale: .reverseLog))
        for u in [0, 1e-9, 0.3, 0.5, 0.999, 1.0.nextDown, 1] {
            guard case .double(let x) = param.value(atUnit: u) else {
                Issue.record("not a double")
                continue
            }
            #expect(x.isFinite && x >= 1e307 && x <= 1.7e308, "u \(u) → \(x)")
            let back = param.unit(of: .double(x))
            #expect(back.isFinite, "unit(\(x)) = \(back)")
        }
    }

    @Test func integerBoundsAtIntLimitsNeverTrap() {
        let param = ParameterSpec(name: "n", domain: .integer(min: .min, max: .max, scale: .linear))
        for u in [0, 1e-300, 0.5, 1 - 1e-16, 1.0.nextDown, 1] {
            guard case .integer = param.value(atUnit: u) else {
                Issue.record("not an integer")
                continue
            }
        }
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<500 { _ = param.value(atUnit: rng.nextUnit()) }
    }
}

@Suite("Hostile trial output", .limitedParallelism)
struct HostileTrialOutputTests {
    static let spec = TuningSpec(metricTag: "acc", params: [ParameterSpec(name: "x", domain: .double(min: 0, max: 1, scale: .none))])

    @Test(
        "a NaN or infinite objective fails the trial and says so",
        arguments: [
            ([0.3, .nan], "the metric acc is nan at step 2 in the trial's output"),
            ([0.3, .infinity], "the metric acc is inf at step 2"),
            ([-.infinity], "the metric acc is -inf at step 1"),
        ] as [([Double], String)])
    func nonFiniteObjective(values: [Double], reason: String) {
        let readings = values.enumerated().map { MetricReading(tag: "acc", value: $1, step: $0 + 1, source: .stdout) }
        let judgement = TrialVerdict.judge(exit: .exited(0), readings: readings, spec: Self.spec, lastErrorLine: nil)
        #expect(judgement.state == .failed)
        #expect(judgement.finalMetric == nil)
        #expect(judgement.reason?.contains(reason) == true, "\(judgement.reason ?? "no reason")")
        #expect(judgement.reason?.contains("diverged") == true)
    }

    @Test func aNaNBeforeTheLastValueDoesNotMatter() {
        let readings = [
            MetricReading(tag: "acc", value: .nan, step: 1, source: .stdout),
            MetricReading(tag: "acc", value: 0.7, step: 2, source: .stdout),
        ]
        let judgement = TrialVerdict.judge(exit: .exited(0), readings: readings, spec: Self.spec, lastErrorLine: nil)
        #expect(judgement.state == .succeeded)
        #expect(judgement.finalMetric?.value == 0.7)
    }

    @Test func overlongLinesAreCountedNotHeld() {
        var parser = StdoutMetricParser(maxLineLength: 1024)
        let long = [UInt8](repeating: 0x61, count: 5000)
        var readings: [MetricReading] = []
        for _ in 0..<3 {
            readings += parser.consume(Array("acc=0.1 ".utf8) + long + [0x0A])
        }
        readings += parser.consume(Array("acc=0.5\n".utf8))
        // Without a line end at all: dropped too, once the trial ends.
        readings += parser.consume(long)
        readings += parser.consume(long)
        readings += parser.finish()
        #expect(parser.droppedLines == 4)
        #expect(readings.map(\.value) == [0.5])
        #expect(readings.first?.step == 1, "dropped lines are not counted as readings")
    }
}

@Suite("Hostile job names", .limitedParallelism)
struct HostileJobNameTests {
    @Test(
        "names that are not folder names are refused, saying why",
        arguments: [
            ("a/b", "cannot contain '/'"), ("..", "starts with '.'"), ("../x", "cannot contain '/'"),
            ("my job", "contains a space"), ("", "is empty"), ("-x", "starts with '-'"), (".hidden", "starts with '.'"),
            (String(repeating: "a", count: 129), "longer than 128"), ("tab\there", "contains U+9"), ("é", "contains 'é'"),
            ("latest", "means the newest job"),
        ])
    func refused(name: String, reason: String) throws {
        let error = try #require(throws: StoreError.self) { try JobStore.validate(jobName: name) }
        #expect(error.description.contains(reason), "\(error)")
        #expect(error.description.contains("use letters, digits"), "says what to do: \(error)")
    }

    @Test func aReferenceIsNeverAPath() throws {
        let store = JobStore(root: FileManager.default.temporaryDirectory.appendingPathComponent("tune-names-\(UUID().uuidString)").path)
        for reference in ["../x", "/etc", "a/../../b"] {
            #expect(throws: StoreError.invalidJobName(reference)) { try store.resolve(reference) }
        }
    }
}
