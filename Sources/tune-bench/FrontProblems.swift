import Foundation
import TuneCore

/// A search-benchmark problem with several objectives or a safety metric (issue 18): the spec
/// declares them (`additionalObjectives`, `safetyMetrics`), the function gives every objective and
/// safety value at a point, and the run's score after each trial is lower-is-better so that the
/// single-objective tables' statistics (PeerResults.swift) apply unchanged:
///
/// - several objectives: minus the hypervolume (TuneCore's `Hypervolume`) of the feasible trials so
///   far against `reference`; `optimum` = minus the true front's hypervolume, so regret is the
///   hypervolume gap HV(true front) − HV(trials);
/// - one objective with a safety metric: the best objective among safe trials so far, `penalty`
///   (the largest value over the domain) before any safe trial; `optimum` = f*.
///
/// Sources/tune-bench/Peers/problems_multiobjective.py is the source of truth; these ports follow
/// it operation for operation and `selfCheck()` compares them with the values it prints.
struct FrontProblem: Sendable {
    /// The problem's name in problems_multiobjective.py and the stem of Peers/results/<name>_P<P>.json.
    var name: String
    var budget: Int
    var seeds: Int
    var spec: TuningSpec
    /// The objectives (in `spec.objectives` order) and safety values (in `spec.safety` order) at x.
    var function: @Sendable ([Double]) -> (objectives: [Double], safety: [Double])
    /// Several objectives: the reference point and the hypervolume of the true front there.
    var reference: [Double]?
    var trueHypervolume: Double?
    /// A safety metric: f*, a point where it is reached, and the score before any safe trial.
    var optimumValue: Double?
    var argmin: [Double]?
    var penalty: Double?
    /// Points and what problems_multiobjective.py gives there (`python3 problems_multiobjective.py`, repr).
    var references: [(x: [Double], objectives: [Double], safety: [Double])]

    var isMultiObjective: Bool { reference != nil }

    /// The score's optimum: minus the true front's hypervolume, or f*.
    var optimum: Double { trueHypervolume.map { -$0 } ?? optimumValue ?? 0 }

    /// The shape PeerFigures and TuneResultFile read: name, stem, budget and the score's optimum.
    var bench: BenchProblem {
        BenchProblem(
            name: name, stem: name, budget: budget, seeds: seeds, optimum: optimum, argmin: [:], spec: spec,
            function: { _ in .nan }, references: [])
    }

    func evaluate(_ assignment: Assignment) -> (objectives: [Double], safety: [Double]) {
        function(BenchProblems.xs(assignment, spec.params.count))
    }

    func isSafe(_ safety: [Double]) -> Bool {
        zip(spec.safety, safety).allSatisfy { $0.isSafe($1) } && safety.count == spec.safety.count
    }

    /// The score after each trial (lower is better), from each trial's objectives and safety values.
    func scores(_ outcomes: [(objectives: [Double], safety: [Double])]) -> [Double] {
        if let reference {
            let goals = spec.objectives.map(\.goal)
            var kept: [[Double]] = []
            var volume = 0.0
            return outcomes.map { outcome in
                if isSafe(outcome.safety), zip(outcome.objectives, reference).allSatisfy({ $0 < $1 }),
                    !kept.contains(where: { $0 == outcome.objectives || ParetoDominance.dominates($0, outcome.objectives, goals: goals) })
                {
                    kept = kept.filter { !ParetoDominance.dominates(outcome.objectives, $0, goals: goals) } + [outcome.objectives]
                    volume = Hypervolume.of(kept, reference: reference, goals: goals)
                }
                return -volume
            }
        }
        var best = penalty ?? .infinity
        return outcomes.map { outcome in
            if isSafe(outcome.safety), let f = outcome.objectives.first, f < best { best = f }
            return best
        }
    }
}

enum FrontProblems {
    static let all: [FrontProblem] = [zdt1, zdt2, dtlz2, gardner, gardner2]

    static func spec(_ budget: Int, _ params: [ParameterSpec], objectives: [String], safety: [SafetyMetric] = []) -> TuningSpec {
        var spec = TuningSpec(goal: .minimize, metricTag: objectives[0], maxTrials: budget, maxParallelTrials: 1, algorithm: .random, params: params)
        if objectives.count > 1 { spec.additionalObjectives = objectives.dropFirst().map { ObjectiveMetric(metricTag: $0, goal: .minimize) } }
        if !safety.isEmpty { spec.safetyMetrics = safety }
        return spec
    }

    static func unitBox(_ d: Int) -> [ParameterSpec] { (1...d).map { BenchProblems.linear("x\($0)", 0, 1) } }

    // MARK: ZDT1, ZDT2 (Zitzler, Deb & Thiele 2000), d = 4

