import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// Random encoded data: n points in D dims, the last dimension categorical with 3 choices.
private func sampleData(n: Int, d: Int, seed: UInt64) -> (x: [Double], y: [Double], isCategorical: [Bool]) {
    var rng = SeededGenerator(seed: seed)
    var x: [Double] = []
    var y: [Double] = []
    for _ in 0..<n {
        var row = (0..<(d - 1)).map { _ in rng.nextUnit() }
        row.append(Double(Int(rng.nextUnit() * 3)))
        y.append(sin(6 * row[0]) + row[1] * row[1] + (row.last == 1 ? 0.5 : 0))
        x += row
    }
    let mean = y.reduce(0, +) / Double(n)
    let std = (y.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)).squareRoot()
    return (x, y.map { ($0 - mean) / std }, Array(repeating: false, count: d - 1) + [true])
}

private func relativeError(_ a: Double, _ b: Double) -> Double {
    abs(a - b) / max(abs(a), abs(b), 1e-12)
}

@Suite("Gaussian process", .limitedParallelism)
struct GaussianProcessTests {
    @Test("Matérn-5/2 values, slope, and symmetric distances")
    func kernel() {
        #expect(Matern52.correlation(r2: 0) == 1)
        // r = 1: (1 + √5 + 5/3) e^−√5
        let expected = (1 + 5.0.squareRoot() + 5.0 / 3) * exp(-5.0.squareRoot())
        #expect(relativeError(Matern52.correlation(r2: 1), expected) < 1e-14)
        #expect(Matern52.correlation(r2: 1e4) < 1e-90)
        #expect(Matern52.correlationSlope(r2: 0) == -5.0 / 6)
        for r2 in [1e-6, 0.01, 0.3, 1, 4, 25] {
            let h = 1e-6 * max(r2, 1e-4)
            let numeric = (Matern52.correlation(r2: r2 + h) - Matern52.correlation(r2: r2 - h)) / (2 * h)
            #expect(relativeError(Matern52.correlationSlope(r2: r2), numeric) < 1e-6, "r² = \(r2)")
        }
        let rho = [2.0, 0.5, 3.0]
        let cat = [false, false, true]
        let a = [0.1, 0.9, 2.0]
        let b = [0.4, 0.2, 1.0]
        let c = [0.4, 0.2, 2.0]
        let ab = Matern52.squaredDistance(a, b, rho: rho, isCategorical: cat)
        let ba = Matern52.squaredDistance(b, a, rho: rho, isCategorical: cat)
        #expect(ab == ba)
        #expect(relativeError(ab, 2 * 0.09 + 0.5 * 0.49 + 3) < 1e-14, "Hamming: a differing category adds its ρ")
        #expect(relativeError(Matern52.squaredDistance(a, c, rho: rho, isCategorical: cat), 2 * 0.09 + 0.5 * 0.49) < 1e-14)
    }

    @Test("MAP gradient matches central finite differences")
    func mllGradient() throws {
        let data = sampleData(n: 14, d: 4, seed: 3)
        let likelihood = MarginalLikelihood(x: data.x, y: data.y, isCategorical: data.isCategorical)
        for theta in [[0.3, -0.7, 1.2, -0.2, 0.1, -3.0], [1.5, 0.8, -1.0, 0.4, -0.5, -8.0], [0, 0, 0, 0, 0, 0]] {
            try expectGradientMatches(likelihood, at: theta)
        }
    }

    @Test("the MAP fit improves on its start and lands on a finite optimum")
    func fit() throws {
        let data = sampleData(n: 30, d: 3, seed: 11)
        let likelihood = MarginalLikelihood(x: data.x, y: data.y, isCategorical: data.isCategorical)
        let start = KernelParameters.defaults(dimensions: 3)
        let before = try #require(likelihood.negativeLogPosterior(theta: start.theta)).value
        let fitted = try #require(likelihood.fit(starts: [start], maxIterations: 200))
        #expect(fitted.value < before)
        #expect(fitted.parameters.noiseVariance >= KernelParameters.noiseFloor)
        let gradient = try #require(likelihood.negativeLogPosterior(theta: fitted.parameters.theta)).gradient
        #expect(gradient.allSatisfy { abs($0) < 0.05 })
    }

    @Test("Cholesky of a singular matrix (duplicate points) succeeds with jitter")
    func choleskyJitter() throws {
        let n = 6
        let ones = [Double](repeating: 1, count: n * n)  // rank 1: six copies of one point, no noise
        let factor = try #require(Cholesky(ones, n: n))
        #expect(factor.jitter > 0)
        #expect(factor.jitter <= 1e-2)
        for i in 0..<n {
            for j in 0...i {
                var s = 0.0
                for k in 0..<n { s += factor.l[i * n + k] * factor.l[j * n + k] }
                #expect(abs(s - ones[i * n + j] - (i == j ? factor.jitter : 0)) < 1e-9)
            }
        }
        // A GP on exact duplicates with the noise floor and a large amplitude still factors.
        let x = [Double](repeating: 0.5, count: 20) + [0.1, 0.9]
        let y = [Double](repeating: 1, count: 10) + [0.3]
        let p = KernelParameters(inverseSquaredLengthScales: [1e-3, 1e-3], amplitude: 1e4, noiseVariance: 0)
        let gp = try #require(GaussianProcess(x: x, y: y, isCategorical: [false, false], parameters: p))
        let posterior = gp.posterior(at: [0.5, 0.5])
        #expect(posterior.mean.isFinite && posterior.variance >= 0)
        // A non-finite matrix cannot be factored, and says so with nil rather than crashing.
        #expect(Cholesky([Double.nan, 0, 0, 1], n: 2) == nil)
    }

