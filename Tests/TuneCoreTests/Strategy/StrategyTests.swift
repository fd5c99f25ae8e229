import Foundation
import Testing
import TuneCore
import TuneTestSupport

/// The 3×2×2 space: INTEGER 1...3, CATEGORICAL of 2, DISCRETE of 2 — 12 points.
private let finiteSpec = TuningSpec(
    maxTrials: 12, algorithm: .grid,
    params: [
        ParameterSpec(name: "layers", domain: .integer(min: 1, max: 3, scale: .linear)),
        ParameterSpec(name: "optimizer", domain: .categorical(["adam", "sgd"])),
        ParameterSpec(name: "batch", domain: .discrete([DiscreteValue(value: 32, text: "32"), DiscreteValue(value: 64, text: "64")])),
    ])

/// A space with DOUBLE ranges on every scale, so no grid.
private let continuousSpec = TuningSpec(
    maxTrials: 50, algorithm: .random,
    params: [
        ParameterSpec(name: "lr", domain: .double(min: 1e-5, max: 1e-1, scale: .log)),
        ParameterSpec(name: "momentum", domain: .double(min: 0.5, max: 0.999, scale: .reverseLog)),
        ParameterSpec(name: "dropout", domain: .double(min: 0, max: 0.5, scale: .linear)),
        ParameterSpec(name: "layers", domain: .integer(min: 1, max: 8, scale: .none)),
        ParameterSpec(name: "optimizer", domain: .categorical(["adam", "sgd", "rmsprop"])),
    ])

/// One strategy over one space, for the conformance suite.
struct StrategyCase: Sendable, CustomTestStringConvertible {
    var name: String
    var spec: TuningSpec
    var isRandom: Bool
    var make: @Sendable (UInt64) -> any SearchStrategy

    var testDescription: String { name }

    static let all: [StrategyCase] = [
        StrategyCase(name: "grid, finite space", spec: finiteSpec, isRandom: false) { _ in GridStrategy(grid: Grid(spec: finiteSpec)!) },
        StrategyCase(name: "random, finite space", spec: finiteSpec, isRandom: true) { RandomStrategy(spec: finiteSpec, seed: $0) },
        StrategyCase(name: "random, continuous space", spec: continuousSpec, isRandom: true) {
            RandomStrategy(spec: continuousSpec, seed: $0)
        },
        StrategyCase(name: "Bayesian, finite space", spec: finiteSpec, isRandom: true) { BayesianStrategy(spec: finiteSpec, seed: $0) },
        StrategyCase(name: "Bayesian, continuous space", spec: continuousSpec, isRandom: true) {
            BayesianStrategy(spec: continuousSpec, seed: $0)
        },
        // The architecture article's worked example passes the same suite.
        StrategyCase(name: "golden-line walk (worked example), continuous space", spec: continuousSpec, isRandom: false) { _ in
            GoldenLineStrategy(spec: continuousSpec)
        },
    ]
}

/// Proposes `total` points one call at a time, each call seeing the points before it as running trials.
private func proposeOneByOne(
    _ strategy: any SearchStrategy, total: Int, firstTrialId: Int = 1,
    history start: [TrialObservation] = []
) -> [Assignment] {
    var history = start
    var points: [Assignment] = []
    for trialId in firstTrialId..<(firstTrialId + total) {
        let batch = strategy.propose(count: 1, firstTrialId: trialId, history: history)
        guard let point = batch.first else { break }
        #expect(batch.count == 1)
        points.append(point)
        history.append(TrialObservation(trialId: trialId, assignment: point, state: .running))
    }
    return points
}

private func observations(_ points: [Assignment], firstTrialId: Int = 1) -> [TrialObservation] {
    points.enumerated().map { TrialObservation(trialId: firstTrialId + $0.offset, assignment: $0.element, state: .succeeded, objective: 0.5) }
}

@Suite("SearchStrategy conformance", .limitedParallelism)
struct StrategyConformanceTests {
    @Test("every proposal lies in the space", arguments: StrategyCase.all)
    func proposalsInSpace(c: StrategyCase) {
        let strategy = c.make(1)
        let points = strategy.propose(count: c.spec.maxTrials, firstTrialId: 1, history: [])
        #expect(!points.isEmpty)
        for point in points {
            #expect(point.names == c.spec.params.map(\.name))
            for (param, value) in zip(c.spec.params, point.values) {
                #expect(isValue(value, of: param), "\(param.name) = \(value)")
            }
            // What the journal stores reads back as the same point.
            #expect(Assignment(textValues: point.textValues, spec: c.spec) == point)
        }
    }

