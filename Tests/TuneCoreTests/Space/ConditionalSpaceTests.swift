import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

// Conditional search spaces: the grid over a tree, flags of the active parameters, and each
// strategy over a tree.

private func integer(_ name: String, _ lo: Int, _ hi: Int, scale: ScaleType = .linear, under condition: ParameterCondition? = nil, default value: String? = nil) -> ParameterSpec {
    ParameterSpec(name: name, domain: .integer(min: lo, max: hi, scale: scale), condition: condition, defaultValue: value)
}

private func double(_ name: String, _ lo: Double, _ hi: Double, scale: ScaleType = .linear, under condition: ParameterCondition? = nil, default value: String? = nil)
    -> ParameterSpec
{
    ParameterSpec(name: name, domain: .double(min: lo, max: hi, scale: scale), condition: condition, defaultValue: value)
}

private func categorical(_ name: String, _ values: [String], under condition: ParameterCondition? = nil, default value: String? = nil) -> ParameterSpec {
    ParameterSpec(name: name, domain: .categorical(values), condition: condition, defaultValue: value)
}

private func discrete(_ name: String, _ texts: [String], under condition: ParameterCondition? = nil, default value: String? = nil) -> ParameterSpec {
    ParameterSpec(name: name, domain: .discrete(texts.map { DiscreteValue(value: Double($0)!, text: $0) }), condition: condition, defaultValue: value)
}

private func when(_ parent: String, _ values: String...) -> ParameterCondition {
    ParameterCondition(parent: parent, parentValues: values)
}

/// A categorical parent with children under two of its three values, then an unconditional root.
/// optimizer: sgd opens momentum (2 values), adam opens beta1 (3), rmsprop opens nothing (1):
/// 2 + 3 + 1 = 6; times batch's 2 values = 12.
private let optimizerTree = TuningSpec(
    maxTrials: 100, algorithm: .grid,
    params: [
        categorical("optimizer", ["sgd", "adam", "rmsprop"]),
        discrete("momentum", ["0.5", "0.9"], under: when("optimizer", "sgd")),
        discrete("beta1", ["0.8", "0.9", "0.99"], under: when("optimizer", "adam")),
        integer("batch", 1, 2),
    ])

/// An integer parent: num_layers 1 opens nothing (1), 2 opens units2 (2), 3 opens units2 and
/// units3 (2 × 3 = 6): 1 + 2 + 6 = 9; times width_mult's 2 values (a root listed first) = 18.
private let layersTree = TuningSpec(
    maxTrials: 100, algorithm: .grid,
    params: [
        categorical("width_mult", ["1", "2"]),
        integer("num_layers", 1, 3),
        discrete("units2", ["32", "64"], under: when("num_layers", "2", "3")),
        discrete("units3", ["32", "64", "128"], under: when("num_layers", "3")),
    ])

/// Three levels below the root: model → layers → width → dropout.
/// dropout: 2. width: 8 alone (1) + 16 with dropout (2) + 32 with dropout (2) = 5.
/// layers: 1 alone (1) + 2 with width (5) = 6. depth: 3…4 = 2.
/// model: linear (1) + tree with depth (2) + nn with layers (6) = 9.
private let deepTree = TuningSpec(
    maxTrials: 100, algorithm: .grid,
    params: [
        categorical("model", ["linear", "tree", "nn"]),
        integer("depth", 3, 4, under: when("model", "tree")),
        integer("layers", 1, 2, under: when("model", "nn")),
        discrete("width", ["8", "16", "32"], under: when("layers", "2")),
        categorical("dropout", ["yes", "no"], under: when("width", "16", "32")),
    ])

/// A DISCRETE parent: batch 16 alone (1), 32 with scale (2), 64 with scale and warmup (2 × 3 = 6): 9.
private let discreteTree = TuningSpec(
    maxTrials: 100, algorithm: .grid,
    params: [
        discrete("batch", ["16", "32", "64"]),
        categorical("scale", ["a", "b"], under: when("batch", "32", "64")),
        integer("warmup", 0, 2, under: when("batch", "64")),
    ])

/// Which parameters are active at `point`: walked in the spec's order from the point's own values.
private func activeNames(_ point: Assignment, _ spec: TuningSpec) -> [String] {
    var chosen: [String: String] = [:]
    var names: [String] = []
    for param in spec.params where spec.isActive(param, given: chosen) {
        names.append(param.name)
        if let value = point[param.name] { chosen[param.name] = value.text }
    }
    return names
}