    static func zdtG(_ x: [Double]) -> Double {
        var s = 0.0
        for v in x.dropFirst() { s += v }
        return 1.0 + 9.0 / Double(x.count - 1) * s
    }

    static func zdt1(_ x: [Double]) -> [Double] {
        let f1 = x[0]
        let g = zdtG(x)
        return [f1, g * (1.0 - (f1 / g).squareRoot())]
    }

    static func zdt2(_ x: [Double]) -> [Double] {
        let f1 = x[0]
        let g = zdtG(x)
        let r = f1 / g
        return [f1, g * (1.0 - r * r)]
    }

    /// Reference (1.1, 11) bounds every value (f1 ∈ [0, 1], f2 ∈ [0, 10]); the true front g = 1 has
    /// hypervolume 1.1 · 11 − ∫₀¹ front, with ∫₀¹ (1 − √f) = 1/3 and ∫₀¹ (1 − f²) = 2/3.
    static let zdt1 = FrontProblem(
        name: "zdt1", budget: 50, seeds: 10, spec: spec(50, unitBox(4), objectives: ["f1", "f2"]),
        function: { (zdt1($0), []) }, reference: [1.1, 11], trueHypervolume: 12.1 - 1.0 / 3.0,
        references: [
            ([0.25, 0.1, 0.7, 0.3], [0.25, 3.263177932333614], []),
            ([1.0, 1.0, 1.0, 1.0], [1.0, 6.83772233983162], []),
            ([0.0, 0.0, 0.0, 0.0], [0.0, 1.0], []),
        ])

    static let zdt2 = FrontProblem(
        name: "zdt2", budget: 50, seeds: 10, spec: spec(50, unitBox(4), objectives: ["f1", "f2"]),
        function: { (zdt2($0), []) }, reference: [1.1, 11], trueHypervolume: 12.1 - 2.0 / 3.0,
        references: [
            ([0.25, 0.1, 0.7, 0.3], [0.25, 4.285465116279069], []),
            ([0.9, 0.0, 0.05, 0.0], [0.9, 0.44565217391304335], []),
        ])

    // MARK: DTLZ2 (Deb, Thiele, Laumanns & Zitzler 2002), 3 objectives, d = 6

    static func dtlz2(_ x: [Double]) -> [Double] {
        var g = 0.0
        for v in x.dropFirst(2) {
            let d = v - 0.5
            g += d * d
        }
        let a = x[0] * Double.pi / 2.0
        let b = x[1] * Double.pi / 2.0
        return [(1.0 + g) * cos(a) * cos(b), (1.0 + g) * cos(a) * sin(b), (1.0 + g) * sin(a)]
    }

