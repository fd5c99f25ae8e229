import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

@Suite("Output warping (power transforms)", .limitedParallelism)
struct PowerTransformTests {
    @Test("Yeo–Johnson and Box–Cox values at known points, both branches, λ = 0 and 2 limits")
    func knownValues() {
        // scipy.stats.yeojohnson([3, -3], 0.5) = [2, -4.6666…]
        #expect(abs(PowerTransform.yeoJohnson(3, 0.5) - 2) < 1e-14)
        #expect(abs(PowerTransform.yeoJohnson(-3, 0.5) - -14.0 / 3) < 1e-13)
        #expect(abs(PowerTransform.yeoJohnson(1, 0) - log(2)) < 1e-15)
        #expect(abs(PowerTransform.yeoJohnson(-1, 2) - -log(2)) < 1e-15)
        for x in [-5.0, -0.3, 0, 0.7, 12] {
            #expect(abs(PowerTransform.yeoJohnson(x, 1) - x) < 1e-13)  // λ = 1 is the identity
        }
        #expect(abs(PowerTransform.boxCox(M_E, 0) - 1) < 1e-15)
        #expect(abs(PowerTransform.boxCox(4, 0.5) - 2) < 1e-14)
        #expect(abs(PowerTransform.boxCox(2, -1) - 0.5) < 1e-15)
        // Continuous through the special cases.
        #expect(abs(PowerTransform.yeoJohnson(2.5, 1e-7) - log1p(2.5)) < 1e-6)
        #expect(abs(PowerTransform.yeoJohnson(-2.5, 2 - 1e-7) - -log1p(2.5)) < 1e-6)
    }

    @Test(
        "the inverse undoes the transform; the transform is strictly increasing",
        arguments: [-3.0, -1.2, 0, 0.5, 1, 2, 2.7, 3])
    func inverseAndMonotone(lambda: Double) {
        let xs: [Double] = [-40, -3, -1, -0.2, 0, 1e-9, 0.2, 1, 3, 40]
        let yj = PowerTransform(family: .yeoJohnson, lambda: lambda)
        var previous = -Double.infinity
        for x in xs {
            let t = yj(x)
            #expect(t > previous)
            previous = t
            #expect(abs(yj.inverse(t) - x) <= 1e-9 * max(1, abs(x)))
        }
        let bc = PowerTransform(family: .boxCox, lambda: lambda)
        previous = -.infinity
        for x in [1e-3, 0.2, 1, 3, 40] {
            let t = bc(x)
            #expect(t > previous)
            previous = t
            #expect(abs(bc.inverse(t) - x) <= 1e-9 * max(1, x))
        }
    }

    @Test("λ by maximum likelihood matches scipy on fixed data")
    func fitMatchesScipy() throws {
        // scipy 1.17: stats.yeojohnson_normmax(x) = 0.13273996259586548, yeojohnson_llf there = -16.78003508420121
        let x: [Double] = [-2, -0.5, 0, 0.3, 1, 2.5, 7, 20, 60]
        let yj = try #require(PowerTransform.fit(x, family: .yeoJohnson))
        #expect(abs(yj.lambda - 0.13273996259586548) < 1e-4)
        #expect(abs(PowerTransform.logLikelihood(x, family: .yeoJohnson, lambda: 0.13273996259586548) - -16.78003508420121) < 1e-9)
        // stats.boxcox_normmax(y, method='mle') = -0.11462810458640617
        let y: [Double] = [0.2, 0.5, 1, 1.5, 3, 8, 25, 100]
        let bc = try #require(PowerTransform.fit(y, family: .boxCox))
        #expect(abs(bc.lambda - -0.11462810458640617) < 1e-4)
    }

    @Test("λ recovers the warp of Gaussian data", arguments: [-0.5, 0, 0.5, 1.5, 2.5])
    func fitRecoversLambda(lambda: Double) throws {
        var rng = SeededGenerator(seed: 7)
        let warp = PowerTransform(family: .yeoJohnson, lambda: lambda)
        // Gaussian draws (Box–Muller), mapped through ψ⁻¹, so ψ(x; λ) is Gaussian (sd 0.4 keeps
        // them inside ψ's range, which is bounded on one side for λ < 0 or λ > 2).
        let x: [Double] = (0..<4000).map { _ in
            let u = max(rng.nextUnit(), 1e-300)
            let v = rng.nextUnit()
            let g = (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
            return warp.inverse(0.4 * g)
        }
        #expect(x.allSatisfy { $0.isFinite })
        let fitted = try #require(PowerTransform.fit(x, family: .yeoJohnson))
        #expect(abs(fitted.lambda - lambda) < 0.1)
        #expect(PowerTransform.fit([1, 1, 1], family: .yeoJohnson) == nil)
        #expect(PowerTransform.fit([1, -2, 3], family: .boxCox) == nil)
    }

    @Test("the GP's outputs: warped, standardized, best stays best, mirrored for maximize")
    func observedDataWarp() throws {
        let spec = TuningSpec(
            goal: .minimize, metricTag: "m", maxTrials: 10, maxParallelTrials: 1, algorithm: .random,
            params: [ParameterSpec(name: "x", domain: .double(min: 0, max: 1, scale: .linear))])
        let values: [Double] = [1e6, 3e4, 120, 5, 0.5, 2e5, 900]
        let history = values.enumerated().map { i, v in
            TrialObservation(trialId: i + 1, assignment: Assignment([("x", .double(Double(i) / 10))]), state: .succeeded, objective: v)
        }
        let encoding = SearchEncoding(spec: spec)
        let data = ObservedData(history: history, encoding: encoding, goal: .minimize)
        let warp = try #require(data.outputWarp)
        #expect(warp.lambda < 0)  // a heavy bad tail gets squashed
        let mean = data.y.reduce(0, +) / Double(data.y.count)
        let variance = data.y.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(data.y.count)
        #expect(abs(mean) < 1e-12 && abs(variance - 1) < 1e-12)
        // Same order as −values: the GP maximizes.
        let order = values.indices.sorted { values[$0] < values[$1] }
        #expect(order == data.y.indices.sorted { data.y[$0] > data.y[$1] })
        var mirrored = spec
        mirrored.goal = .maximize
        let negated = history.map { TrialObservation(trialId: $0.trialId, assignment: $0.assignment, state: .succeeded, objective: -$0.objective!) }
        let data2 = ObservedData(history: negated, encoding: SearchEncoding(spec: mirrored), goal: .maximize)
        for (a, b) in zip(data.y, data2.y) { #expect(abs(a - b) < 1e-12) }
    }
}