/// True when `point` holds exactly its active parameters, in the spec's order, each in its domain.
private func isValidPoint(_ point: Assignment, _ spec: TuningSpec) -> Bool {
    guard point.names == activeNames(point, spec) else { return false }
    return zip(point.names, point.values).allSatisfy { name, value in spec.param(named: name)?.contains(value) == true }
}

/// Every value of a finite parameter, in order.
private func allValues(_ param: ParameterSpec) -> [ParameterValue] {
    switch param.domain {
    case .integer(let lo, let hi, _): return (lo...hi).map(ParameterValue.integer)
    case .categorical(let values): return values.map(ParameterValue.categorical)
    case .discrete(let values): return values.map(ParameterValue.discrete)
    case .double(let lo, let hi, _):
        precondition(lo == hi, "not finite")
        return [.double(lo)]
    }
}

/// Brute force: walks the spec in order, branching on each active parameter's values.
private func bruteForce(_ spec: TuningSpec) -> [Assignment] {
    var result: [Assignment] = []
    func walk(_ index: Int, _ pairs: [(String, ParameterValue)], _ chosen: [String: String]) {
        guard index < spec.params.count else {
            result.append(Assignment(pairs))
            return
        }
        let param = spec.params[index]
        guard spec.isActive(param, given: chosen) else { return walk(index + 1, pairs, chosen) }
        for value in allValues(param) {
            var next = chosen
            next[param.name] = value.text
            walk(index + 1, pairs + [(param.name, value)], next)
        }
    }
    walk(0, [], [:])
    return result
}

private func enumerate(_ grid: Grid) -> [Assignment] {
    (0..<(grid.count ?? 0)).map(grid.point(at:))
}

@Suite("Conditional spaces", .limitedParallelism)
struct ConditionalSpaceTests {
    @Test(
        "grid counts on trees, each hand-computed",
        arguments: [("optimizer", 12), ("layers", 18), ("deep", 9), ("discrete", 9)])
    func gridCounts(name: String, expected: Int) throws {
        let spec = try #require(["optimizer": optimizerTree, "layers": layersTree, "deep": deepTree, "discrete": discreteTree][name])
        let grid = try #require(Grid(spec: spec))
        #expect(grid.count == expected)
        #expect(spec.plannedTrials == expected)
        #expect(bruteForce(spec).count == expected, "the brute force agrees with the hand count")
    }

    @Test("every grid point is distinct, valid, round-trips, and the grid is the brute-force enumeration", arguments: ["optimizer", "layers", "deep", "discrete"])
    func gridPointsAreTheTree(name: String) throws {
        let spec = try #require(["optimizer": optimizerTree, "layers": layersTree, "deep": deepTree, "discrete": discreteTree][name])
        let grid = try #require(Grid(spec: spec))
        let points = enumerate(grid)
        #expect(Set(points).count == points.count, "no point twice: \(points.map(\.flags))")
        for point in points {
            #expect(isValidPoint(point, spec), "\(point.flags)")
            #expect(Assignment(textValues: point.textValues, spec: spec) == point, "\(point.flags)")
        }
        let brute = bruteForce(spec)
        #expect(Set(points) == Set(brute))
        #expect(points.count == brute.count)
    }

