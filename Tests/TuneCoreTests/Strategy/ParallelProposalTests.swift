import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// A learning rate declared linear that lives on log10, momentum on reverse-log living on
/// log(1 − m), a DISCRETE list of powers of two and a categorical: the kind of config where
/// input warping and fantasies both act.
private let trainingSpec = TuningSpec(
    goal: .minimize, maxTrials: 40,
    params: [
        ParameterSpec(name: "lr", domain: .double(min: 1e-5, max: 1, scale: .linear)),
        ParameterSpec(name: "momentum", domain: .double(min: 0.5, max: 0.9999, scale: .reverseLog)),
        ParameterSpec(name: "batch", domain: .discrete([16, 32, 64, 128, 256, 512].map { DiscreteValue(value: Double($0), text: String($0)) })),
        ParameterSpec(name: "act", domain: .categorical(["relu", "tanh", "gelu"])),
    ])

private func training(_ a: Assignment) -> Double {
    let lr = log10(a["lr"]!.number!) + 3.3
    let m = log10(1 - a["momentum"]!.number!) + 2
    let b = log2(a["batch"]!.number! / 128)
    return lr * lr + 0.5 * m * m + 0.1 * b * b + (a["act"] == .categorical("gelu") ? 0 : 0.3)
}

private let options = BayesianStrategy.Options(candidates: 512, starts: 6)

@Suite("Parallel proposals", .limitedParallelism)
struct ParallelProposalTests {
    /// The first `count` trials, sequential.
    func history(_ strategy: BayesianStrategy, count: Int) -> [TrialObservation] {
        var history: [TrialObservation] = []
        for id in 1...count {
            let a = strategy.propose(count: 1, firstTrialId: id, history: history)[0]
            history.append(TrialObservation(trialId: id, assignment: a, state: .succeeded, objective: training(a)))
        }
        return history
    }

    @Test("a batch of 4 is 4 distinct points, not all in a tiny ball")
    func batchIsSpread() throws {
        let strategy = BayesianStrategy(spec: trainingSpec, seed: 21, options: options)
        let done = history(strategy, count: 16)
        let batch = strategy.propose(count: 4, firstTrialId: 17, history: done)
        #expect(batch.count == 4)
        #expect(Set(batch).count == 4)
        let units = batch.map { a in trainingSpec.params.map { $0.unit(of: a[$0.name]!) } }
        var widest = 0.0
        for i in units.indices {
            for j in 0..<i {
                let d = zip(units[i], units[j]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
                widest = max(widest, d)
            }
        }
        #expect(widest > 0.05, "the batch spans \(widest) of the unit cube: \(batch.map(\.flags))")
    }

    @Test("with trials running, the proposal is a function of (space, history, seed): a fresh strategy (a resumed job) agrees")
    func deterministicWithRunningTrials() {
        let strategy = BayesianStrategy(spec: trainingSpec, seed: 8, options: options)
        var done = history(strategy, count: 14)
        let first = strategy.propose(count: 2, firstTrialId: 15, history: done)
        done.append(TrialObservation(trialId: 15, assignment: first[0], state: .running))
        done.append(TrialObservation(trialId: 16, assignment: first[1], state: .running))
        let next = strategy.propose(count: 1, firstTrialId: 17, history: done)
        let resumed = BayesianStrategy(spec: trainingSpec, seed: 8, options: options)
        #expect(resumed.propose(count: 2, firstTrialId: 15, history: Array(done.prefix(14))) == first)
        #expect(resumed.propose(count: 1, firstTrialId: 17, history: done) == next)
        #expect(!first.contains(next[0]))
    }
}
