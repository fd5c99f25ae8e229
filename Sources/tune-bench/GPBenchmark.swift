import Foundation
import TuneCore

/// Bayesian-optimization figures: `propose()` time against history size on Hartmann-6 (cold fit
/// cache, one proposal), and simple regret after N sequential trials on Branin and Hartmann-6
/// against random search with the same seeds (median over seeds).
///
///     swift build -c release && .build/release/tune-bench gp [seeds] [--no-timing] [problem …]   (GPCommand.swift)
enum GPBenchmark {
    static func branin(_ a: Assignment) -> Double {
        let x1 = a["x1"]!.number!
        let x2 = a["x2"]!.number!
        let b = 5.1 / (4 * Double.pi * Double.pi)
        let c = 5 / Double.pi
        let t = 1 / (8 * Double.pi)
        let u = x2 - b * x1 * x1 + c * x1 - 6
        return u * u + 10 * (1 - t) * cos(x1) + 10
    }

    static let h6Alpha = [1.0, 1.2, 3.0, 3.2]
    static let h6A: [[Double]] = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
    static let h6P: [[Double]] = [
        [1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381],
    ]

    static func hartmann6(_ a: Assignment) -> Double {
        let x = (1...6).map { a["x\($0)"]!.number! }
        var total = 0.0
        for i in 0..<4 {
            var inner = 0.0
            for j in 0..<6 { inner += h6A[i][j] * (x[j] - h6P[i][j] * 1e-4) * (x[j] - h6P[i][j] * 1e-4) }
            total += h6Alpha[i] * exp(-inner)
        }
        return -total
    }

    static let braninSpec = TuningSpec(
        goal: .minimize, maxTrials: 50,
        params: [
            ParameterSpec(name: "x1", domain: .double(min: -5, max: 10, scale: .linear)),
            ParameterSpec(name: "x2", domain: .double(min: 0, max: 15, scale: .linear)),
        ])
    static let hartmannSpec = TuningSpec(
        goal: .minimize, maxTrials: 50,
        params: (1...6).map { ParameterSpec(name: "x\($0)", domain: .double(min: 0, max: 1, scale: .linear)) })

    static func rosenbrock4(_ a: Assignment) -> Double {
        let x = (1...4).map { a["x\($0)"]!.number! }
        var total = 0.0
        for i in 0..<3 {
            let a = x[i + 1] - x[i] * x[i]
            let b = 1 - x[i]
            total += 100 * a * a + b * b
        }
        return total
    }

    static func ackley5(_ a: Assignment) -> Double {
        let x = (1...5).map { a["x\($0)"]!.number! }
        let s1: Double = x.map { $0 * $0 }.reduce(0, +) / 5
        let s2: Double = x.map { cos(2 * Double.pi * $0) }.reduce(0, +) / 5
        return -20 * exp(-0.2 * s1.squareRoot()) - exp(s2) + 20 + M_E
    }

    /// shared/bench/problems.py `mixed`: optimum 0 at adam, lr 1e-4, dropout 0.25, units 192.
    static func mixed(_ a: Assignment) -> Double {
        let offsets: [String: (Double, Double)] = ["sgd": (0.8, -2), "adam": (0, -4), "rmsprop": (0.3, -3)]
        guard case .categorical(let opt) = a["optimizer"]!, let (offset, bestLog) = offsets[opt] else { return .nan }
        let lr = log10(a["lr"]!.number!) - bestLog
        let dropout = a["dropout"]!.number! - 0.25
        let units = (a["units"]!.number! - 192) / 64
        return offset + lr * lr + 4 * dropout * dropout + 0.5 * units * units
    }

    static let rosenbrockSpec = TuningSpec(
        goal: .minimize, maxTrials: 50,
        params: (1...4).map { ParameterSpec(name: "x\($0)", domain: .double(min: -5, max: 10, scale: .linear)) })
    static let ackleySpec = TuningSpec(
        goal: .minimize, maxTrials: 50,
        params: (1...5).map { ParameterSpec(name: "x\($0)", domain: .double(min: -32.768, max: 32.768, scale: .linear)) })
    static let mixedSpec = TuningSpec(
        goal: .minimize, maxTrials: 50,
        params: [
            ParameterSpec(name: "lr", domain: .double(min: 1e-5, max: 1e-1, scale: .log)),
            ParameterSpec(name: "dropout", domain: .double(min: 0, max: 0.8, scale: .linear)),
            ParameterSpec(name: "units", domain: .integer(min: 16, max: 512, scale: .linear)),
            ParameterSpec(name: "optimizer", domain: .categorical(["sgd", "adam", "rmsprop"])),
        ])