    @Test("same seed, same proposals", arguments: StrategyCase.all)
    func sameSeed(c: StrategyCase) {
        let a = c.make(1234).propose(count: 10, firstTrialId: 1, history: [])
        let b = c.make(1234).propose(count: 10, firstTrialId: 1, history: [])
        #expect(a == b)
        #expect(proposeOneByOne(c.make(1234), total: 10) == proposeOneByOne(c.make(1234), total: 10))
    }

    @Test("different seed, different proposals", arguments: StrategyCase.all.filter(\.isRandom))
    func differentSeed(c: StrategyCase) {
        let a = c.make(1).propose(count: 8, firstTrialId: 1, history: [])
        let b = c.make(2).propose(count: 8, firstTrialId: 1, history: [])
        #expect(a != b)
    }

    @Test("proposals do not depend on how the history is split across calls", arguments: StrategyCase.all)
    func splitHistory(c: StrategyCase) {
        let strategy = c.make(99)
        let together = strategy.propose(count: 3, firstTrialId: 1, history: [])
        let apart = proposeOneByOne(strategy, total: 3)
        #expect(together.count == 3)
        #expect(together == apart)

        // Also mid-job: trials 1–4 done, propose 5–7 at once or one by one.
        let done = observations(strategy.propose(count: 4, firstTrialId: 1, history: []))
        #expect(strategy.propose(count: 3, firstTrialId: 5, history: done) == proposeOneByOne(strategy, total: 3, firstTrialId: 5, history: done))
    }

    @Test("no repeats of a point in the history", arguments: StrategyCase.all)
    func noRepeats(c: StrategyCase) {
        let strategy = c.make(5)
        let points = proposeOneByOne(strategy, total: min(c.spec.maxTrials, 12))
        #expect(Set(points).count == points.count)
    }

    @Test("a random trial's point depends on its id, not on the calls before")
    func randomSeededPerTrial() {
        let strategy = RandomStrategy(spec: continuousSpec, seed: 77)
        let first10 = strategy.propose(count: 10, firstTrialId: 1, history: [])
        // Trial 7 proposed on its own (the history holds other points) is the same as in the batch.
        let alone = strategy.propose(count: 1, firstTrialId: 7, history: [])
        #expect(alone == [first10[6]])
    }
}

@Suite("GridStrategy", .limitedParallelism)
struct GridStrategyTests {
    static let strategy = GridStrategy(grid: Grid(spec: finiteSpec)!)

    static var allCombos: Set<Assignment> {
        var combos: Set<Assignment> = []
        for layers in 1...3 {
            for optimizer in ["adam", "sgd"] {
                for batch in [DiscreteValue(value: 32, text: "32"), DiscreteValue(value: 64, text: "64")] {
                    combos.insert(
                        Assignment([
                            ("layers", .integer(layers)), ("optimizer", .categorical(optimizer)),
                            ("batch", .discrete(batch)),
                        ]))
                }
            }
        }
        return combos
    }

    @Test func countAndOrder() {
        let grid = Grid(spec: finiteSpec)!
        #expect(grid.count == 12)
        // The last parameter varies fastest, as itertools.product orders them.
        #expect(grid.point(at: 0).flags == ["--layers=1", "--optimizer=adam", "--batch=32"])
        #expect(grid.point(at: 1).flags == ["--layers=1", "--optimizer=adam", "--batch=64"])
        #expect(grid.point(at: 2).flags == ["--layers=1", "--optimizer=sgd", "--batch=32"])
        #expect(grid.point(at: 11).flags == ["--layers=3", "--optimizer=sgd", "--batch=64"])
    }

    @Test func everyComboExactlyOnceThenNothing() {
        let points = proposeOneByOne(Self.strategy, total: 100)
        #expect(points.count == 12)
        #expect(Set(points).count == 12)
        #expect(Set(points) == Self.allCombos)
        #expect(Self.strategy.propose(count: 1, firstTrialId: 13, history: observations(points)) == [])
        #expect(Self.strategy.propose(count: 5, firstTrialId: 13, history: observations(points)) == [])

        // In one call, the same 12 in the same order.
        #expect(Self.strategy.propose(count: 12, firstTrialId: 1, history: []) == points)
    }

    @Test func maxTrialsLargerThanTheGrid() {
        var spec = finiteSpec
        spec.maxTrials = 50
        let (strategy, note) = spec.makeStrategy(seed: 1)
        #expect(note == nil)
        #expect(strategy is GridStrategy)
        let points = strategy.propose(count: spec.maxTrials, firstTrialId: 1, history: [])
        #expect(points.count == 12)
        #expect(Set(points) == Self.allCombos)
        #expect(strategy.propose(count: 38, firstTrialId: 13, history: observations(points)).isEmpty)
    }

