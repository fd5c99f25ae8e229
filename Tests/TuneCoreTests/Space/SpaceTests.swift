import Foundation
import Testing
import TuneCore
import TuneTestSupport

// Helpers shared by the space tests.

private func doubleParam(_ name: String, _ lo: Double, _ hi: Double, _ scale: ScaleType = .linear) -> ParameterSpec {
    ParameterSpec(name: name, domain: .double(min: lo, max: hi, scale: scale))
}

private func integerParam(_ name: String, _ lo: Int, _ hi: Int, _ scale: ScaleType = .linear) -> ParameterSpec {
    ParameterSpec(name: name, domain: .integer(min: lo, max: hi, scale: scale))
}

private func discreteParam(_ name: String, _ texts: [String]) -> ParameterSpec {
    ParameterSpec(name: name, domain: .discrete(texts.map { DiscreteValue(value: Double($0)!, text: $0) }))
}

private func categoricalParam(_ name: String, _ values: [String]) -> ParameterSpec {
    ParameterSpec(name: name, domain: .categorical(values))
}

/// `count` uniform unit draws from a fixed seed, so every statistical test is deterministic.
private func units(_ count: Int, seed: UInt64 = 42) -> [Double] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { _ in rng.nextUnit() }
}

/// Unit coordinates worth trying on top of random ones: the ends, just inside them, and outside [0, 1].
private let edgeUnits: [Double] = [0, 1, 0.5, 1e-300, 1.0.nextDown, 0.25, 0.75, -0.5, 1.5, -.infinity, .infinity, .nan]

/// True when `value` is a value of `param`: the right kind, and within bounds or among the choices.
func isValue(_ value: ParameterValue, of param: ParameterSpec) -> Bool {
    switch (param.domain, value) {
    case (.double(let lo, let hi, _), .double(let x)):
        return x >= lo && x <= hi
    case (.integer(let lo, let hi, _), .integer(let n)):
        return n >= lo && n <= hi
    case (.categorical(let values), .categorical(let s)):
        return values.contains(s)
    case (.discrete(let values), .discrete(let d)):
        return values.contains(d)
    default:
        return false
    }
}

@Suite("Flag formatting", .limitedParallelism)
struct FlagFormattingTests {
    @Test(
        "DOUBLE text reads back as the same Double",
        arguments: [
            1e-05, 0.1 + 0.2, 0.2011, 3.0, 0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
            -0.0, -1e-07, 123456789.123456789, 1e16, 1e22, 0.000123456789012345678, Double.pi, .ulpOfOne,
        ])
    func doubleRoundTripsNamed(x: Double) {
        let text = ParameterValue.double(x).text
        #expect(Double(text) == x, "\(x) formatted as \(text)")
        #expect(Double(text)?.sign == x.sign)
    }

    @Test func doubleRoundTripsForRandomDoubles() {
        var rng = SeededGenerator(seed: 7)
        var checked = 0
        // Arbitrary bit patterns cover every exponent; uniform draws cover typical hyperparameter values.
        while checked < 20_000 {
            let x = checked.isMultiple(of: 2) ? Double(bitPattern: rng.next()) : rng.nextUnit() * 10
            guard x.isFinite else { continue }
            let text = ParameterValue.format(x)
            #expect(Double(text) == x, "\(x) formatted as \(text)")
            checked += 1
        }
    }

    @Test func doubleTextIsShort() {
        #expect(ParameterValue.double(1e-05).text == "1e-05")
        #expect(ParameterValue.double(0.2011).text == "0.2011")
        #expect(ParameterValue.double(3).text == "3.0")
        #expect(ParameterValue.double(0.1 + 0.2).text == "0.30000000000000004")
    }

    @Test func integerIsWrittenAsAnInteger() {
        #expect(ParameterValue.integer(32).text == "32")
        #expect(ParameterValue.integer(-7).text == "-7")
        #expect(ParameterValue.integer(0).text == "0")
        #expect(ParameterValue.integer(Int.max).text == "9223372036854775807")
    }

    @Test("DISCRETE keeps the config's text", arguments: ["32", "1e-3", "0.50", "1E2", "-4", "64.0"])
    func discreteAsWritten(text: String) {
        let value = ParameterValue.discrete(DiscreteValue(value: Double(text)!, text: text))
        #expect(value.text == text)
        #expect(value.number == Double(text))
    }

