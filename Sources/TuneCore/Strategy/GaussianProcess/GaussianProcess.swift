import Foundation

// Gaussian-process regression for Bayesian optimization, in plain Swift (no BLAS).
//
// Notation (shapes in brackets; follows Optuna `_gp/gp.py` and Rasmussen & Williams 2006, "R&W"):
//   n        observed points (plus conditioned pending/failed points, see `conditioned(on:)`)
//   D        encoded dimensions (constant parameters are dropped before this)
//   X  [n×D] encoded inputs, row-major: ordinal dims in [0, 1] (unit warps), categorical dims as
//            the choice index 0, 1, … (compared by Hamming distance)
//   y  [n]   standardized outputs, sign-flipped so the GP always *maximizes*
//   ρ  [D]   inverse squared length scales 1/ℓᵢ²;   s: amplitude;   σₙ²: noise variance ≥ 1e-6
//   K  [n×n] K_f + σₙ² I, K_f[a,b] = k(X_a, X_b)   (Matérn-5/2 ARD, `Matern52`)
//   L  [n×n] Cholesky factor of K;   α [n] = K⁻¹ y
//   k* [n]   k(x, X_a) for a query point x;   v = L⁻¹ k*;   w = K⁻¹ k* = L⁻ᵀ v
//   μ(x) = k*ᵀ α,  var(x) = s − |v|²  (latent f, noise not added; R&W Algorithm 2.1, lines 4–6)
//   w(x)     the point with each warped coordinate through its learned warp (`InputWarp`); the
//            kernel only ever sees w(x), so X below is stored warped and queries are warped first

/// A GP posterior with fixed hyperparameters, conditioned on (X, y).
struct GaussianProcess: Sendable {
    let dimensions: Int
    let isCategorical: [Bool]
    let parameters: KernelParameters
    /// [n×D] row-major, warped (`KernelParameters.warpedRows`).
    private(set) var x: [Double]
    private(set) var y: [Double]
    private(set) var cholesky: Cholesky
    private(set) var alpha: [Double]

    var count: Int { y.count }

    /// Factors K; nil only if it cannot be factored even with jitter (non-finite inputs).
    /// - Complexity: O(n² D + n³/6).
    init?(x: [Double], y: [Double], isCategorical: [Bool], parameters: KernelParameters) {
        let d = isCategorical.count
        let n = y.count
        guard x.count == n * d, n > 0 else { return nil }
        let x = parameters.warpedRows(x)
        var k = [Double](repeating: 0, count: n * n)
        let rho = parameters.inverseSquaredLengthScales
        let s = parameters.amplitude
        x.withUnsafeBufferPointer { xp in
            for a in 0..<n {
                for b in 0..<a {
                    let r2 = Matern52.squaredDistance(xp.baseAddress! + a * d, xp.baseAddress! + b * d, rho: rho, isCategorical: isCategorical)
                    k[a * n + b] = s * Matern52.correlation(r2: r2)
                }
                k[a * n + a] = s + parameters.noiseVariance
            }
        }
        guard let cholesky = Cholesky(k, n: n) else { return nil }
        self.dimensions = d
        self.isCategorical = isCategorical
        self.parameters = parameters
        self.x = x
        self.y = y
        self.cholesky = cholesky
        self.alpha = cholesky.solve(y)
    }

    /// k(q, X_a) for every a (q in the declared unit coordinates).
    func crossCovariance(_ q: [Double]) -> [Double] {
        covariance(warped: parameters.warped(q))
    }

    /// k(w, X_a) for every a, w already warped.
    private func covariance(warped q: [Double]) -> [Double] {
        let n = count
        let d = dimensions
        let rho = parameters.inverseSquaredLengthScales
        let s = parameters.amplitude
        var k = [Double](repeating: 0, count: n)
        q.withUnsafeBufferPointer { qp in
            x.withUnsafeBufferPointer { xp in
                for a in 0..<n {
                    let r2 = Matern52.squaredDistance(qp.baseAddress!, xp.baseAddress! + a * d, rho: rho, isCategorical: isCategorical)
                    k[a] = s * Matern52.correlation(r2: r2)
                }
            }
        }
        return k
    }

    /// Posterior mean and variance of the latent function at q (variance clamped at 0).
    /// - Complexity: O(n D + n²/2).
    func posterior(at q: [Double]) -> (mean: Double, variance: Double) {
        let kStar = crossCovariance(q)
        var mean = 0.0
        for a in 0..<count { mean += kStar[a] * alpha[a] }
        let v = cholesky.solveLower(kStar)
        var explained = 0.0
        for value in v { explained += value * value }
        return (mean, max(parameters.amplitude - explained, 0))
    }

    /// Posterior mean and variance with their gradients in the ordinal dimensions (zero in the
    /// categorical ones): ∂μ/∂qᵢ = Σ_a α_a ∂k_a/∂qᵢ, ∂var/∂qᵢ = −2 Σ_a w_a ∂k_a/∂qᵢ.
    /// - Complexity: O(n D + n²).
    func posteriorWithGradient(at raw: [Double]) -> (mean: Double, variance: Double, dMean: [Double], dVariance: [Double]) {
        let terms = kernelTerms(at: raw)
        var mean = 0.0
        for a in 0..<count { mean += terms.kStar[a] * alpha[a] }
        let v = cholesky.solveLower(terms.kStar)
        var explained = 0.0
        for value in v { explained += value * value }
        let w = cholesky.solveUpper(v)
        let dMean = gradient(of: alpha, terms)
        let variance = parameters.amplitude - explained
        if variance <= 0 {
            return (mean, 0, dMean, [Double](repeating: 0, count: dimensions))
        }
        return (mean, variance, dMean, gradient(of: w.map { -2 * $0 }, terms))
    }