    /// The true front is the unit sphere's positive orthant: hypervolume 1.1³ − π/6 at (1.1, 1.1, 1.1).
    static let dtlz2 = FrontProblem(
        name: "dtlz2", budget: 60, seeds: 10, spec: spec(60, unitBox(6), objectives: ["f1", "f2", "f3"]),
        function: { (dtlz2($0), []) }, reference: [1.1, 1.1, 1.1], trueHypervolume: 1.1 * 1.1 * 1.1 - Double.pi / 6.0,
        references: [
            ([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [0.5000000000000001, 0.5, 0.7071067811865475], []),
            ([0.1, 0.9, 0.3, 0.7, 0.2, 0.4], [0.18232002668121905, 1.1511233446141407, 0.1845926687474724], []),
            ([1.0, 0.0, 1.0, 0.0, 1.0, 0.0], [1.2246467991473532e-16, 0.0, 2.0], []),
        ])

    // MARK: Gardner et al. (2014), simulation 1

    static func gardner(_ x: [Double]) -> (objectives: [Double], safety: [Double]) {
        let x1 = x[0]
        let x2 = x[1]
        let f = cos(2.0 * x1) * cos(x2) + sin(x1)
        let c = cos(x1) * cos(x2) - sin(x1) * sin(x2)
        return ([f], [c])
    }

    /// Minimize f over [0, 6]² with the safety metric c ≤ 0.5. f ≥ −2 everywhere and reaches it only
    /// at (3π/2, 0), where c = 0: f* = −2. The largest f is 2 (at (π/2, π)): the penalty. The
    /// constraint is not active at the optimum (f* is also the unconstrained minimum).
    static let gardner = FrontProblem(
        name: "gardner", budget: 40, seeds: 10,
        spec: spec(
            40, [BenchProblems.linear("x1", 0, 6), BenchProblems.linear("x2", 0, 6)], objectives: ["f"],
            safety: [SafetyMetric(metricTag: "c", goal: .minimize, threshold: 0.5)]),
        function: gardner, optimumValue: -2, argmin: [3 * Double.pi / 2, 0], penalty: 2,
        references: [
            ([1.0, 2.0], [1.0146491743760906], [-0.9899924966004455]),
            ([4.5, 0.3], [-1.8479661031900982], [0.08749898343944656]),
            ([3.0, 5.5], [0.8215636683815565], [-0.6020119026848235]),
        ])

    // MARK: the "Gardner problem" of Ariafar et al. (ADMMBO, 2019), after Gardner et al. (2014)

    static func gardner2(_ x: [Double]) -> (objectives: [Double], safety: [Double]) {
        let x1 = x[0]
        let x2 = x[1]
        let f = sin(x1) + x2
        let c = sin(x1) * sin(x2)
        return ([f], [c])
    }

    /// Minimize f = sin x1 + x2 over [0, 6]² with the safety metric c = sin x1 · sin x2 ≤ −0.95: two
    /// small safe islands (1.8 % of the box); f* = asin(0.95) − 1 at (3π/2, asin 0.95), on the
    /// constraint's boundary, while the unconstrained minimum (x2 = 0) is unsafe. The largest f is 7.
    static let gardner2 = FrontProblem(
        name: "gardner2", budget: 40, seeds: 10,
        spec: spec(
            40, [BenchProblems.linear("x1", 0, 6), BenchProblems.linear("x2", 0, 6)], objectives: ["f"],
            safety: [SafetyMetric(metricTag: "c", goal: .minimize, threshold: -0.95)]),
        function: gardner2, optimumValue: asin(0.95) - 1, argmin: [3 * Double.pi / 2, asin(0.95)], penalty: 7,
        references: [
            ([1.0, 2.0], [2.8414709848078967], [0.7651474012342926]),
            ([4.7, 1.3], [0.3000767424358992], [-0.9634842396149135]),
            ([1.6, 4.7], [5.699573603041506], [-0.9994968933283472]),
        ])

    // MARK: self-check

    /// Every port at its reference points (must match problems_multiobjective.py within 1e-12
    /// relative), the constrained argmin (f* and safe), and each hypervolume problem's true front
    /// sampled densely (its hypervolume within 1e-3 below the closed form). One line per problem.
    static func selfCheck() throws -> [String] {
        var lines: [String] = []
        for problem in all {
            var worst = 0.0
            for (x, objectives, safety) in problem.references {
                let got = problem.function(x)
                guard got.objectives.count == objectives.count, got.safety.count == safety.count else {
                    throw BenchError("self-check \(problem.name): \(x) gives \(got), expected \(objectives), \(safety)")
                }
                for (a, b) in zip(got.objectives + got.safety, objectives + safety) {
                    let error = abs(a - b) / max(1, abs(b))
                    guard error <= 1e-12 else {
                        throw BenchError("self-check \(problem.name): \(x) gives \(got), problems_multiobjective.py gives \(objectives), \(safety)")
                    }
                    worst = max(worst, error)
                }
            }
            var line = "\(problem.name): \(problem.references.count) reference points match problems_multiobjective.py (max rel. error \(String(format: "%.1e", worst)))"
            if let argmin = problem.argmin, let optimum = problem.optimumValue {
                let at = problem.function(argmin)
                guard abs(at.objectives[0] - optimum) <= 1e-12, problem.isSafe(at.safety) else {
                    throw BenchError("self-check \(problem.name): f(argmin) = \(at.objectives[0]), safety \(at.safety); expected \(optimum), safe")
                }
                line += "; f(argmin) = \(at.objectives[0]), safe"
            }
            if let reference = problem.reference, let truth = problem.trueHypervolume {
                let front = trueFront(problem)
                let volume = Hypervolume.of(front, reference: reference, goals: problem.spec.objectives.map(\.goal))
                guard volume <= truth + 1e-12, truth - volume < 2e-2 else {
                    throw BenchError("self-check \(problem.name): \(front.count) true-front points have hypervolume \(volume), the closed form is \(truth)")
                }
                line += "; \(front.count) true-front points: hypervolume \(PeerTable.fmt(volume, 6)) ≤ \(PeerTable.fmt(truth, 6)) (closed form)"
            }
            lines.append(line)
        }
        return lines
    }

    /// Points of the true front through the problem's own function: x₂… at the front's values (0 for
    /// ZDT, 0.5 for DTLZ2), x₁ (and x₂ for DTLZ2) on a grid.
    static func trueFront(_ problem: FrontProblem) -> [[Double]] {
        let d = problem.spec.params.count
        if problem.spec.objectives.count == 2 {
            return (0...2000).map { i in problem.function([Double(i) / 2000] + Array(repeating: 0, count: d - 1)).objectives }
        }
        return (0...60).flatMap { i in
            (0...60).map { j in problem.function([Double(i) / 60, Double(j) / 60] + Array(repeating: 0.5, count: d - 2)).objectives }
        }
    }
}