    /// The problems of `runProblems`, in its order.
    static let problemNames = ["branin", "hartmann6", "rosenbrock4", "ackley5", "mixed"]

    /// `timing`: the propose() times first; `only`: the problems to run (empty: all).
    static func run(seeds: Int, timing: Bool, only: [String]) {
        #if DEBUG
        print("note: debug build — build with -c release for meaningful figures")
        #endif
        let clock = ContinuousClock()
        if !timing { return runProblems(seeds: seeds, only: only) }
        print("propose() time, Hartmann-6 (6-D), fresh strategy, 1 proposal (median of 3):")
        for n in [100, 300, 1000] {
            var rng = SeededGenerator(seed: 7)
            let history = (0..<n).map { i -> TrialObservation in
                let a = Assignment(hartmannSpec.params.map { ($0.name, $0.value(atUnit: rng.nextUnit())) })
                return TrialObservation(trialId: i + 1, assignment: a, state: .succeeded, objective: hartmann6(a))
            }
            var times: [Double] = []
            for r in 0..<3 {
                let strategy = BayesianStrategy(spec: hartmannSpec, seed: UInt64(r))
                let took = clock.measure { _ = strategy.propose(count: 1, firstTrialId: n + 1, history: history) }
                times.append(seconds(took))
            }
            print(String(format: "  n=%-5d %.4f s", n, times.sorted()[1]))
        }
        runProblems(seeds: seeds, only: only)
    }

    static func runProblems(seeds: Int, only: [String]) {
        for (name, spec, f, optimum, budget) in [
            ("branin", braninSpec, branin as @Sendable (Assignment) -> Double, 0.397887, 30),
            ("branin", braninSpec, branin, 0.397887, 50),
            ("hartmann6", hartmannSpec, hartmann6, -3.32237, 50),
            ("hartmann6", hartmannSpec, hartmann6, -3.32237, 100),
            ("rosenbrock4", rosenbrockSpec, rosenbrock4, 0, 50),
            ("ackley5", ackleySpec, ackley5, 0, 50),
            ("mixed", mixedSpec, mixed, 0, 50),
        ] {
            if !only.isEmpty && !only.contains(name) { continue }
            var bo: [Double] = []
            var random: [Double] = []
            var perTrial: [Double] = []
            for seed in 1...seeds {
                let (best, time) = optimize(BayesianStrategy(spec: spec, seed: UInt64(seed)), f, budget)
                bo.append(best - optimum)
                perTrial.append(time / Double(budget))
                random.append(optimize(RandomStrategy(spec: spec, seed: UInt64(seed)), f, budget).best - optimum)
            }
            print(
                String(
                    format: "%@ N=%d, %d seeds: BO regret median %.3g [%.3g, %.3g], random median %.3g; BO %.4f s/trial",
                    name, budget, seeds, median(bo), quantile(bo, 0.25), quantile(bo, 0.75), median(random), perTrial.reduce(0, +) / Double(seeds)))
        }
    }

    static func optimize(_ strategy: any SearchStrategy, _ f: (Assignment) -> Double, _ budget: Int) -> (best: Double, seconds: Double) {
        var history: [TrialObservation] = []
        var best = Double.infinity
        let clock = ContinuousClock()
        var spent = 0.0
        for id in 1...budget {
            var point: [Assignment] = []
            spent += seconds(clock.measure { point = strategy.propose(count: 1, firstTrialId: id, history: history) })
            guard let a = point.first else { break }
            let y = f(a)
            best = min(best, y)
            history.append(TrialObservation(trialId: id, assignment: a, state: .succeeded, objective: y))
        }
        return (best, spent)
    }

    static func median(_ v: [Double]) -> Double { quantile(v, 0.5) }
    static func quantile(_ v: [Double], _ q: Double) -> Double {
        let s = v.sorted()
        let p = q * Double(s.count - 1)
        let lo = Int(p.rounded(.down))
        let hi = min(lo + 1, s.count - 1)
        return s[lo] + (s[hi] - s[lo]) * (p - Double(lo))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