    @Test func categoricalIsTheString() {
        #expect(ParameterValue.categorical("adam").text == "adam")
        #expect(ParameterValue.categorical("a b \"c\" é").text == "a b \"c\" é")
        #expect(ParameterValue.categorical("adam").number == nil)
    }

    @Test func flagsFollowTheSpecOrder() {
        // Names deliberately out of alphabetical order, so a dictionary or a sort would show.
        let spec = TuningSpec(params: [
            doubleParam("zeta", 0, 1), categoricalParam("alpha", ["x", "y"]), integerParam("mid", 1, 5), discreteParam("beta", ["1e-3", "32"]),
        ])
        let point = Assignment(spec.params.map { ($0.name, $0.value(atUnit: 0.01)) })
        #expect(point.flags == ["--zeta=0.01", "--alpha=x", "--mid=1", "--beta=1e-3"])

        // Rebuilt from the journal's text (an unordered dictionary), the order is still the spec's.
        let rebuilt = Assignment(textValues: point.textValues, spec: spec)
        #expect(rebuilt == point)
        #expect(rebuilt?.flags == point.flags)
        #expect(rebuilt?.names == ["zeta", "alpha", "mid", "beta"])
    }

    @Test func assignmentFromTextNeedsEveryParameter() {
        let spec = TuningSpec(params: [integerParam("a", 1, 3), categoricalParam("b", ["x"])])
        #expect(Assignment(textValues: ["a": "2"], spec: spec) == nil)
        #expect(Assignment(textValues: ["a": "2", "b": "z"], spec: spec) == nil)
        #expect(Assignment(textValues: ["a": "2", "b": "x", "extra": "1"], spec: spec)?.flags == ["--a=2", "--b=x"])
    }
}

@Suite("Reading values back from text", .limitedParallelism)
struct ValueFromTextTests {
    @Test func double() {
        let p = doubleParam("lr", 1e-5, 1e-1, .log)
        #expect(p.value(fromText: "1e-05") == .double(1e-5))
        #expect(p.value(fromText: "0.30000000000000004") == .double(0.1 + 0.2))
        #expect(p.value(fromText: "3") == .double(3))
        #expect(p.value(fromText: "abc") == nil)
        #expect(p.value(fromText: "") == nil)
    }

    @Test func integer() {
        let p = integerParam("layers", 1, 8)
        #expect(p.value(fromText: "7") == .integer(7))
        #expect(p.value(fromText: "-2") == .integer(-2))
        #expect(p.value(fromText: "7.5") == nil)
        #expect(p.value(fromText: "seven") == nil)
    }

    @Test func categorical() {
        let p = categoricalParam("opt", ["adam", "sgd", "with space"])
        #expect(p.value(fromText: "adam") == .categorical("adam"))
        #expect(p.value(fromText: "with space") == .categorical("with space"))
        #expect(p.value(fromText: "rmsprop") == nil)
        #expect(p.value(fromText: "Adam") == nil)
    }

    @Test func discrete() {
        let p = discreteParam("lr", ["1e-3", "0.01", "32"])
        let milli = DiscreteValue(value: 0.001, text: "1e-3")
        #expect(p.value(fromText: "1e-3") == .discrete(milli))
        // Another spelling of the same number finds the value as the config wrote it.
        #expect(p.value(fromText: "0.001") == .discrete(milli))
        #expect(p.value(fromText: "32.0") == .discrete(DiscreteValue(value: 32, text: "32")))
        #expect(p.value(fromText: "0.5") == nil)
        #expect(p.value(fromText: "x") == nil)
    }

    @Test("every kind reads back its own text")
    func everyKindRoundTrips() {
        let params = [
            doubleParam("d", 1e-5, 1e-1, .log), integerParam("i", -3, 40, .linear), categoricalParam("c", ["a", "b\"q", "ü"]),
            discreteParam("k", ["1e-3", "0.5", "32"]),
        ]
        for param in params {
            for u in units(500) + edgeUnits {
                let value = param.value(atUnit: u)
                #expect(param.value(fromText: value.text) == value, "\(param.name): \(value.text)")
            }
        }
    }
}

