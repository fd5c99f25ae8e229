import Foundation
import TuneCore

/// The five synthetic problems of shared/bench/problems.py, ported to Swift: the same functions,
/// parameter names, ranges, log flags, integer and categorical parameters, known optima and
/// argmins (and tune's own four, StressProblems.swift, ported from Peers/problems_tune.py).
/// `selfCheck()` compares each port with values computed by the Python file.
/// The arithmetic follows problems.py operation for operation (`b * x1 ** 2` is `b * (x1 * x1)`),
/// so a port gives the same Double as the Python function, bit for bit: `search --cli` checks
/// that the objectives `python3 trials/branin.py` reports equal the in-process ones.
struct BenchProblem: Sendable {
    /// The problem's name in problems.py and in results/<name>.json.
    var name: String
    /// The file stem of its config and of tune's result file: `hartmann6_n100` for the 100-trial budget.
    var stem: String
    var budget: Int
    /// The peers' seed count for this budget (SUMMARY.md's *seeds* column).
    var seeds: Int
    var optimum: Double
    var argmin: [String: ParameterValue]
    var spec: TuningSpec
    var function: @Sendable (Assignment) -> Double
    /// Points and the value problems.py (problems_tune.py) gives there (python3 -c "from problems import PROBLEMS; …", repr).
    var references: [(point: [String: ParameterValue], value: Double)]

    /// The Python file that defines it.
    var source: String { BenchProblems.shared.contains { $0.name == name } ? "problems.py" : "problems_tune.py" }

    /// Row label: `hartmann6` or `hartmann6 (N=100)`.
    var label: String { stem == name ? name : "\(name) (N=\(budget))" }

    func evaluate(_ assignment: Assignment) -> Double { function(assignment) }

    /// The point with `values` for its active parameters (values of inactive ones are dropped).
    func assignment(_ values: [String: ParameterValue]) -> Assignment {
        Assignment(textValues: values.mapValues(\.text), spec: spec)!
    }
}

enum BenchProblems {
    /// Every problem and budget the peers ran for shared/bench, in SUMMARY.md's order.
    static let shared: [BenchProblem] = [branin, hartmann6(budget: 50, seeds: 20), hartmann6(budget: 100, seeds: 10), rosenbrock4, ackley5, mixed]

    /// What `tune-bench search` runs and self-checks: the shared five, then tune's own four (StressProblems.swift).
    static let all: [BenchProblem] = shared + stress + conditional

    static func spec(budget: Int, params: [ParameterSpec]) -> TuningSpec {
        TuningSpec(goal: .minimize, metricTag: "objective", maxTrials: budget, maxParallelTrials: 1, algorithm: .random, params: params)
    }

    static func linear(_ name: String, _ lo: Double, _ hi: Double) -> ParameterSpec {
        ParameterSpec(name: name, domain: .double(min: lo, max: hi, scale: .linear))
    }

    /// The numeric value of parameter `name` (DOUBLE or INTEGER).
    @inline(__always)
    static func number(_ a: Assignment, _ name: String) -> Double {
        a[name]!.number!
    }

    static func xs(_ a: Assignment, _ d: Int) -> [Double] {
        (1...d).map { number(a, "x\($0)") }
    }

    static func point(_ values: [Double]) -> [String: ParameterValue] {
        Dictionary(uniqueKeysWithValues: values.enumerated().map { ("x\($0.offset + 1)", ParameterValue.double($0.element)) })
    }

    // MARK: branin

    static func branin(_ x1: Double, _ x2: Double) -> Double {
        let a = 1.0
        let b = 5.1 / (4.0 * Double.pi * Double.pi)
        let c = 5.0 / Double.pi
        let r = 6.0
        let s = 10.0
        let t = 1.0 / (8.0 * Double.pi)
        let inner = x2 - b * (x1 * x1) + c * x1 - r
        return a * (inner * inner) + s * (1 - t) * cos(x1) + s
    }

