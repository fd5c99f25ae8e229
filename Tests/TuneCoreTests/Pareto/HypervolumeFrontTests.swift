import Foundation
import Testing
import TuneCore
import TuneTestSupport

/// `Hypervolume.of` on the fronts of tune-bench's multi-objective problems (FrontProblems.swift),
/// against closed forms: ZDT1 and ZDT2 at the reference (1.1, 11), DTLZ2 at (1.1, 1.1, 1.1).
@Suite("Hypervolume on the benchmark's true fronts", .limitedParallelism)
struct HypervolumeFrontTests {
    /// The area a 2-objective staircase dominates, summed directly (points sorted by f1, f2 falling).
    static func staircase(_ points: [[Double]], reference r: [Double]) -> Double {
        var area = 0.0
        for (i, p) in points.enumerated() {
            let right = i + 1 < points.count ? points[i + 1][0] : r[0]
            area += (right - p[0]) * (r[1] - p[1])
        }
        return area
    }

    @Test(
        "ZDT1 and ZDT2: n front points give the staircase's area, just below 1.1 · 11 − ∫ front",
        arguments: [("zdt1", 1.0 / 3.0), ("zdt2", 2.0 / 3.0)])
    func zdtFront(name: String, integral: Double) {
        let reference = [1.1, 11.0]
        let n = 2000
        let front = (0...n).map { i -> [Double] in
            let f1 = Double(i) / Double(n)
            return [f1, name == "zdt1" ? 1 - f1.squareRoot() : 1 - f1 * f1]
        }
        let volume = Hypervolume.of(front.shuffled(), reference: reference, goals: [.minimize, .minimize])
        #expect(abs(volume - Self.staircase(front, reference: reference)) < 1e-9)
        let closedForm = 1.1 * 11 - integral
        #expect(volume < closedForm)
        #expect(closedForm - volume < 1e-3)
        // Dominated points (g > 1) and points beyond the reference add nothing.
        let dominated = front.map { [$0[0], $0[1] * 3 + 0.5] } + [[1.2, 0], [0, 11.5]]
        #expect(abs(Hypervolume.of(front + dominated, reference: reference, goals: [.minimize, .minimize]) - volume) < 1e-9)
    }

    @Test("DTLZ2: points of the unit sphere's positive orthant approach 1.1³ − π/6 from below")
    func dtlz2Front() {
        let reference = [1.1, 1.1, 1.1]
        let closedForm = 1.1 * 1.1 * 1.1 - Double.pi / 6
        var previous = 0.0
        for n in [10, 20, 40] {
            let front = (0...n).flatMap { i in
                (0...n).map { j -> [Double] in
                    let a = Double(i) / Double(n) * Double.pi / 2
                    let b = Double(j) / Double(n) * Double.pi / 2
                    return [cos(a) * cos(b), cos(a) * sin(b), sin(a)]
                }
            }
            let volume = Hypervolume.of(front, reference: reference, goals: [.minimize, .minimize, .minimize])
            #expect(volume > previous)
            #expect(volume < closedForm)
            previous = volume
        }
        #expect(closedForm - previous < 0.02)
    }

    @Test("three objectives: one box, two overlapping boxes (inclusion–exclusion), and a maximized goal")
    func smallExactCases() {
        let r = [1.1, 1.1, 1.1]
        let goals: [Goal] = [.minimize, .minimize, .minimize]
        #expect(abs(Hypervolume.of([[0.5, 0.5, 0.5]], reference: r, goals: goals) - 0.216) < 1e-12)
        // [0.1, 1.1]×[0.6, 1.1]×[0.6, 1.1] ∪ [0.6, 1.1]×[0.1, 1.1]×[0.6, 1.1]: 0.25 + 0.25 − 0.125.
        let two = Hypervolume.of([[0.1, 0.6, 0.6], [0.6, 0.1, 0.6]], reference: r, goals: goals)
        #expect(abs(two - 0.375) < 1e-12)
        // Maximizing the second objective against 0: the point's value 2 spans [0, 2].
        #expect(abs(Hypervolume.of([[0.5, 2]], reference: [1, 0], goals: [.minimize, .maximize]) - 1) < 1e-12)
    }
}