@Suite("Unit cube warps", .limitedParallelism)
struct UnitCubeTests {
    static let scaledParams: [ParameterSpec] =
        ScaleType.allCases.flatMap { scale in
            [doubleParam("d", 1e-4, 10, scale), integerParam("i", 1, 20, scale)]
        } + [
            doubleParam("neg", -3, 2.5), integerParam("negInt", -10, 10), integerParam("pinned", 4, 4), doubleParam("pinnedDouble", 0.3, 0.3),
            categoricalParam("c", ["a", "b", "c"]), discreteParam("k", ["1e-3", "32", "64"]),
        ]

    @Test("values always within [min, max]", arguments: scaledParams)
    func withinBounds(param: ParameterSpec) {
        for u in units(5_000) + edgeUnits {
            let value = param.value(atUnit: u)
            #expect(isValue(value, of: param), "u = \(u) gave \(value)")
        }
    }

    @Test("the ends of the unit interval map to the ends of the range", arguments: ScaleType.allCases)
    func ends(scale: ScaleType) {
        let p = doubleParam("d", 1e-4, 10, scale)
        // exp(log(x)) is x only to a few ulps (and reverse log subtracts nearly equal numbers at the bottom).
        #expect(abs(p.value(atUnit: 0).number! - 1e-4) < 1e-4 * 1e-9)
        #expect(abs(p.value(atUnit: 1).number! - 10) < 10 * 1e-12)
        let n = integerParam("i", 1, 20, scale)
        #expect(n.value(atUnit: 0) == .integer(1))
        #expect(n.value(atUnit: 1) == .integer(20))
    }

    @Test("DOUBLE: unit(of:) inverts value(atUnit:)", arguments: ScaleType.allCases)
    func doubleRoundTrip(scale: ScaleType) {
        let p = doubleParam("d", 1e-4, 10, scale)
        for u in units(2_000) + [0, 1, 0.5] {
            let x = p.value(atUnit: u)
            #expect(abs(p.unit(of: x) - u) < 1e-9, "u = \(u), x = \(x)")
            let back = p.value(atUnit: p.unit(of: x)).number!
            #expect(abs(back - x.number!) <= 1e-9 * max(1, abs(x.number!)), "x = \(x), back = \(back)")
        }
    }

    @Test("INTEGER: every integer survives unit(of:) and back", arguments: ScaleType.allCases)
    func integerRoundTrip(scale: ScaleType) {
        let p = integerParam("i", 1, 20, scale)
        for n in 1...20 {
            let u = p.unit(of: .integer(n))
            #expect(u >= 0 && u <= 1)
            #expect(p.value(atUnit: u) == .integer(n), "n = \(n), u = \(u)")
        }
    }

    @Test("choices: every value survives unit(of:) and back")
    func choicesRoundTrip() {
        for p in [categoricalParam("c", ["a", "b", "c", "d"]), discreteParam("k", ["1e-3", "32", "64"])] {
            guard let axis = Grid.axis(of: p), let count = axis.count else {
                Issue.record("no grid values for \(p.name)")
                continue
            }
            for value in (0..<count).map(axis.value(at:)) {
                #expect(p.value(atUnit: p.unit(of: value)) == value)
            }
        }
    }

    /// For k bins each expected to hold n·p of n draws, a bin count is binomial with standard
    /// deviation sqrt(n·p·(1 − p)). The tests allow 5 standard deviations: a correct warp fails
    /// that with probability below 1e-6 per bin (and the draws are seeded, so the outcome is fixed),
    /// while a wrong warp (e.g. linear instead of log) misses by hundreds of deviations.
    static func tolerance(draws n: Int, p: Double) -> Double {
        5 * (Double(n) * p * (1 - p)).squareRoot()
    }

    @Test func logScaleIsLogUniform() {
        let p = doubleParam("lr", 1e-5, 1e-1, .log)
        let n = 20_000
        var perDecade = [Int](repeating: 0, count: 4)
        for u in units(n) {
            let x = p.value(atUnit: u).number!
            perDecade[min(max(Int(floor(log10(x))) + 5, 0), 3)] += 1
        }
        // 4 decades, p = 1/4 each: expected 5,000, sd ≈ 61, tolerance ≈ 306.
        let expected = Double(n) / 4
        let allowed = Self.tolerance(draws: n, p: 0.25)
        for (decade, count) in perDecade.enumerated() {
            #expect(abs(Double(count) - expected) < allowed, "decade 1e\(decade - 5): \(count) of \(n)")
        }
    }

