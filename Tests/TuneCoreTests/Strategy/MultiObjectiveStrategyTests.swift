import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// ZDT1 in two dimensions (both minimized): its Pareto set is x2 = 0, where f2 = 1 − √f1.
private func zdt1(_ a: Assignment) -> [Double] {
    let x1 = a["x1"]!.number!
    let g = 1 + 9 * a["x2"]!.number!
    return [x1, g * (1 - (x1 / g).squareRoot())]
}

private let unitSquare = [
    ParameterSpec(name: "x1", domain: .double(min: 0, max: 1, scale: .linear)),
    ParameterSpec(name: "x2", domain: .double(min: 0, max: 1, scale: .linear)),
]

private let testOptions = BayesianStrategy.Options(candidates: 512, starts: 6)

/// Runs `budget` sequential trials, each reporting its objectives and safety values.
private func run(
    _ strategy: any SearchStrategy, budget: Int, objectives: (Assignment) -> [Double], safety: (Assignment) -> [Double] = { _ in [] }
) -> [TrialObservation] {
    var history: [TrialObservation] = []
    for id in 1...budget {
        guard let a = strategy.propose(count: 1, firstTrialId: id, history: history).first else { break }
        let values = objectives(a)
        let safe = safety(a)
        history.append(
            TrialObservation(
                trialId: id, assignment: a, state: .succeeded, objective: values[0], objectives: values.count > 1 ? values : nil,
                safetyValues: safe.isEmpty ? nil : safe))
    }
    return history
}

private func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

@Suite("The Bayesian strategy with several objectives (ParEGO) and with safety metrics", .limitedParallelism)
struct MultiObjectiveStrategyTests {
    @Test("ParEGO's weights are a seeded draw on the simplex per trial, and its scores rank a dominating trial first")
    func scalarization() {
        let goals: [Goal] = [.minimize, .maximize]
        let a = ParEGOScalarization(seed: 7, trialId: 3, goals: goals)
        #expect(a.weights == ParEGOScalarization(seed: 7, trialId: 3, goals: goals).weights)
        #expect(a.weights != ParEGOScalarization(seed: 7, trialId: 4, goals: goals).weights)
        #expect(abs(a.weights.reduce(0, +) - 1) < 1e-12 && a.weights.allSatisfy { $0 > 0 })
        let point = Assignment([("x1", .double(0.5))])
        let history = [[1.0, 5.0], [2.0, 4.0], [3.0, 1.0]].enumerated().map { i, values in
            TrialObservation(trialId: i + 1, assignment: point, state: .succeeded, objective: values[0], objectives: values)
        }
        let scores = a.scalarized(history + [TrialObservation(trialId: 4, assignment: point, state: .failed)]).map(\.objective)
        // Trial 1 is the best on both (smallest f1, largest f2): normalized to (0, 0), it scores 0.
        #expect(scores[0] == 0)
        #expect(scores[2]! > 0 && scores[1]! > 0)
        #expect(scores[3] == nil)
    }

    @Test("on ZDT1 the strategy's fronts have more hypervolume than random search's, seed for seed")
    func spreadsAlongTheFront() {
        var spec = TuningSpec(goal: .minimize, metricTag: "f1", maxTrials: 24, params: unitSquare)
        spec.additionalObjectives = [ObjectiveMetric(metricTag: "f2", goal: .minimize)]
        var bayes: [Double] = []
        var random: [Double] = []
        for seed: UInt64 in 1...3 {
            for (strategy, into) in [(BayesianStrategy(spec: spec, seed: seed, options: testOptions) as any SearchStrategy, 0), (RandomStrategy(spec: spec, seed: seed), 1)] {
                let history = run(strategy, budget: 24, objectives: zdt1)
                let volume = Hypervolume.of(history.compactMap(\.objectives), reference: [1.1, 1.1], goals: [.minimize, .minimize])
                if into == 0 { bayes.append(volume) } else { random.append(volume) }
            }
        }
        // The true front's hypervolume at (1.1, 1.1) is 1.21 − 1/3 ≈ 0.877.
        #expect(median(bayes) > median(random) + 0.1, "Bayesian \(bayes), random \(random)")
        #expect(median(bayes) > 0.6, "\(bayes)")
    }

    /// The best safe point is on the bound, where the search rightly stays (about half its
    /// proposals a hair over it): what the model must avoid is the region it knows is unsafe.
    @Test("with a safety metric, the proposals after the initial design keep out of the unsafe region, and the best safe value is near the bound")
    func modelsFeasibility() {
        // Maximize x1 + x2 while x1 ≤ 0.5: the best safe point is (0.5, 1), worth 1.5.
        var spec = TuningSpec(goal: .maximize, metricTag: "sum", maxTrials: 24, params: unitSquare)
        spec.safetyMetrics = [SafetyMetric(metricTag: "x1", goal: .minimize, threshold: 0.5)]
        let objective = { (a: Assignment) in [a["x1"]!.number! + a["x2"]!.number!] }
        let safety = { (a: Assignment) in [a["x1"]!.number!] }
        var unsafeShares: [Double] = []
        var randomShares: [Double] = []
        for seed: UInt64 in 1...3 {
            let strategy = BayesianStrategy(spec: spec, seed: seed, options: testOptions)
            let history = run(strategy, budget: 24, objectives: objective, safety: safety)
            let modelled = history.dropFirst(strategy.initialDesignSize)
            unsafeShares.append(Double(modelled.filter { $0.safetyValues![0]! > 0.55 }.count) / Double(modelled.count))
            let best = history.filter { $0.safetyValues![0]! <= 0.5 }.compactMap(\.objective).max() ?? 0
            #expect(best > 1.4, "seed \(seed): best safe value \(best)")
            let randomHistory = run(RandomStrategy(spec: spec, seed: seed), budget: 24, objectives: objective, safety: safety)
            randomShares.append(Double(randomHistory.filter { $0.safetyValues![0]! > 0.55 }.count) / 24)
        }
        #expect(median(unsafeShares) < 0.15 && median(randomShares) > 0.3, "Bayesian \(unsafeShares), random \(randomShares)")
    }

    @Test("desiredMinSafeTrialsFraction: while too few trials were safe, only likely-safe points are proposed")
    func desiredSafeFraction() {
        var spec = TuningSpec(goal: .maximize, metricTag: "sum", maxTrials: 20, params: unitSquare)
        spec.safetyMetrics = [SafetyMetric(metricTag: "x1", goal: .minimize, threshold: 0.3, desiredMinSafeTrialsFraction: 0.9)]
        let strategy = BayesianStrategy(spec: spec, seed: 5, options: testOptions)
        let history = run(
            strategy, budget: 20, objectives: { [$0["x1"]!.number! + $0["x2"]!.number!] }, safety: { [$0["x1"]!.number!] })
        let modelled = history.dropFirst(strategy.initialDesignSize)
        let unsafe = modelled.filter { $0.safetyValues![0]! > 0.3 }.count
        #expect(unsafe <= 2, "\(modelled.map { $0.assignment["x1"]!.number! })")
    }
}