    /// What a gradient at one query needs: the query warped, the raw query, k(q, X_a) and
    /// s · dk/d(r²) at each a.
    struct KernelTerms {
        var raw: [Double]
        var warped: [Double]
        var kStar: [Double]
        var slope: [Double]
    }

    func kernelTerms(at raw: [Double]) -> KernelTerms {
        let n = count
        let d = dimensions
        let q = parameters.warped(raw)
        let rho = parameters.inverseSquaredLengthScales
        let s = parameters.amplitude
        var kStar = [Double](repeating: 0, count: n)
        var slope = [Double](repeating: 0, count: n)
        q.withUnsafeBufferPointer { qp in
            x.withUnsafeBufferPointer { xp in
                for a in 0..<n {
                    let r2 = Matern52.squaredDistance(qp.baseAddress!, xp.baseAddress! + a * d, rho: rho, isCategorical: isCategorical)
                    kStar[a] = s * Matern52.correlation(r2: r2)
                    slope[a] = s * Matern52.correlationSlope(r2: r2)
                }
            }
        }
        return KernelTerms(raw: raw, warped: q, kStar: kStar, slope: slope)
    }

    /// ∂/∂qᵢ of Σ_a c_a k(q, X_a), in the declared coordinates: Σ_a c_a · s dk/d(r²) · 2ρᵢ (wᵢ(qᵢ) − X_ai)
    /// · wᵢ'(qᵢ); zero in categorical dimensions.
    /// - Complexity: O(n D).
    func gradient(of c: [Double], _ terms: KernelTerms) -> [Double] {
        let n = count
        let d = dimensions
        let rho = parameters.inverseSquaredLengthScales
        var out = [Double](repeating: 0, count: d)
        x.withUnsafeBufferPointer { xp in
            for a in 0..<n {
                let ca = terms.slope[a] * c[a]
                guard ca != 0 else { continue }
                let row = a * d
                for i in 0..<d where !isCategorical[i] {
                    out[i] += ca * 2 * rho[i] * (terms.warped[i] - xp[row + i])
                }
            }
        }
        for (i, warp) in parameters.warps.enumerated() {
            guard let warp else { continue }
            out[i] *= warp.withDerivatives(terms.raw[i]).dx
        }
        return out
    }

    /// The joint posterior of the latent function at `points`: means and the m × m covariance
    /// (row-major), Σ = K_pp − Vᵀ V with V = L⁻¹ K_Xp.
    func jointPosterior(at points: [[Double]]) -> (mean: [Double], covariance: [Double]) {
        let m = points.count
        let ks = points.map(crossCovariance)
        let vs = ks.map { cholesky.solveLower($0) }
        let warpedPoints = points.map(parameters.warped)
        let rho = parameters.inverseSquaredLengthScales
        var covariance = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in 0...i {
                let r2 = warpedPoints[i].withUnsafeBufferPointer { a in
                    warpedPoints[j].withUnsafeBufferPointer { b in
                        Matern52.squaredDistance(a.baseAddress!, b.baseAddress!, rho: rho, isCategorical: isCategorical)
                    }
                }
                var c = parameters.amplitude * Matern52.correlation(r2: r2)
                for a in 0..<count { c -= vs[i][a] * vs[j][a] }
                covariance[i * m + j] = c
                covariance[j * m + i] = c
            }
        }
        let means = ks.map { k in zip(k, alpha).reduce(0) { $0 + $1.0 * $1.1 } }
        return (means, covariance)
    }

    /// This posterior further conditioned on `points` observed at `values`, by extending the
    /// Cholesky factor (Ginsbourger et al. 2010; Optuna PR #6430): failed trials at the worst
    /// value, and the pending points of `FantasyImprovement`.
    /// Hyperparameters are not refit. nil when the extension cannot be factored.
    func conditioned(on points: [[Double]], values: [Double]) -> GaussianProcess? {
        let m = points.count
        guard m > 0 else { return self }
        let n = count
        let rho = parameters.inverseSquaredLengthScales
        let s = parameters.amplitude
        let points = points.map(parameters.warped)
        var cross = [Double](repeating: 0, count: m * n)
        var corner = [Double](repeating: 0, count: m * m)
        for (j, p) in points.enumerated() {
            let k = covariance(warped: p)
            for a in 0..<n { cross[j * n + a] = k[a] }
            for i in 0..<j {
                let r2 = p.withUnsafeBufferPointer { pp in
                    points[i].withUnsafeBufferPointer { qp in
                        Matern52.squaredDistance(pp.baseAddress!, qp.baseAddress!, rho: rho, isCategorical: isCategorical)
                    }
                }
                corner[j * m + i] = s * Matern52.correlation(r2: r2)
                corner[i * m + j] = corner[j * m + i]
            }
            corner[j * m + j] = s + parameters.noiseVariance
        }
        guard let extended = cholesky.extended(cross: cross, corner: corner, m: m) else { return nil }
        var copy = self
        copy.x += points.flatMap { $0 }
        copy.y += values
        copy.cholesky = extended
        copy.alpha = extended.solve(copy.y)
        return copy
    }
}