    @Test func gridPointsOfTheLayersTreeHoldTheirActiveParameters() throws {
        let points = enumerate(try #require(Grid(spec: layersTree)))
        let shapes = Dictionary(grouping: points) { $0["num_layers"]?.text ?? "?" }.mapValues { Set($0.map(\.names)) }
        #expect(shapes["1"] == [["width_mult", "num_layers"]])
        #expect(shapes["2"] == [["width_mult", "num_layers", "units2"]])
        #expect(shapes["3"] == [["width_mult", "num_layers", "units2", "units3"]])
        #expect(points.filter { $0["num_layers"] == .integer(3) }.count == 12)
    }

    @Test("a wide integer parent with two branching values is counted, not enumerated")
    func wideIntegerParent() throws {
        // 1…1,000,000,000: 999,999,998 plain values, 5 opens 3 values, 7 opens 10: 1,000,000,011.
        let spec = TuningSpec(
            maxTrials: 10, algorithm: .grid,
            params: [
                integer("n", 1, 1_000_000_000),
                discrete("a", ["1", "2", "3"], under: when("n", "5")),
                integer("b", 1, 10, under: when("n", "7")),
            ])
        let grid = try #require(Grid(spec: spec))
        #expect(grid.count == 1_000_000_011)
        #expect(spec.plannedTrials == 10)
        // Values 1…4 are points 0…3; n=5 takes points 4…6; n=6 is 7; n=7 takes 8…17; n=8 is 18.
        #expect(grid.point(at: 3).flags == ["--n=4"])
        #expect(grid.point(at: 4).flags == ["--n=5", "--a=1"])
        #expect(grid.point(at: 6).flags == ["--n=5", "--a=3"])
        #expect(grid.point(at: 7).flags == ["--n=6"])
        #expect(grid.point(at: 8).flags == ["--n=7", "--b=1"])
        #expect(grid.point(at: 17).flags == ["--n=7", "--b=10"])
        #expect(grid.point(at: 18).flags == ["--n=8"])
        #expect(grid.point(at: 1_000_000_010).flags == ["--n=1000000000"])
        // With a second root the counts multiply, and the last root varies fastest.
        var twoRoots = spec
        twoRoots.params.append(categorical("c", ["x", "y"]))
        let product = try #require(Grid(spec: twoRoots))
        #expect(product.count == 2_000_000_022)
        #expect(product.point(at: 9).flags == ["--n=5", "--a=1", "--c=y"])
        #expect(product.point(at: 2_000_000_021).flags == ["--n=1000000000", "--c=y"])
    }

    @Test("a space with no conditions enumerates as the plain mixed-radix product")
    func unconditionalGridIsTheProduct() throws {
        let spec = TuningSpec(
            maxTrials: 100, algorithm: .grid,
            params: [
                integer("a", 1, 3), categorical("b", ["x", "y"]), discrete("c", ["1", "2", "5"]), double("d", 0.5, 0.5),
                integer("e", -1, 0),
            ])
        #expect(!spec.isConditional)
        let grid = try #require(Grid(spec: spec))
        let radices = spec.params.map { allValues($0).count }
        let total = radices.reduce(1, *)
        #expect(total == 36)
        #expect(grid.count == total)
        for index in 0..<total {
            // Last parameter fastest: digit p is (index / product of the radices after p) mod radix p.
            var rest = index
            var digits = [Int](repeating: 0, count: radices.count)
            for p in radices.indices.reversed() {
                digits[p] = rest % radices[p]
                rest /= radices[p]
            }
            let expected = Assignment(spec.params.indices.map { (spec.params[$0].name, allValues(spec.params[$0])[digits[$0]]) })
            #expect(grid.point(at: index) == expected, "point \(index)")
        }
    }

    @Test("flags: only the active parameters, in the spec's order, however the point was built")
    func conditionalFlags() throws {
        let spec = layersTree
        let grid = try #require(Grid(spec: spec))
        let fromGrid = try #require(enumerate(grid).first { $0["num_layers"] == .integer(2) && $0["units2"]?.text == "64" && $0["width_mult"]?.text == "2" })
        #expect(fromGrid.flags == ["--width_mult=2", "--num_layers=2", "--units2=64"])
        // From stored text, with a stray value for inactive units3, whatever the dictionary's order.
        let stored = ["units3": "128", "units2": "64", "num_layers": "2", "width_mult": "2"]
        let fromText = try #require(Assignment(textValues: stored, spec: spec))
        #expect(fromText == fromGrid)
        #expect(fromText.flags == fromGrid.flags)
        // From unit coordinates: width_mult 0.9 → 2, num_layers 0.5 → 2, units2 0.9 → 64; units3's coordinate is unused.
        for unused in [0.0, 0.5, 1.0] {
            let fromUnits = spec.assignment(atUnits: [0.9, 0.5, 0.9, unused])
            #expect(fromUnits == fromGrid)
            #expect(fromUnits.flags == fromGrid.flags)
        }
        // What a trial is launched with, from the journal's dictionary.
        #expect(TrialArguments.flags(parameters: fromGrid.textValues, spec: spec) == fromGrid.flags)
        // num_layers 3: every parameter, still in the spec's order.
        let three = try #require(Assignment(textValues: ["units3": "32", "num_layers": "3", "units2": "32", "width_mult": "1"], spec: spec))
        #expect(three.flags == ["--width_mult=1", "--num_layers=3", "--units2=32", "--units3=32"])
        // A missing active value makes no assignment.
        #expect(Assignment(textValues: ["num_layers": "3", "units2": "32", "width_mult": "1"], spec: spec) == nil)
    }
}

// MARK: strategies over a tree

/// A tree with continuous children, for the sampling strategies.
private let mixedTree = TuningSpec(
    goal: .minimize, maxTrials: 25,
    params: [
        categorical("optimizer", ["sgd", "adam"]),
        double("lr", 1e-4, 1, scale: .log),
        double("momentum", 0, 0.99, under: when("optimizer", "sgd")),
        double("beta1", 0.5, 0.999, under: when("optimizer", "adam")),
        integer("num_layers", 1, 3),
        integer("units2", 16, 256, under: when("num_layers", "2", "3")),
        discrete("units3", ["32", "64", "128"], under: when("num_layers", "3")),
    ])

/// A conditional objective over `mixedTree` (minimized): best with adam, beta1 0.9, lr 10^-2.5,
/// three layers, units2 128 and units3 64 — 0 there, at least 0.3 with sgd.
private func treeObjective(_ a: Assignment) -> Double {
    let lr = log10(a["lr"]!.number!) + 2.5
    var f = lr * lr
    if a["optimizer"] == .categorical("sgd") {
        let m = a["momentum"]!.number! - 0.9
        f += 0.3 + 2 * m * m
    } else {
        let b = a["beta1"]!.number! - 0.9
        f += 4 * b * b
    }
    switch a["num_layers"]! {
    case .integer(1): f += 0.6
    case .integer(2):
        let u = (a["units2"]!.number! - 128) / 128
        f += 0.2 + 0.5 * u * u
    default:
        let u = (a["units2"]!.number! - 128) / 128
        f += 0.5 * u * u + abs(a["units3"]!.number! - 64) / 256
    }
    return f
}

/// Runs `budget` sequential trials, each proposal seeing the ones before as succeeded.
private func run(_ strategy: any SearchStrategy, budget: Int) -> [TrialObservation] {
    var history: [TrialObservation] = []
    for id in 1...budget {
        guard let a = strategy.propose(count: 1, firstTrialId: id, history: history).first else { break }
        history.append(TrialObservation(trialId: id, assignment: a, state: .succeeded, objective: treeObjective(a)))
    }
    return history
}

private func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

@Suite("Strategies over conditional spaces", .limitedParallelism)
struct ConditionalStrategyTests {
    @Test func randomProposalsHoldTheirActiveParametersAndCoverEveryBranch() {
        let strategy = RandomStrategy(spec: mixedTree, seed: 5)
        let proposals = strategy.propose(count: 200, firstTrialId: 1, history: [])
        #expect(proposals.count == 200)
        for point in proposals {
            #expect(isValidPoint(point, mixedTree), "\(point.flags)")
            #expect(Assignment(textValues: point.textValues, spec: mixedTree) == point)
        }
        #expect(Set(proposals).count == 200)
        #expect(Set(proposals.compactMap { $0["optimizer"] }) == [.categorical("sgd"), .categorical("adam")])
        #expect(Set(proposals.compactMap { $0["num_layers"] }) == [.integer(1), .integer(2), .integer(3)])
        #expect(proposals.contains { $0["momentum"] != nil } && proposals.contains { $0["beta1"] != nil })
        #expect(Set(proposals.compactMap { $0["units3"]?.text }) == ["32", "64", "128"])
        // Same seed, same proposals, whether drawn at once or one call per trial.
        #expect(RandomStrategy(spec: mixedTree, seed: 5).propose(count: 200, firstTrialId: 1, history: []) == proposals)
        #expect(RandomStrategy(spec: mixedTree, seed: 5).propose(count: 1, firstTrialId: 17, history: []) == [proposals[16]])
        #expect(RandomStrategy(spec: mixedTree, seed: 6).propose(count: 200, firstTrialId: 1, history: []) != proposals)
    }

