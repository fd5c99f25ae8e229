import Testing
import TuneTestSupport

@testable import TuneCore

@Suite("Pareto dominance, ranks and hypervolume", .limitedParallelism)
struct ParetoTests {
    let minimize: [Goal] = [.minimize, .minimize]

    @Test("dominance: at least as good everywhere and better somewhere; equal vectors and NaNs dominate nothing")
    func dominance() {
        #expect(ParetoDominance.dominates([1, 2], [2, 2], goals: minimize))
        #expect(ParetoDominance.dominates([1, 1], [2, 2], goals: minimize))
        #expect(!ParetoDominance.dominates([1, 2], [1, 2], goals: minimize))
        #expect(!ParetoDominance.dominates([1, 3], [2, 2], goals: minimize))
        #expect(!ParetoDominance.dominates([2, 2], [1, 2], goals: minimize))
        #expect(ParetoDominance.dominates([3, 1], [2, 1], goals: [.maximize, .minimize]))
        #expect(!ParetoDominance.dominates([.nan, 0], [5, 5], goals: minimize))
        #expect(!ParetoDominance.dominates([0, 0], [.nan, 5], goals: minimize))
        #expect(!ParetoDominance.dominates([0, 0], [1], goals: minimize))
    }

    @Test("ranks: fronts peeled in order, ties share a rank, NaN and malformed vectors are unranked")
    func ranks() {
        let vectors: [[Double]] = [[1, 2], [2, 1], [2, 2], [1, 2], [3, 3], [.nan, 0], [0], [2.5, 2.5]]
        #expect(ParetoDominance.ranks(vectors, goals: minimize) == [1, 1, 2, 1, 4, nil, nil, 3])
        // Maximizing the second objective turns the order around.
        #expect(ParetoDominance.ranks([[1, 1], [1, 2], [2, 2]], goals: [.minimize, .maximize]) == [2, 1, 2])
        #expect(ParetoDominance.ranks([], goals: minimize).isEmpty)
        #expect(ParetoDominance.ranks([[4], [2], [2], [7]], goals: [.minimize]) == [2, 1, 1, 3])
    }

    @Test("hypervolume in two objectives against hand-computed areas")
    func twoObjectives() {
        let staircase: [[Double]] = [[1, 3], [2, 2], [3, 1]]
        // (4−1)(4−3) + (4−2)(3−2) + (4−3)(2−1) = 3 + 2 + 1.
        #expect(Hypervolume.of(staircase, reference: [4, 4], goals: minimize) == 6)
        // A dominated point, a duplicate, a point beyond the reference and a NaN add nothing.
        let noisy = staircase + [[2.5, 2.5], [2, 2], [5, 0], [0, 4], [.nan, 0]]
        #expect(Hypervolume.of(noisy, reference: [4, 4], goals: minimize) == 6)
        // Maximizing both against (0, 0): the mirror image.
        #expect(Hypervolume.of([[3, 1], [2, 2], [1, 3]], reference: [0, 0], goals: [.maximize, .maximize]) == 6)
        // One of each goal: (acc ↑, latency ↓) = (0.9, 20) and (0.8, 10) against (0.5, 30):
        // 0.4 × 10 + 0.3 × 20 − 0.3 × 10 = 4 + 6 − 3.
        let mixed = Hypervolume.of([[0.9, 20], [0.8, 10]], reference: [0.5, 30], goals: [.maximize, .minimize])
        #expect(abs(mixed - 7) < 1e-12)
        #expect(Hypervolume.of([], reference: [1, 1], goals: minimize) == 0)
    }

    @Test("hypervolume in three and four objectives against hand-computed volumes")
    func threeObjectives() {
        let goals: [Goal] = [.minimize, .minimize, .minimize]
        #expect(Hypervolume.of([[1, 1, 1]], reference: [2, 2, 2], goals: goals) == 1)
        // [1,2]³ ∪ [0,2]×[1.5,2]×[1.5,2]: 1 + 0.5 − 0.25 (their overlap [1,2]×[1.5,2]²).
        #expect(Hypervolume.of([[1, 1, 1], [0, 1.5, 1.5]], reference: [2, 2, 2], goals: goals) == 1.25)
        // The three unit corners of [0,2]³ without one axis each: by inclusion–exclusion
        // 3 × 4 − 3 × 2 + 1 = 7 (each box 2×2×1, pairs meet in 2×1×1, all three in 1×1×1).
        let corners: [[Double]] = [[0, 0, 1], [0, 1, 0], [1, 0, 0]]
        #expect(Hypervolume.of(corners, reference: [2, 2, 2], goals: goals) == 7)
        let four = Hypervolume.of([[1, 1, 1, 1], [0, 2, 2, 2]], reference: [3, 3, 3, 3], goals: Array(repeating: .minimize, count: 4))
        // 2⁴ + 3 × 1³ − 2 × 1³ (the overlap [1,3]×[2,3]³).
        #expect(four == 17)
    }
}
