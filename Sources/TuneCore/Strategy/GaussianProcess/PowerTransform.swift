import Foundation

/// Output warping (HEBO; Cowen-Rivers et al., arXiv 2012.03826): a monotone power
/// transform of the objective with λ fitted by maximum likelihood, so that a heavy-tailed or
/// skewed objective (Rosenbrock's 0…10⁶) looks closer to Gaussian to the GP. Since the transform
/// is strictly increasing, the argmin and the ordering of the observations are unchanged, and
/// expected improvement is computed in the warped space against the warped incumbent.
///
/// - Box–Cox (Box & Cox 1964), for x > 0:  ψ(x; λ) = (x^λ − 1)/λ,  log x at λ = 0.
/// - Yeo–Johnson (Yeo & Johnson 2000), for any real x:
///   x ≥ 0: ((x + 1)^λ − 1)/λ  (log(1 + x) at λ = 0);
///   x < 0: −((1 − x)^(2−λ) − 1)/(2 − λ)  (−log(1 − x) at λ = 2).
///
/// λ maximizes the profile log-likelihood of a Gaussian fitted to ψ(x) (sklearn's
/// `PowerTransformer`): −n/2 · log σ̂²(ψ(x; λ)) + (λ − 1) Σ J(xᵢ), with J = log x (Box–Cox) or
/// sign(x) log(1 + |x|) (Yeo–Johnson), over λ ∈ `lambdaRange` by a grid and golden-section search.
struct PowerTransform: Sendable, Equatable {
    enum Family: Sendable, Equatable {
        case boxCox
        case yeoJohnson
    }

    let family: Family
    let lambda: Double

    /// λ is searched here; wider gains little and risks overflow in x^λ.
    static let lambdaRange: ClosedRange<Double> = -3...3
    private static let tiny = 1e-9

    func callAsFunction(_ x: Double) -> Double {
        switch family {
        case .boxCox: return Self.boxCox(x, lambda)
        case .yeoJohnson: return Self.yeoJohnson(x, lambda)
        }
    }

    /// ψ⁻¹; for Box–Cox, defined on ψ's range (1 + λ t > 0), else NaN.
    func inverse(_ t: Double) -> Double {
        switch family {
        case .boxCox:
            if abs(lambda) < Self.tiny { return exp(t) }
            let base = 1 + lambda * t
            return base > 0 ? pow(base, 1 / lambda) : .nan
        case .yeoJohnson:
            if t >= 0 {
                if abs(lambda) < Self.tiny { return expm1(t) }
                return pow(1 + lambda * t, 1 / lambda) - 1
            }
            if abs(lambda - 2) < Self.tiny { return -expm1(-t) }
            return 1 - pow(1 - (2 - lambda) * t, 1 / (2 - lambda))
        }
    }

    static func boxCox(_ x: Double, _ lambda: Double) -> Double {
        abs(lambda) < tiny ? log(x) : expm1(lambda * log(x)) / lambda
    }

    static func yeoJohnson(_ x: Double, _ lambda: Double) -> Double {
        if x >= 0 {
            return abs(lambda) < tiny ? log1p(x) : expm1(lambda * log1p(x)) / lambda
        }
        let mu = 2 - lambda
        return abs(mu) < tiny ? -log1p(-x) : -expm1(mu * log1p(-x)) / mu
    }

    /// The profile log-likelihood of λ (constants dropped); −∞ where ψ is degenerate.
    static func logLikelihood(_ values: [Double], family: Family, lambda: Double) -> Double {
        let n = Double(values.count)
        var mean = 0.0
        var jacobian = 0.0
        var t = [Double](repeating: 0, count: values.count)
        for (i, x) in values.enumerated() {
            switch family {
            case .boxCox:
                t[i] = boxCox(x, lambda)
                jacobian += log(x)
            case .yeoJohnson:
                t[i] = yeoJohnson(x, lambda)
                jacobian += x >= 0 ? log1p(x) : -log1p(-x)
            }
            mean += t[i]
        }
        mean /= n
        var variance = 0.0
        for v in t { variance += (v - mean) * (v - mean) }
        variance /= n
        guard variance > 0, variance.isFinite else { return -.infinity }
        return -0.5 * n * log(variance) + (lambda - 1) * jacobian
    }

    /// The maximum-likelihood transform of `values` (Box–Cox needs every value > 0); nil with
    /// fewer than two distinct finite values. Deterministic.
    static func fit(_ values: [Double], family: Family) -> PowerTransform? {
        guard values.count >= 2, values.allSatisfy(\.isFinite), let smallest = values.min(), values.max()! > smallest else { return nil }
        if family == .boxCox, !values.allSatisfy({ $0 > 0 }) { return nil }
        let f = { (l: Double) in logLikelihood(values, family: family, lambda: l) }
        // Coarse grid, then golden section inside the best cell's neighbours.
        let lo = lambdaRange.lowerBound
        let hi = lambdaRange.upperBound
        let steps = 24
        let h = (hi - lo) / Double(steps)
        var bestK = 0
        var bestValue = -Double.infinity
        for k in 0...steps {
            let v = f(lo + Double(k) * h)
            if v > bestValue {
                bestValue = v
                bestK = k
            }
        }
        guard bestValue.isFinite else { return nil }
        var a = lo + Double(max(bestK - 1, 0)) * h
        var b = lo + Double(min(bestK + 1, steps)) * h
        let ratio = (5.0.squareRoot() - 1) / 2
        var c = b - ratio * (b - a)
        var d = a + ratio * (b - a)
        var fc = f(c)
        var fd = f(d)
        for _ in 0..<40 where b - a > 1e-6 {
            if fc >= fd {
                b = d
                d = c
                fd = fc
                c = b - ratio * (b - a)
                fc = f(c)
            } else {
                a = c
                c = d
                fc = fd
                d = a + ratio * (b - a)
                fd = f(d)
            }
        }
        let lambda = fc >= fd ? c : d
        let best = max(fc, fd) >= bestValue ? lambda : lo + Double(bestK) * h
        return PowerTransform(family: family, lambda: best)
    }
}
