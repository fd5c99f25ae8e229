import Foundation

/// The Matérn-5/2 kernel with ARD, as a function of the scaled squared distance r²
/// (Rasmussen & Williams 2006, eq. 4.17; Optuna `_gp/gp.py`):
///
///     k(x, x') = s · (1 + √5 r + 5/3 r²) · exp(−√5 r),   r² = Σᵢ ρᵢ dᵢ²
///
/// with dᵢ = xᵢ − x'ᵢ on ordinal dimensions and dᵢ = 1[xᵢ ≠ x'ᵢ] (Hamming) on categorical ones,
/// each dimension with its own inverse squared length scale ρᵢ = 1/ℓᵢ².
enum Matern52 {
    static let sqrt5 = 5.0.squareRoot()

    /// k/s at r².
    @inline(__always)
    static func correlation(r2: Double) -> Double {
        let sr = sqrt5 * r2.squareRoot()
        return (1 + sr + 5.0 / 3.0 * r2) * exp(-sr)
    }

    /// d(k/s)/d(r²) = −5/6 (1 + √5 r) exp(−√5 r): written in r² so it stays finite at r = 0,
    /// where autograd through √(r²) would give NaN (Optuna hand-codes it for that reason).
    @inline(__always)
    static func correlationSlope(r2: Double) -> Double {
        let sr = sqrt5 * r2.squareRoot()
        return -5.0 / 6.0 * (1 + sr) * exp(-sr)
    }

    /// r² between two encoded points (ρ: inverse squared length scales; categorical: Hamming dims).
    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, rho: [Double], isCategorical: [Bool]) -> Double {
        var r2 = 0.0
        for i in 0..<rho.count {
            if isCategorical[i] {
                if a[i] != b[i] { r2 += rho[i] }
            } else {
                let d = a[i] - b[i]
                r2 += rho[i] * d * d
            }
        }
        return r2
    }
}
