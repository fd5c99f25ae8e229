import Foundation

/// A Cholesky factor L (lower triangular, row-major n × n, L Lᵀ = A + jitter·I), with the
/// triangular solves that replace every explicit inverse (Rasmussen & Williams Algorithm 2.1).
struct Cholesky: Sendable {
    let n: Int
    /// Row-major; entries above the diagonal are zero.
    private(set) var l: [Double]
    /// What was added to A's diagonal to make it factor (0 when nothing was needed).
    private(set) var jitter: Double

    private init(n: Int, l: [Double], jitter: Double) {
        self.n = n
        self.l = l
        self.jitter = jitter
    }

    /// Wraps a factor `factor(_:n:jitter:)` made.
    init(factored l: [Double], n: Int, jitter: Double = 0) {
        self.init(n: n, l: l, jitter: jitter)
    }

    /// Factors the symmetric matrix `a` (row-major n × n; only the lower triangle is read),
    /// retrying with jitter 1e-10·mean(diag), ×10 each time up to 1e-1·mean(diag), the way
    /// GPy's `jitchol` and GPyTorch escalate (GPy `util/linalg.py: jitchol`, GPyTorch `psd_safe_cholesky`). nil only when even the largest
    /// jitter fails, which takes non-finite entries.
    ///
    /// - Complexity: O(n³/6) multiply-adds per attempt.
    init?(_ a: [Double], n: Int) {
        var meanDiagonal = 0.0
        for i in 0..<n { meanDiagonal += a[i * n + i] }
        meanDiagonal = n > 0 ? max(meanDiagonal / Double(n), 1e-300) : 1
        guard meanDiagonal.isFinite else { return nil }
        var jitter = 0.0
        for _ in 0..<11 {
            if let l = Self.factor(a, n: n, jitter: jitter) {
                self.init(n: n, l: l, jitter: jitter)
                return
            }
            jitter = jitter == 0 ? 1e-10 * meanDiagonal : jitter * 10
        }
        return nil
    }