    static let branin = BenchProblem(
        name: "branin", stem: "branin", budget: 50, seeds: 20, optimum: 0.397887,
        argmin: point([Double.pi, 2.275]),
        spec: spec(budget: 50, params: [linear("x1", -5, 10), linear("x2", 0, 15)]),
        function: { a in branin(number(a, "x1"), number(a, "x2")) },
        references: [
            (point([-5, 0]), 308.12909601160663),
            (point([2.5, 7.5]), 24.129964413622268),
            (point([9.42478, 2.475]), 0.39788735775266204),
        ])

    // MARK: hartmann6

    static let h6Alpha: [Double] = [1.0, 1.2, 3.0, 3.2]
    static let h6A: [[Double]] = [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
    static let h6P: [[Double]] = [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]

    static func hartmann6(_ x: [Double]) -> Double {
        var total = 0.0
        for i in 0..<4 {
            var inner = 0.0
            for j in 0..<6 {
                let d = x[j] - h6P[i][j] * 1e-4
                inner += h6A[i][j] * (d * d)
            }
            total += h6Alpha[i] * exp(-inner)
        }
        return -total
    }

    static func hartmann6(budget: Int, seeds: Int) -> BenchProblem {
        BenchProblem(
            name: "hartmann6", stem: budget == 50 ? "hartmann6" : "hartmann6_n\(budget)", budget: budget, seeds: seeds,
            optimum: -3.32237,
            argmin: point([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]),
            spec: spec(budget: budget, params: (1...6).map { linear("x\($0)", 0, 1) }),
            function: { a in hartmann6(xs(a, 6)) },
            references: [
                (point([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), -0.5053149917022333),
                (point([0.1, 0.9, 0.3, 0.7, 0.2, 0.4]), -0.1265769420528508),
            ])
    }

    // MARK: rosenbrock4

    static func rosenbrock(_ x: [Double]) -> Double {
        var sum = 0.0
        for i in 0..<(x.count - 1) {
            let a = x[i + 1] - x[i] * x[i]
            let b = 1.0 - x[i]
            sum += 100.0 * (a * a) + b * b
        }
        return sum
    }

    static let rosenbrock4 = BenchProblem(
        name: "rosenbrock4", stem: "rosenbrock4", budget: 50, seeds: 20, optimum: 0,
        argmin: point([1, 1, 1, 1]),
        spec: spec(budget: 50, params: (1...4).map { linear("x\($0)", -5, 10) }),
        function: { a in rosenbrock(xs(a, 4)) },
        references: [
            (point([0, 0, 0, 0]), 3.0),
            (point([-1.5, 2.0, 0.5, 3.0]), 1995.0),
        ])

    // MARK: ackley5

    static func ackley(_ x: [Double]) -> Double {
        let d = Double(x.count)
        let s1 = x.reduce(0) { $0 + $1 * $1 } / d
        let s2 = x.reduce(0) { $0 + cos(2.0 * Double.pi * $1) } / d
        return -20.0 * exp(-0.2 * s1.squareRoot()) - exp(s2) + 20.0 + M_E
    }

    static let ackley5 = BenchProblem(
        name: "ackley5", stem: "ackley5", budget: 50, seeds: 20, optimum: 0,
        argmin: point([0, 0, 0, 0, 0]),
        spec: spec(budget: 50, params: (1...5).map { linear("x\($0)", -32.768, 32.768) }),
        function: { a in ackley(xs(a, 5)) },
        references: [
            (point([1, 1, 1, 1, 1]), 3.6253849384403627),
            (point([-3.2, 10.1, 0.5, -25.0, 7.77]), 19.837122997361455),
        ])

    // MARK: mixed

    /// optimizer → (offset, best log10(lr)).
    static let mixedOptimizers: [String: (offset: Double, bestLogLR: Double)] = [
        "sgd": (0.8, -2.0),
        "adam": (0.0, -4.0),
        "rmsprop": (0.3, -3.0),
    ]

    static func mixed(lr: Double, dropout: Double, units: Double, optimizer: String) -> Double {
        let units = units.rounded(.toNearestOrEven)  // Python's round(); units are integral anyway
        let (offset, bestLogLR) = mixedOptimizers[optimizer]!
        let l = log10(lr) - bestLogLR
        let d = dropout - 0.25
        let u = (units - 192) / 64.0
        return offset + l * l + 4.0 * (d * d) + 0.5 * (u * u)
    }

    static func mixedPoint(_ lr: Double, _ dropout: Double, _ units: Int, _ optimizer: String) -> [String: ParameterValue] {
        ["lr": .double(lr), "dropout": .double(dropout), "units": .integer(units), "optimizer": .categorical(optimizer)]
    }

    static let mixed = BenchProblem(
        name: "mixed", stem: "mixed", budget: 50, seeds: 20, optimum: 0,
        argmin: mixedPoint(1e-4, 0.25, 192, "adam"),
        spec: spec(
            budget: 50,
            params: [
                ParameterSpec(name: "lr", domain: .double(min: 1e-5, max: 1e-1, scale: .log)),
                linear("dropout", 0, 0.8),
                ParameterSpec(name: "units", domain: .integer(min: 16, max: 512, scale: .linear)),
                ParameterSpec(name: "optimizer", domain: .categorical(["sgd", "adam", "rmsprop"])),
            ]),
        function: { a in
            guard case .categorical(let optimizer)? = a["optimizer"] else { fatalError("mixed: optimizer is not categorical") }
            return mixed(lr: number(a, "lr"), dropout: number(a, "dropout"), units: number(a, "units"), optimizer: optimizer)
        },
        references: [
            (mixedPoint(1e-2, 0.5, 64, "sgd"), 3.05),
            (mixedPoint(3e-4, 0.1, 300, "rmsprop"), 2.0872303072659397),
        ])

    // MARK: self-check

    /// Evaluates every port at its argmin (must give the optimum within 1e-5, as problems.py's
    /// rounded optima do) and at the reference points (must match problems.py or problems_tune.py
    /// within 1e-12 relative). Returns one line per problem; throws naming the first mismatch.
    static func selfCheck() throws -> [String] {
        var lines: [String] = []
        var seen = Set<String>()
        for problem in all where seen.insert(problem.name).inserted {
            // Every argmin / reference point must be a point of the spec's domain.
            for point in [problem.argmin] + problem.references.map(\.point) {
                for param in problem.spec.params where problem.spec.isActive(param, given: point.mapValues(\.text)) {
                    guard let value = point[param.name], param.contains(value) else {
                        throw BenchError("self-check \(problem.name): \(param.name)=\(point[param.name]?.text ?? "missing") is not in \(param.domainDescription)")
                    }
                }
            }
            let atArgmin = problem.evaluate(problem.assignment(problem.argmin))
            guard abs(atArgmin - problem.optimum) <= 1e-5 else {
                throw BenchError("self-check \(problem.name): f(argmin) = \(atArgmin), expected the optimum \(problem.optimum)")
            }
            var worst = 0.0
            for (point, expected) in problem.references {
                let got = problem.evaluate(problem.assignment(point))
                let error = abs(got - expected) / max(1, abs(expected))
                guard error <= 1e-12 else {
                    throw BenchError("self-check \(problem.name): f(\(problem.assignment(point).flags.joined(separator: " "))) = \(got), \(problem.source) gives \(expected)")
                }
                worst = max(worst, error)
            }
            lines.append(
                "\(problem.name): f(argmin) = \(atArgmin) (optimum \(problem.optimum)); \(problem.references.count) reference points match \(problem.source) (max rel. error \(String(format: "%.1e", worst)))"
            )
        }
        return lines
    }
}
