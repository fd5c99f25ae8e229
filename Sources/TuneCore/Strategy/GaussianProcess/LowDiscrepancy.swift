import Foundation

/// The Rₐ Kronecker sequence (M. Roberts, "The unreasonable effectiveness of quasirandom
/// sequences", 2018): point k = frac(shift + k α), αⱼ = φ_d^−j with φ_d the positive root of
/// x^(d+1) = x + 1 (the golden ratio for d = 1), shifted at random (Cranley & Patterson 1976).
/// Low-discrepancy in any dimension with no direction-number table, and point k depends on k
/// alone — which is what lets trial n's initial point depend only on (seed, n).
struct KroneckerSequence: Sendable {
    let alpha: [Double]
    let shift: [Double]

    init(dimension: Int, generator: inout SeededGenerator) {
        var phi = 2.0
        for _ in 0..<60 { phi = pow(1 + phi, 1 / Double(dimension + 1)) }
        alpha = (0..<dimension).map { j in pow(1 / phi, Double(j + 1)) }
        shift = (0..<dimension).map { _ in generator.nextUnit() }
    }

    /// Point `index` in [0, 1)^d.
    func point(_ index: Int) -> [Double] {
        let k = Double(index)
        return zip(alpha, shift).map { a, s in
            let v = s + (k * a).truncatingRemainder(dividingBy: 1)
            return v - v.rounded(.down)
        }
    }
}
