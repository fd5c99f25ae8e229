import Foundation

/// The MAP objective for the kernel hyperparameters: log marginal likelihood plus Optuna's log
/// prior, with its analytic gradient in θ = [log ρ, log s, log(σₙ² − floor)] (Optuna 5.0, `_gp/gp.py: fit_kernel_params`).
///
///     MLL(θ) = −Σ log Lᵢᵢ − ½ yᵀ α                                (R&W eq. 5.8, constant dropped)
///     ∂MLL/∂θⱼ = ½ tr((α αᵀ − K⁻¹) ∂K/∂θⱼ)                         (R&W eq. 5.9)
///     ∂K/∂log ρᵢ = s · dk/d(r²) · ρᵢ dᵢ²,  ∂K/∂log s = K_f,  ∂K/∂θ_noise = (σₙ² − floor) I
struct MarginalLikelihood {
    let n: Int
    let dimensions: Int
    let isCategorical: [Bool]
    /// Dimensions with a learned input warp (θ then ends with ln a, ln b of each, in order).
    let isWarped: [Bool]
    let y: [Double]
    /// Per unwarped dimension, dᵢ² for every pair (row-major n × n, lower triangle used): 1[≠] for
    /// categorical; empty for warped dimensions, whose differences depend on θ.
    private let squaredDifferences: [[Double]]
    /// Per warped dimension, the raw coordinates of the n points (empty for the others).
    private let columns: [[Double]]

    init(x: [Double], y: [Double], isCategorical: [Bool], warped: [Bool]? = nil) {
        let d = isCategorical.count
        let n = y.count
        self.n = n
        self.dimensions = d
        self.isCategorical = isCategorical
        self.isWarped = (warped ?? Array(repeating: false, count: d)).enumerated().map { $0.element && !isCategorical[$0.offset] }
        self.y = y
        var table = [[Double]](repeating: [], count: d)
        var columns = [[Double]](repeating: [], count: d)
        for i in 0..<d {
            if isWarped[i] {
                columns[i] = (0..<n).map { x[$0 * d + i] }
                continue
            }
            table[i] = [Double](repeating: 0, count: n * n)
            for a in 0..<n {
                for b in 0..<a {
                    let diff = x[a * d + i] - x[b * d + i]
                    table[i][a * n + b] = isCategorical[i] ? (diff == 0 ? 0 : 1) : diff * diff
                }
            }
        }
        squaredDifferences = table
        self.columns = columns
    }

    /// The parameter vector's layout for this likelihood: θ's warp entries follow `isWarped`.
    func parameters(_ theta: [Double]) -> KernelParameters {
        KernelParameters(theta: theta, warped: isWarped)
    }

    /// −(MLL + log prior) and its gradient in θ; nil where K does not factor without jitter
    /// (the line search then backs off, rather than fitting to a jittered matrix).
    /// - Complexity: O(n³/2 + n² D).
    func negativeLogPosterior(theta: [Double]) -> (value: Double, gradient: [Double])? {
        let p = parameters(theta)
        guard p.amplitude.isFinite, p.noiseVariance.isFinite, p.inverseSquaredLengthScales.allSatisfy(\.isFinite),
            p.warps.allSatisfy({ $0.map { $0.a.isFinite && $0.b.isFinite && $0.a > 0 && $0.b > 0 } ?? true })
        else { return nil }
        let rho = p.inverseSquaredLengthScales
        let s = p.amplitude
        let d = dimensions
        var kf = [Double](repeating: 0, count: n * n)  // K_f lower triangle, then K's diagonal
        var slope = [Double](repeating: 0, count: n * n)  // s · dk/d(r²)
        var r2 = [Double](repeating: 0, count: n * n)
        // Warped dimensions: w(x), dw/d ln a, dw/d ln b at every point, for this θ.
        var warpedColumns = [[(value: Double, dx: Double, dLogA: Double, dLogB: Double)]](repeating: [], count: d)
        for i in 0..<d {
            let rhoI = rho[i]
            if let warp = p.warps[i] {
                let w = columns[i].map { warp.withDerivatives($0) }
                guard w.allSatisfy({ $0.value.isFinite && $0.dLogA.isFinite && $0.dLogB.isFinite }) else { return nil }
                warpedColumns[i] = w
                for a in 0..<n {
                    let row = a * n
                    for b in 0..<a {
                        let diff = w[a].value - w[b].value
                        r2[row + b] += rhoI * diff * diff
                    }
                }
                continue
            }
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
        var outer = [Double](repeating: 0, count: n * n)
        var traceW = 0.0
        var gradAmplitude = 0.0
        for a in 0..<n {
            let row = a * n
            for b in 0..<a {
                let wab = alpha[a] * alpha[b] - inverse[row + b]
                outer[row + b] = wab
                gradAmplitude += wab * kf[row + b]
            }
            let waa = alpha[a] * alpha[a] - inverse[row + a]
            traceW += waa
            gradAmplitude += 0.5 * waa * s
        }
        var gradient = [Double](repeating: 0, count: theta.count)
        var next = d + 2
        for i in 0..<d {
            if isWarped[i] {
                // ∂K/∂log ρᵢ = slope · ρᵢ dᵢ², ∂K/∂ln aᵢ = slope · ρᵢ · 2 dᵢ (∂w_a/∂ln a − ∂w_b/∂ln a), same for b.
                let w = warpedColumns[i]
                var t = 0.0
                var ta = 0.0
                var tb = 0.0
                for a in 0..<n {
                    let row = a * n
                    for b in 0..<a {
                        let diff = w[a].value - w[b].value
                        let c = outer[row + b] * slope[row + b]
                        t += c * diff * diff
                        ta += c * diff * (w[a].dLogA - w[b].dLogA)
                        tb += c * diff * (w[a].dLogB - w[b].dLogB)
                    }
                }
                gradient[i] = t * rho[i]
                gradient[next] = 2 * ta * rho[i]
                gradient[next + 1] = 2 * tb * rho[i]
                next += 2
                continue
            }
            var t = 0.0
            squaredDifferences[i].withUnsafeBufferPointer { dp in
                for a in 0..<n {
                    let row = a * n
                    for b in 0..<a { t += outer[row + b] * slope[row + b] * dp[row + b] }
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
    /// recipe is one run from the previous fit, falling back to all-ones (Optuna 5.0, `_gp/gp.py: fit_kernel_params`).
    /// nil when no start could be evaluated.
    func fit(starts: [KernelParameters], maxIterations: Int) -> (parameters: KernelParameters, value: Double)? {
        var best: (parameters: KernelParameters, value: Double)?
        let optimizer = LBFGS(gradientTolerance: 1e-2, maxIterations: maxIterations, maxEvaluations: 2 * maxIterations + 20)
        for start in starts {
            guard let result = optimizer.minimize(from: start.theta, negativeLogPosterior) else { continue }
            if best == nil || result.value < best!.value {
                best = (parameters(result.x), result.value)
            }
        }
        return best
    }
}
