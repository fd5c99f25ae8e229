import Foundation

/// Limited-memory BFGS (Nocedal & Wright 2006, Algorithm 7.4 two-loop recursion, m = 10 as scipy's
/// default) with a bisection weak-Wolfe line search (Lewis & Overton 2013), for unconstrained
/// minimization. The objective returns nil (or a non-finite value) where it cannot be evaluated —
/// a Cholesky failure in the MLL — and the line search backs off from there (GPy `util/linalg.py: jitchol`, GPyTorch `psd_safe_cholesky`).
struct LBFGS {
    var memory = 10
    /// Stop when max |gᵢ| falls below this (scipy's `gtol`; Optuna fits with 1e-2).
    var gradientTolerance = 1e-2
    var maxIterations = 200
    /// Objective evaluations allowed in all (line-search steps included).
    var maxEvaluations = 400

    struct Result {
        var x: [Double]
        var value: Double
        var iterations: Int
        var evaluations: Int
    }

    func minimize(from start: [Double], _ f: ([Double]) -> (value: Double, gradient: [Double])?) -> Result? {
        guard let first = f(start), first.value.isFinite, first.gradient.allSatisfy(\.isFinite) else { return nil }
        var x = start
        var fx = first.value
        var g = first.gradient
        var evaluations = 1
        var sHistory: [[Double]] = []
        var yHistory: [[Double]] = []
        var rhoHistory: [Double] = []
        var iteration = 0
        while iteration < maxIterations, evaluations < maxEvaluations {
            if g.map(abs).max() ?? 0 < gradientTolerance { break }
            iteration += 1
            // Two-loop recursion: d = −H g.
            var q = g
            var alphas = [Double](repeating: 0, count: sHistory.count)
            for i in stride(from: sHistory.count - 1, through: 0, by: -1) {
                alphas[i] = rhoHistory[i] * dot(sHistory[i], q)
                axpy(-alphas[i], yHistory[i], &q)
            }
            if let sLast = sHistory.last, let yLast = yHistory.last {
                let gamma = dot(sLast, yLast) / dot(yLast, yLast)
                for i in q.indices { q[i] *= gamma }
            } else {
                // First step: unit length in the largest coordinate.
                let scale = 1 / max(g.map(abs).max() ?? 1, 1e-12)
                for i in q.indices { q[i] *= scale }
            }
            for i in 0..<sHistory.count {
                let beta = rhoHistory[i] * dot(yHistory[i], q)
                axpy(alphas[i] - beta, sHistory[i], &q)
            }
            var direction = q.map { -$0 }
            var slope = dot(g, direction)
            if !(slope < 0) {
                // Not a descent direction (curvature went bad): restart from steepest descent.
                sHistory.removeAll()
                yHistory.removeAll()
                rhoHistory.removeAll()
                let scale = 1 / max(g.map(abs).max() ?? 1, 1e-12)
                direction = g.map { -$0 * scale }
                slope = dot(g, direction)
            }
            // Weak Wolfe by bisection/doubling.
            var step = 1.0
            var low = 0.0
            var high = Double.infinity
            var accepted: (x: [Double], value: Double, gradient: [Double])?
            var lowPoint: (x: [Double], value: Double, gradient: [Double])?
            for _ in 0..<30 where evaluations < maxEvaluations {
                var trial = x
                axpy(step, direction, &trial)
                evaluations += 1
                let result = f(trial)
                if let r = result, r.value.isFinite, r.gradient.allSatisfy(\.isFinite), r.value <= fx + 1e-4 * step * slope {
                    if dot(r.gradient, direction) >= 0.9 * slope {
                        accepted = (trial, r.value, r.gradient)
                        break
                    }
                    low = step
                    lowPoint = (trial, r.value, r.gradient)
                } else {
                    high = step
                }
                step = high.isFinite ? (low + high) / 2 : 2 * step
            }
            guard let next = accepted ?? lowPoint else { break }
            let s = zip(next.x, x).map { $0 - $1 }
            let yDiff = zip(next.gradient, g).map { $0 - $1 }
            let sy = dot(s, yDiff)
            let improvement = fx - next.value
            x = next.x
            fx = next.value
            g = next.gradient
            if sy > 1e-10 {
                sHistory.append(s)
                yHistory.append(yDiff)
                rhoHistory.append(1 / sy)
                if sHistory.count > memory {
                    sHistory.removeFirst()
                    yHistory.removeFirst()
                    rhoHistory.removeFirst()
                }
            }
            if improvement <= 1e-12 * max(1, abs(fx)) { break }
        }
        return Result(x: x, value: fx, iterations: iteration, evaluations: evaluations)
    }
}

@inline(__always)
func dot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in a.indices { s += a[i] * b[i] }
    return s
}

@inline(__always)
func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
    for i in y.indices { y[i] += alpha * x[i] }
}