    @Test func resumeSkipsPointsInTheHistory() {
        let grid = Grid(spec: finiteSpec)!
        let tried = [0, 5, 7, 11].map(grid.point(at:))
        // Failed and running trials count as tried too: they are not run again.
        let history = [
            TrialObservation(trialId: 1, assignment: tried[0], state: .succeeded, objective: 1),
            TrialObservation(trialId: 2, assignment: tried[1], state: .failed),
            TrialObservation(trialId: 3, assignment: tried[2], state: .running),
            TrialObservation(trialId: 4, assignment: tried[3], state: .cancelled),
        ]
        let rest = Self.strategy.propose(count: 100, firstTrialId: 5, history: history)
        #expect(rest == [1, 2, 3, 4, 6, 8, 9, 10].map(grid.point(at:)))
        #expect(Set(rest).isDisjoint(with: tried))
    }

    @Test func pinnedDoubleIsGridable() {
        let spec = TuningSpec(params: [
            ParameterSpec(name: "lr", domain: .double(min: 0.1, max: 0.1, scale: .linear)),
            ParameterSpec(name: "n", domain: .integer(min: 1, max: 2, scale: .linear)),
        ])
        #expect(Grid(spec: spec)?.count == 2)
        #expect(Grid(spec: continuousSpec) == nil)
    }

    @Test func gridOfAContinuousSpaceFallsBackToRandom() {
        var spec = continuousSpec
        spec.algorithm = .grid
        let (strategy, note) = spec.makeStrategy(seed: 1)
        #expect(strategy is RandomStrategy)
        #expect(note != nil)
    }
}

@Suite("RandomStrategy", .limitedParallelism)
struct RandomStrategyTests {
    @Test("never repeats a point in a small finite space, and returns [] when exhausted", arguments: [0, 1, 2, 3, 4] as [UInt64])
    func exhaustsFiniteSpace(seed: UInt64) {
        let strategy = RandomStrategy(spec: finiteSpec, seed: seed)
        let points = proposeOneByOne(strategy, total: 100)
        #expect(points.count == 12)
        #expect(Set(points) == GridStrategyTests.allCombos)
        #expect(strategy.propose(count: 1, firstTrialId: 13, history: observations(points)) == [])

        // One call asking for more than there is: all 12, no repeats (fewer than asked means exhausted).
        let batch = strategy.propose(count: 30, firstTrialId: 1, history: [])
        #expect(batch.count == 12)
        #expect(Set(batch).count == 12)
    }

    @Test func partiallyTriedSpaceProposesOnlyTheRest() {
        let grid = Grid(spec: finiteSpec)!
        let tried = (0..<9).map(grid.point(at:))
        let strategy = RandomStrategy(spec: finiteSpec, seed: 3)
        let rest = strategy.propose(count: 10, firstTrialId: 10, history: observations(tried))
        #expect(Set(rest) == Set((9..<12).map(grid.point(at:))))
        #expect(rest.count == 3)
    }

    @Test func continuousProposalsAreDistinct() {
        let strategy = RandomStrategy(spec: continuousSpec, seed: 11)
        let points = strategy.propose(count: 200, firstTrialId: 1, history: [])
        #expect(points.count == 200)
        #expect(Set(points).count == 200)
    }
}

/// A grid over a very wide INTEGER range is counted from its bounds, never listed in memory.
@Suite("Grid over wide ranges", .limitedParallelism)
struct WideGridTests {
    @Test func wideIntegerRangeIsCountedNotListed() throws {
        let spec = TuningSpec(
            maxTrials: 5, algorithm: .grid,
            params: [
                ParameterSpec(name: "seed", domain: .integer(min: 0, max: 2_000_000_000, scale: .none)),
                ParameterSpec(name: "act", domain: .categorical(["relu", "tanh"])),
            ])
        let grid = try #require(Grid(spec: spec))
        #expect(grid.count == 4_000_000_002)
        #expect(spec.plannedTrials == 5)
        #expect(grid.point(at: 4_000_000_001)["seed"] == .integer(2_000_000_000))
        let proposals = GridStrategy(grid: grid).propose(count: 3, firstTrialId: 1, history: [])
        #expect(proposals.map { $0.flags } == [["--seed=0", "--act=relu"], ["--seed=0", "--act=tanh"], ["--seed=1", "--act=relu"]])
    }

    @Test func fullIntRangeIsUncountable() {
        let spec = TuningSpec(
            algorithm: .grid,
            params: [
                ParameterSpec(name: "n", domain: .integer(min: Int.min, max: Int.max, scale: .none))
            ])
        #expect(Grid(spec: spec)?.count == nil)
        #expect(spec.plannedTrials == spec.maxTrials)
    }
}