    /// One attempt, no retry: nil when A + jitter·I is not numerically positive definite.
    static func factor(_ a: [Double], n: Int, jitter: Double) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        let ok = l.withUnsafeMutableBufferPointer { lp -> Bool in
            a.withUnsafeBufferPointer { ap -> Bool in
                for j in 0..<n {
                    let rowJ = j * n
                    var s = ap[rowJ + j] + jitter
                    for k in 0..<j { s -= lp[rowJ + k] * lp[rowJ + k] }
                    guard s > 0, s.isFinite else { return false }
                    let d = s.squareRoot()
                    lp[rowJ + j] = d
                    var i = j + 1
                    while i < n {
                        let rowI = i * n
                        var t = ap[rowI + j]
                        for k in 0..<j { t -= lp[rowI + k] * lp[rowJ + k] }
                        lp[rowI + j] = t / d
                        i += 1
                    }
                }
                return true
            }
        }
        return ok ? l : nil
    }

    /// Σ log Lᵢᵢ = ½ log det(A + jitter·I).
    var halfLogDeterminant: Double {
        var s = 0.0
        for i in 0..<n { s += log(l[i * n + i]) }
        return s
    }

    /// x = L⁻¹ b. - Complexity: O(n²/2).
    func solveLower(_ b: [Double]) -> [Double] {
        var x = b
        l.withUnsafeBufferPointer { lp in
            x.withUnsafeMutableBufferPointer { xp in
                for i in 0..<n {
                    let row = i * n
                    var t = xp[i]
                    for k in 0..<i { t -= lp[row + k] * xp[k] }
                    xp[i] = t / lp[row + i]
                }
            }
        }
        return x
    }

    /// x = L⁻ᵀ b (column-oriented so the inner loop reads a row of L). - Complexity: O(n²/2).
    func solveUpper(_ b: [Double]) -> [Double] {
        var x = b
        l.withUnsafeBufferPointer { lp in
            x.withUnsafeMutableBufferPointer { xp in
                var i = n - 1
                while i >= 0 {
                    let row = i * n
                    let xi = xp[i] / lp[row + i]
                    xp[i] = xi
                    for k in 0..<i { xp[k] -= lp[row + k] * xi }
                    i -= 1
                }
            }
        }
        return x
    }

    /// A⁻¹ b by two triangular solves.
    func solve(_ b: [Double]) -> [Double] { solveUpper(solveLower(b)) }

    /// A⁻¹ (lower triangle and diagonal filled, row-major), as L⁻ᵀ L⁻¹; only the MLL gradient
    /// needs it (the trace term of R&W eq. 5.9). - Complexity: O(n³/3).
    func inverseLowerTriangle() -> [Double] {
        var u = [Double](repeating: 0, count: n * n)  // U = L⁻¹, row by row
        var inv = [Double](repeating: 0, count: n * n)
        let n = n
        l.withUnsafeBufferPointer { lp in
            u.withUnsafeMutableBufferPointer { up in
                let base = up.baseAddress!
                for i in 0..<n {
                    let row = base + i * n
                    row[i] = 1
                    for k in 0..<i {
                        let c = lp[i * n + k]
                        if c == 0 { continue }
                        Self.axpy(-c, base + k * n, row, count: k + 1)
                    }
                    let d = 1 / lp[i * n + i]
                    for j in 0...i { row[j] *= d }
                }
            }
            u.withUnsafeBufferPointer { up in
                inv.withUnsafeMutableBufferPointer { ip in
                    // (A⁻¹)_ab = Σ_c U_ca U_cb over c ≥ max(a, b): one rank-1 update per row of U.
                    let uBase = up.baseAddress!
                    let iBase = ip.baseAddress!
                    for c in 0..<n {
                        let rowC = uBase + c * n
                        for a in 0...c {
                            let ua = rowC[a]
                            if ua == 0 { continue }
                            Self.axpy(ua, UnsafeMutablePointer(mutating: rowC), iBase + a * n, count: a + 1)
                        }
                    }
                }
            }
        }
        return inv
    }

    /// y[0..<count] += a · x[0..<count] (x and y do not overlap), in a form the compiler vectorizes.
    @inline(__always)
    private static func axpy(_ a: Double, _ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, count: Int) {
        var j = 0
        while j < count {
            y[j] += a * x[j]
            j += 1
        }
    }

    /// The factor of [[A, B], [Bᵀ, C]] from this one: L₂₁ᵀ = L⁻¹ B, L₂₂ = chol(C − L₂₁ L₂₁ᵀ)
    /// (Optuna `gp.py: _extend_cholesky`), with the same escalating jitter on the new block.
    /// `cross` holds Bᵀ row-major (m × n: each new point against the old ones); `corner` C (m × m).
    ///
    /// - Complexity: O(n² m + n m² + m³), against O((n + m)³) for refactoring.
    func extended(cross: [Double], corner: [Double], m: Int) -> Cholesky? {
        let total = n + m
        var l21 = [Double](repeating: 0, count: m * n)
        for j in 0..<m {
            let row = solveLower(Array(cross[(j * n)..<((j + 1) * n)]))
            for k in 0..<n { l21[j * n + k] = row[k] }
        }
        var schur = corner
        for i in 0..<m {
            for j in 0...i {
                var t = 0.0
                for k in 0..<n { t -= l21[i * n + k] * l21[j * n + k] }
                schur[i * m + j] += t
                schur[j * m + i] = schur[i * m + j]
            }
        }
        guard let l22 = Cholesky(schur, n: m) else { return nil }
        var big = [Double](repeating: 0, count: total * total)
        for i in 0..<n {
            for k in 0...i { big[i * total + k] = l[i * n + k] }
        }
        for i in 0..<m {
            let row = (n + i) * total
            for k in 0..<n { big[row + k] = l21[i * n + k] }
            for k in 0...i { big[row + n + k] = l22.l[i * m + k] }
        }
        return Cholesky(n: total, l: big, jitter: max(jitter, l22.jitter))
    }
}