    @Test("extending a Cholesky factor equals factoring the whole matrix")
    func choleskyExtension() throws {
        let data = sampleData(n: 12, d: 3, seed: 5)
        let p = KernelParameters(inverseSquaredLengthScales: [2, 1, 0.5], amplitude: 1.3, noiseVariance: 0.01)
        let head = try #require(GaussianProcess(x: Array(data.x[0..<27]), y: Array(data.y[0..<9]), isCategorical: data.isCategorical, parameters: p))
        let tail = (9..<12).map { Array(data.x[($0 * 3)..<($0 * 3 + 3)]) }
        let extended = try #require(head.conditioned(on: tail, values: Array(data.y[9..<12])))
        let whole = try #require(GaussianProcess(x: data.x, y: data.y, isCategorical: data.isCategorical, parameters: p))
        for (a, b) in zip(extended.cholesky.l, whole.cholesky.l) { #expect(abs(a - b) < 1e-10) }
        let q = [0.3, 0.6, 1.0]
        #expect(abs(extended.posterior(at: q).mean - whole.posterior(at: q).mean) < 1e-10)
    }

    @Test(
        "log h(z) matches high-precision reference values",
        arguments: [
            (1.0, 0.08002621884930694), (0.0, -0.9189385332046727), (-1.0, -2.4851210257126413),
            (-5.0, -16.74430116266099), (-10.0, -55.553122036122356), (-25.0, -319.86146358149595),
            (-40.0, -808.29856835661996), (-100.0, -5010.1295788002498), (-1e4, -50000019.339619307),
        ])
    func logEIReference(z: Double, expected: Double) {
        #expect(relativeError(LogEI.logH(z).logH, expected) < 1e-13, "z = \(z): \(LogEI.logH(z).logH)")
    }

    @Test("log h agrees with naive log(φ + zΦ) where that is accurate, across the branch at z = −1")
    func logEINaive() {
        for z in stride(from: -4.0, through: 6.0, by: 0.25) {
            let naive = log(exp(-z * z / 2) / (2 * Double.pi).squareRoot() + z * 0.5 * erfc(-z / 2.0.squareRoot()))
            // The naive form loses ~z² · 1e-16 relative digits to cancellation below 0.
            #expect(relativeError(LogEI.logH(z).logH, naive) < 1e-11, "z = \(z)")
        }
        let below = LogEI.logH(-1.0 - 1e-12).logH
        let above = LogEI.logH(-1.0 + 1e-12).logH
        #expect(abs(below - above) < 1e-11)
    }

    @Test("d log h/dz matches finite differences, and 1 − z·g is consistent")
    func logEISlope() {
        for z in [-300.0, -30, -6, -2, -1.0001, -0.9999, -0.5, 0, 0.7, 3, 12] {
            let h = 1e-6 * max(1, abs(z))
            let numeric = (LogEI.logH(z + h).logH - LogEI.logH(z - h).logH) / (2 * h)
            let result = LogEI.logH(z)
            #expect(relativeError(result.slope, numeric) < 1e-6, "z = \(z)")
            #expect(relativeError(result.oneMinusZSlope, 1 - z * result.slope) < 1e-8, "z = \(z)")
        }
    }

    @Test("log EI's gradient in x matches finite differences on a fitted GP")
    func acquisitionGradient() throws {
        let data = sampleData(n: 20, d: 3, seed: 8)
        let p = KernelParameters(inverseSquaredLengthScales: [4, 2, 1], amplitude: 1.1, noiseVariance: 1e-4)
        let gp = try #require(GaussianProcess(x: data.x, y: data.y, isCategorical: data.isCategorical, parameters: p))
        let best = data.y.max()!
        let encoding = SearchEncoding(
            spec: TuningSpec(params: [
                ParameterSpec(name: "a", domain: .double(min: 0, max: 1, scale: .linear)),
                ParameterSpec(name: "b", domain: .double(min: 0, max: 1, scale: .linear)),
                ParameterSpec(name: "c", domain: .categorical(["x", "y", "z"])),
            ]))
        let optimizer = AcquisitionOptimizer(gp: gp, encoding: encoding, best: best)
        var rng = SeededGenerator(seed: 2)
        for _ in 0..<10 {
            let q = [rng.nextUnit(), rng.nextUnit(), Double(Int(rng.nextUnit() * 3))]
            #expect(optimizer.valueAndGradient(q).gradient[2] == 0)
            expectGradientMatches(optimizer.acquisition, at: q, dims: [0, 1], step: 1e-6, tolerance: 1e-5)
        }
    }

    @Test("the low-discrepancy design covers the square evenly")
    func kronecker() {
        var rng = SeededGenerator(seed: 1)
        let sequence = KroneckerSequence(dimension: 2, generator: &rng)
        var cells = Set<Int>()
        for k in 0..<100 {
            let p = sequence.point(k)
            #expect(p.allSatisfy { $0 >= 0 && $0 < 1 })
            cells.insert(Int(p[0] * 5) * 5 + Int(p[1] * 5))
        }
        // 100 points in a 5×5 grid of cells: all 25 hit (uniform random points miss one about 2% of the time).
        #expect(cells.count == 25)
    }
}
