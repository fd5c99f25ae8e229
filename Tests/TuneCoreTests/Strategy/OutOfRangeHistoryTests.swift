import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// An earlier job's trials beyond a range that has since narrowed: they inform the GP at their
/// place beyond the bounds, but the incumbent and every proposal stay within the bounds.
@Suite("Bayesian: earlier trials beyond the bounds", .limitedParallelism)
struct OutOfRangeHistoryTests {
    /// The new range: [0.001, 0.1] on a log scale; the earlier job searched up to 1.
    static let spec = TuningSpec(
        goal: .maximize, maxTrials: 20,
        params: [
            ParameterSpec(name: "lr", domain: .double(min: 0.001, max: 0.1, scale: .log)),
            ParameterSpec(name: "units", domain: .integer(min: 8, max: 64, scale: .linear)),
        ])

    static func observation(_ id: Int, lr: Double, units: Int, value: Double) -> TrialObservation {
        let assignment = Assignment(textValues: ["lr": ParameterValue.format(lr), "units": String(units)], spec: spec)!
        return TrialObservation(trialId: -id, assignment: assignment, state: .succeeded, objective: value)
    }

    @Test func theyArePlacedBeyondTheBoundsOnTheDeclaredScale() throws {
        let encoding = SearchEncoding(spec: Self.spec)
        let beyond = try #require(encoding.encode(Assignment(textValues: ["lr": "1.0", "units": "96"], spec: Self.spec)!))
        // log10: 0.001 → 0, 0.1 → 1, so 1.0 → 1.5; units over [7.5, 64.5]: 96 → (96 − 7.5)/57.
        #expect(abs(beyond[0] - 1.5) < 1e-12)
        #expect(abs(beyond[1] - (96 - 7.5) / 57) < 1e-12)
        #expect(!encoding.isInside(beyond))
        // A log scale cannot place 0: left out of the model.
        #expect(encoding.encode(Assignment(textValues: ["lr": "0", "units": "8"], spec: Self.spec)!) == nil)
        #expect(Self.spec.params[0].unitBeyondBounds(of: .double(0.0001)).map { abs($0 + 0.5) < 1e-12 } == true)
        // The input warp goes on past the bounds, one for one.
        let warp = InputWarp(a: 0.5, b: 2)
        #expect(abs(warp(1.5) - (warp(1) + 0.5)) < 1e-9)
        #expect(abs(warp(-0.25) - (warp(0) - 0.25)) < 1e-9)
        #expect(warp.withDerivatives(1.5).dx == 1)
    }

    @Test func theyInformTheModelButTheIncumbentAndProposalsStayInside() throws {
        // acc rises with lr up to 0.2 (beyond the new bound 0.1), whatever units: the earlier trials
        // at 0.2…1 are the best, and inside the bounds only two low trials were run.
        func acc(_ lr: Double) -> Double { 1 - pow(log10(lr) - log10(0.2), 2) / 4 }
        var history: [TrialObservation] = []
        for (i, lr) in [0.15, 0.2, 0.3, 0.5, 1.0].enumerated() { history.append(Self.observation(i + 1, lr: lr, units: 32, value: acc(lr))) }
        history.append(Self.observation(6, lr: 0.001, units: 20, value: acc(0.001)))
        history.append(Self.observation(7, lr: 0.003, units: 50, value: acc(0.003)))

        let strategy = BayesianStrategy(spec: Self.spec, seed: 5)
        let data = ObservedData(history: history, encoding: strategy.encoding, goal: .maximize)
        #expect(data.x.count == 7)
        #expect(data.inside == [false, false, false, false, false, true, true])

        // The model sees the rise toward the upper bound: it proposes near it, and never beyond.
        let proposals = strategy.propose(count: 3, firstTrialId: 1, history: history)
        #expect(proposals.count == 3)
        for point in proposals {
            let lr = try #require(point["lr"]?.number)
            #expect(lr >= 0.001 && lr <= 0.1, "\(point)")
        }
        let first = try #require(proposals.first?["lr"]?.number)
        #expect(first > 0.03, "the first proposal \(first) should lie toward the bound the earlier trials point to")
    }
}