    @Test func randomSearchExhaustsAFiniteTreeWithoutRepeats() {
        let strategy = RandomStrategy(spec: deepTree, seed: 2)
        var observed: [TrialObservation] = []
        for id in 1...12 {
            guard let point = strategy.propose(count: 1, firstTrialId: id, history: observed).first else { break }
            observed.append(TrialObservation(trialId: id, assignment: point, state: .succeeded, objective: 0))
        }
        #expect(observed.count == 9, "the tree has 9 points, then nothing is left")
        #expect(Set(observed.map(\.assignment)) == Set(bruteForce(deepTree)))
    }

    @Test("Bayesian search over a tree: valid, never repeated, better than random search")
    func bayesianOverATree() {
        let options = BayesianStrategy.Options(candidates: 512, starts: 6)
        var bayesBest: [Double] = []
        for seed in UInt64(1)...5 {
            let strategy = BayesianStrategy(spec: mixedTree, seed: seed, options: options)
            let history = run(strategy, budget: 25)
            #expect(history.count == 25)
            let points = history.map(\.assignment)
            for point in points {
                #expect(isValidPoint(point, mixedTree), "seed \(seed): \(point.flags)")
            }
            #expect(Set(points).count == points.count, "seed \(seed): a point proposed twice")
            let more = strategy.propose(count: 3, firstTrialId: 26, history: history)
            #expect(more.count == 3)
            #expect(more.allSatisfy { isValidPoint($0, mixedTree) }, "\(more.map(\.flags))")
            #expect(Set(points + more).count == 28)
            bayesBest.append(history.compactMap(\.objective).min()!)
        }
        let randomBest = (UInt64(100)..<110).map { seed in
            run(RandomStrategy(spec: mixedTree, seed: seed), budget: 25).compactMap(\.objective).min()!
        }
        // By a wide margin: on this objective the medians are about 0.001 and 0.5.
        #expect(
            median(bayesBest) < median(randomBest) / 4,
            "Bayesian bests \(bayesBest.sorted()) vs random bests \(randomBest.sorted())")
    }