    @Test func logScaleIntegerIsLogUniformToo() {
        // INTEGER 1...1000 on a log scale is warped over [0.5, 1000.5] and rounded, so
        // P(n ≤ 9) = ln(9.5 / 0.5) / ln(1000.5 / 0.5) ≈ 0.387 and P(n ≥ 100) = ln(1000.5 / 99.5) / ln(2001) ≈ 0.304
        // (a linear scale would give 0.009 and 0.901).
        let p = integerParam("units", 1, 1000, .log)
        let n = 20_000
        let draws = units(n).map { p.value(atUnit: $0).number! }
        let low = draws.filter { $0 <= 9 }.count
        let high = draws.filter { $0 >= 100 }.count
        let pLow = log(9.5 / 0.5) / log(2001.0)
        let pHigh = log(1000.5 / 99.5) / log(2001.0)
        #expect(abs(Double(low) - Double(n) * pLow) < Self.tolerance(draws: n, p: pLow), "low \(low)")
        #expect(abs(Double(high) - Double(n) * pHigh) < Self.tolerance(draws: n, p: pHigh), "high \(high)")
        #expect(Set(draws).count > 500)
    }

    @Test func reverseLogCrowdsNearTheTop() {
        let p = doubleParam("momentum", 0.01, 1, .reverseLog)
        let n = 20_000
        let draws = units(n).map { p.value(atUnit: $0).number! }
        // The top tenth [0.901, 1] and bottom tenth [0.01, 0.109] of the range.
        let top = draws.filter { $0 >= 0.901 }.count
        let bottom = draws.filter { $0 <= 0.109 }.count
        #expect(top > 5 * bottom, "top \(top), bottom \(bottom)")
        // hi + lo − x is log-uniform on [lo, hi], so P(top) = ln(0.109 / 0.01) / ln(100) ≈ 0.518 and
        // P(bottom) = ln(1 / 0.901) / ln(100) ≈ 0.0226.
        let pTop = log(0.109 / 0.01) / log(100.0)
        let pBottom = log(1 / 0.901) / log(100.0)
        #expect(abs(Double(top) - Double(n) * pTop) < Self.tolerance(draws: n, p: pTop), "top \(top)")
        #expect(abs(Double(bottom) - Double(n) * pBottom) < Self.tolerance(draws: n, p: pBottom), "bottom \(bottom)")
        // And the mirror image: plain log scale crowds near the bottom.
        let logDraws = units(n).map { doubleParam("m", 0.01, 1, .log).value(atUnit: $0).number! }
        #expect(logDraws.filter { $0 <= 0.109 }.count > 5 * logDraws.filter { $0 >= 0.901 }.count)
    }

    @Test("INTEGER on a linear scale: every integer equally likely", arguments: [ScaleType.linear, .none])
    func integerUniform(scale: ScaleType) {
        let p = integerParam("layers", -2, 3, scale)
        let n = 30_000
        var counts: [Int: Int] = [:]
        for u in units(n) {
            guard case .integer(let k) = p.value(atUnit: u) else {
                Issue.record("not an integer")
                return
            }
            counts[k, default: 0] += 1
        }
        #expect(Set(counts.keys) == Set(-2...3))
        // 6 values, p = 1/6: expected 5,000, sd ≈ 65, tolerance ≈ 323.
        let allowed = Self.tolerance(draws: n, p: 1.0 / 6)
        for k in -2...3 {
            #expect(abs(Double(counts[k, default: 0]) - Double(n) / 6) < allowed, "\(k): \(counts[k, default: 0])")
        }
    }

    @Test func choicesAreEquallyLikely() {
        let p = categoricalParam("opt", ["adam", "sgd", "rmsprop", "adagrad"])
        let n = 20_000
        var counts: [ParameterValue: Int] = [:]
        for u in units(n) { counts[p.value(atUnit: u), default: 0] += 1 }
        #expect(counts.count == 4)
        for (value, count) in counts {
            #expect(abs(Double(count) - Double(n) / 4) < Self.tolerance(draws: n, p: 0.25), "\(value): \(count)")
        }
    }
}
