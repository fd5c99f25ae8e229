import Foundation

/// The GP's hyperparameters: inverse squared length scales ρ (one per encoded dimension),
/// amplitude s, noise variance σₙ² (never below `noiseFloor`), and a learned input warp for each
/// warped dimension (nil where a dimension is not warped: categorical ones, or warping off).
///
/// The optimizer works on θ = [log ρ₁…log ρ_D, log s, log(σₙ² − floor), ln a, ln b of each warped
/// dimension in order] (Optuna `_gp/gp.py` for the first D + 2), so every value stays positive
/// without bounds.
struct KernelParameters: Sendable, Equatable {
    var inverseSquaredLengthScales: [Double]
    var amplitude: Double
    var noiseVariance: Double
    /// One entry per dimension; nil: not warped.
    var warps: [InputWarp?]

    /// Optuna's floor, which doubles as the Cholesky jitter (Optuna 5.0, `_gp/gp.py`).
    static let noiseFloor = 1e-6

    var dimensions: Int { inverseSquaredLengthScales.count }
    var isWarped: [Bool] { warps.map { $0 != nil } }
    var hasWarps: Bool { warps.contains { $0 != nil } }

    /// Length scales ℓᵢ = 1/√ρᵢ, used to precondition the acquisition's gradient steps.
    var lengthScales: [Double] { inverseSquaredLengthScales.map { 1 / $0.squareRoot() } }

    /// Optuna's default start: ρ = 1, s = 1, σₙ² = 1; identity warps on the warped dimensions.
    static func defaults(dimensions: Int, warped: [Bool]? = nil) -> KernelParameters {
        KernelParameters(
            inverseSquaredLengthScales: Array(repeating: 1, count: dimensions), amplitude: 1, noiseVariance: 1,
            warps: (warped ?? Array(repeating: false, count: dimensions)).map { $0 ? .identity : nil })
    }

    init(inverseSquaredLengthScales: [Double], amplitude: Double, noiseVariance: Double, warps: [InputWarp?]? = nil) {
        self.inverseSquaredLengthScales = inverseSquaredLengthScales
        self.amplitude = amplitude
        self.noiseVariance = max(noiseVariance, Self.noiseFloor)
        self.warps = warps ?? Array(repeating: nil, count: inverseSquaredLengthScales.count)
    }

    /// The parameters at θ, warping the dimensions `warped` marks (none when nil).
    init(theta: [Double], warped: [Bool]? = nil) {
        let warped = warped ?? []
        let d = warped.isEmpty ? theta.count - 2 : warped.count
        inverseSquaredLengthScales = theta[0..<d].map(exp)
        amplitude = exp(theta[d])
        noiseVariance = Self.noiseFloor + exp(theta[d + 1])
        var next = d + 2
        warps = (0..<d).map { i in
            guard i < warped.count, warped[i] else { return nil }
            defer { next += 2 }
            return InputWarp(a: exp(theta[next]), b: exp(theta[next + 1]))
        }
    }

    var theta: [Double] {
        inverseSquaredLengthScales.map(log) + [log(amplitude), log(max(noiseVariance - Self.noiseFloor, 1e-300))]
            + warps.compactMap { $0 }.flatMap { [log($0.a), log($0.b)] }
    }

    /// The point as the kernel sees it: each warped coordinate through its warp.
    func warped(_ x: [Double]) -> [Double] {
        guard hasWarps else { return x }
        var out = x
        for (i, warp) in warps.enumerated() { if let warp { out[i] = warp(x[i]) } }
        return out
    }

    /// `warped` on a row-major [n×D] block.
    func warpedRows(_ x: [Double]) -> [Double] {
        guard hasWarps else { return x }
        let d = dimensions
        var out = x
        for (i, warp) in warps.enumerated() {
            guard let warp else { continue }
            var row = i
            while row < out.count {
                out[row] = warp(x[row])
                row += d
            }
        }
        return out
    }
}

/// Optuna 5.0's priors (`optuna/_gp/prior.py`), applied in θ space with no Jacobian term,
/// as Optuna does (Optuna 5.0, `_gp/prior.py` and `_gp/gp.py`), and the warps' log-normal prior (`InputWarp`):
/// - ρᵢ: log p = −(0.1/ρᵢ + 0.1 ρᵢ) — peak at ℓ = 1, 10 nats down at ℓ = 0.1 or 10;
/// - s ~ Gamma(2, rate 1): log p = log s − s;
/// - σₙ² ~ Gamma(1.1, rate 30): log p = 0.1 log σₙ² − 30 σₙ²;
/// - ln a, ln b ~ Normal(0, 0.75).
enum KernelPrior {
    /// log prior (constants dropped) and its gradient with respect to θ.
    static func logDensity(_ p: KernelParameters) -> (value: Double, gradient: [Double]) {
        var value = 0.0
        var gradient: [Double] = []
        gradient.reserveCapacity(p.dimensions + 2)
        for rho in p.inverseSquaredLengthScales {
            value -= 0.1 / rho + 0.1 * rho
            gradient.append(0.1 / rho - 0.1 * rho)
        }
        let s = p.amplitude
        value += log(s) - s
        gradient.append(1 - s)
        let v = p.noiseVariance
        value += 0.1 * log(v) - 30 * v
        gradient.append((0.1 / v - 30) * (v - KernelParameters.noiseFloor))
        for warp in p.warps.compactMap({ $0 }) {
            let prior = warp.logPrior
            value += prior.value
            gradient.append(prior.dLogA)
            gradient.append(prior.dLogB)
        }
        return (value, gradient)
    }
}