    @Test func defaultPointComesFirstAndOnlyOnce() throws {
        let spec = TuningSpec(
            goal: .minimize, maxTrials: 10, algorithm: .random,
            params: [
                categorical("optimizer", ["sgd", "adam"], default: "adam"),
                double("momentum", 0, 0.99, under: when("optimizer", "sgd"), default: "0.9"),
                double("beta1", 0.5, 0.999, under: when("optimizer", "adam")),
                integer("num_layers", 1, 3, default: "3"),
                integer("units2", 16, 256, under: when("num_layers", "2", "3")),
                discrete("units3", ["32", "64", "128"], under: when("num_layers", "3")),
                double("lr", 1e-4, 1, scale: .log, default: "0.01"),
            ])
        // momentum is inactive under adam; beta1, units2 and units3 have no default: the unit midpoint
        // (0.5 + ½ (0.999 − 0.5) ≈ 0.7495; 15.5 + ½ × 241 = 136; the middle of 3 cells is 64).
        let beta1 = 0.5 + 0.5 * (0.999 - 0.5)
        #expect(abs(beta1 - 0.7495) < 1e-12)
        let expected = Assignment([
            ("optimizer", .categorical("adam")), ("beta1", .double(beta1)), ("num_layers", .integer(3)),
            ("units2", .integer(136)), ("units3", .discrete(DiscreteValue(value: 64, text: "64"))), ("lr", .double(0.01)),
        ])
        #expect(spec.defaultPoint == expected)
        #expect(expected.flags == ["--optimizer=adam", "--beta1=\(ParameterValue.double(beta1).text)", "--num_layers=3", "--units2=136", "--units3=64", "--lr=0.01"])
        let strategy = spec.makeStrategy(seed: 4).strategy
        let first = strategy.propose(count: 3, firstTrialId: 1, history: [])
        #expect(first.first == expected)
        #expect(first.count == 3 && Set(first).count == 3)
        #expect(first.allSatisfy { isValidPoint($0, spec) })
        // A history that has it (a resumed job): not proposed again.
        let done = [TrialObservation(trialId: 1, assignment: expected, state: .succeeded, objective: 1)]
        let later = strategy.propose(count: 5, firstTrialId: 2, history: done)
        #expect(later.count == 5)
        #expect(!later.contains(expected))
        #expect(later.allSatisfy { isValidPoint($0, spec) })
        // Still running counts too.
        let running = [TrialObservation(trialId: 1, assignment: expected, state: .running)]
        #expect(!strategy.propose(count: 2, firstTrialId: 2, history: running).contains(expected))
        // With Bayesian search underneath, the same.
        var bayesSpec = spec
        bayesSpec.algorithm = .unspecified
        let bayes = bayesSpec.makeStrategy(seed: 4).strategy
        #expect(bayes.propose(count: 2, firstTrialId: 1, history: []).first == expected)
        #expect(!bayes.propose(count: 2, firstTrialId: 2, history: done).contains(expected))
    }
}
