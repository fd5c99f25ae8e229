import Foundation

/// The MAP objective for the kernel hyperparameters: log marginal likelihood plus Optuna's log
/// prior, with its analytic gradient in θ = [log ρ, log s, log(σₙ² − floor)] (gp-notes §2.4).
///
///     MLL(θ) = −Σ log Lᵢᵢ − ½ yᵀ α                                (R&W eq. 5.8, constant dropped)
///     ∂MLL/∂θⱼ = ½ tr((α αᵀ − K⁻¹) ∂K/∂θⱼ)                         (R&W eq. 5.9)
///     ∂K/∂log ρᵢ = s · dk/d(r²) · ρᵢ dᵢ²,  ∂K/∂log s = K_f,  ∂K/∂θ_noise = (σₙ² − floor) I
struct MarginalLikelihood {
    let n: Int
    let dimensions: Int
    let isCategorical: [Bool]
    let y: [Double]
    /// Per dimension, dᵢ² for every pair (row-major n × n, lower triangle used): 1[≠] for categorical.
    private let squaredDifferences: [[Double]]

    init(x: [Double], y: [Double], isCategorical: [Bool]) {
        let d = isCategorical.count
        let n = y.count
        self.n = n
        self.dimensions = d
        self.isCategorical = isCategorical
        self.y = y
        var table = [[Double]](repeating: [Double](repeating: 0, count: n * n), count: d)
        for i in 0..<d {
            for a in 0..<n {
                for b in 0..<a {
                    let diff = x[a * d + i] - x[b * d + i]
                    table[i][a * n + b] = isCategorical[i] ? (diff == 0 ? 0 : 1) : diff * diff
                }
            }
        }
        squaredDifferences = table
    }

    /// −(MLL + log prior) and its gradient in θ; nil where K does not factor without jitter
    /// (the line search then backs off, rather than fitting to a jittered matrix).
    /// - Complexity: O(n³/2 + n² D).
    func negativeLogPosterior(theta: [Double]) -> (value: Double, gradient: [Double])? {
        let p = KernelParameters(theta: theta)
        guard p.amplitude.isFinite, p.noiseVariance.isFinite, p.inverseSquaredLengthScales.allSatisfy(\.isFinite) else { return nil }
        let rho = p.inverseSquaredLengthScales
        let s = p.amplitude
        let d = dimensions
        var kf = [Double](repeating: 0, count: n * n)     // K_f lower triangle, then K's diagonal
        var slope = [Double](repeating: 0, count: n * n)  // s · dk/d(r²)
        var r2 = [Double](repeating: 0, count: n * n)
        for i in 0..<d {
            let rhoI = rho[i]
            squaredDifferences[i].withUnsafeBufferPointer { dp in
                r2.withUnsafeMutableBufferPointer { rp in
                    for a in 0..<n {
                        let row = a * n
                        for b in 0..<a { rp[row + b] += rhoI * dp[row + b] }
                    }
                }
            }
        }
        for a in 0..<n {
            let row = a * n
            for b in 0..<a {
                kf[row + b] = s * Matern52.correlation(r2: r2[row + b])
                slope[row + b] = s * Matern52.correlationSlope(r2: r2[row + b])
            }
            kf[row + a] = s + p.noiseVariance
        }
        guard let l = Cholesky.factor(kf, n: n, jitter: 0) else { return nil }
        let factor = Cholesky(factored: l, n: n)
        let alpha = factor.solve(y)
        var mll = -factor.halfLogDeterminant
        for a in 0..<n { mll -= 0.5 * y[a] * alpha[a] }
        let inverse = factor.inverseLowerTriangle()

        // W = α αᵀ − K⁻¹; pairs a > b count twice, which cancels the ½.
        var w = [Double](repeating: 0, count: n * n)
        var traceW = 0.0
        var gradAmplitude = 0.0
        for a in 0..<n {
            let row = a * n
            for b in 0..<a {
                let wab = alpha[a] * alpha[b] - inverse[row + b]
                w[row + b] = wab
                gradAmplitude += wab * kf[row + b]
            }
            let waa = alpha[a] * alpha[a] - inverse[row + a]
            traceW += waa
            gradAmplitude += 0.5 * waa * s
        }
        var gradient = [Double](repeating: 0, count: d + 2)
        for i in 0..<d {
            var t = 0.0
            squaredDifferences[i].withUnsafeBufferPointer { dp in
                for a in 0..<n {
                    let row = a * n
                    for b in 0..<a { t += w[row + b] * slope[row + b] * dp[row + b] }
                }
            }
            gradient[i] = t * rho[i]
        }
        gradient[d] = gradAmplitude
        gradient[d + 1] = 0.5 * traceW * (p.noiseVariance - KernelParameters.noiseFloor)

        let prior = KernelPrior.logDensity(p)
        for j in gradient.indices { gradient[j] = -(gradient[j] + prior.gradient[j]) }
        return (-(mll + prior.value), gradient)
    }

    /// MAP hyperparameters by L-BFGS from each start in turn, keeping the best; Optuna's
    /// recipe is one run from the previous fit, falling back to all-ones (gp-notes §2.4).
    /// nil when no start could be evaluated.
    func fit(starts: [KernelParameters], maxIterations: Int) -> (parameters: KernelParameters, value: Double)? {
        var best: (parameters: KernelParameters, value: Double)?
        let optimizer = LBFGS(gradientTolerance: 1e-2, maxIterations: maxIterations, maxEvaluations: 2 * maxIterations + 20)
        for start in starts {
            guard let result = optimizer.minimize(from: start.theta, negativeLogPosterior) else { continue }
            if best == nil || result.value < best!.value {
                best = (KernelParameters(theta: result.x), result.value)
            }
        }
        return best
    }
}
