import Foundation

/// The GP's hyperparameters: inverse squared length scales ρ (one per encoded dimension),
/// amplitude s, and noise variance σₙ² (never below `noiseFloor`).
///
/// The optimizer works on θ = [log ρ₁…log ρ_D, log s, log(σₙ² − floor)] (Optuna `_gp/gp.py`),
/// so every value stays positive without bounds.
struct KernelParameters: Sendable, Equatable {
    var inverseSquaredLengthScales: [Double]
    var amplitude: Double
    var noiseVariance: Double

    /// Optuna's floor, which doubles as the Cholesky jitter (gp-notes §2.3, §5).
    static let noiseFloor = 1e-6

    var dimensions: Int { inverseSquaredLengthScales.count }

    /// Length scales ℓᵢ = 1/√ρᵢ, used to precondition the acquisition's gradient steps.
    var lengthScales: [Double] { inverseSquaredLengthScales.map { 1 / $0.squareRoot() } }

    /// Optuna's default start: ρ = 1, s = 1, σₙ² = 1.
    static func defaults(dimensions: Int) -> KernelParameters {
        KernelParameters(inverseSquaredLengthScales: Array(repeating: 1, count: dimensions), amplitude: 1, noiseVariance: 1)
    }

    init(inverseSquaredLengthScales: [Double], amplitude: Double, noiseVariance: Double) {
        self.inverseSquaredLengthScales = inverseSquaredLengthScales
        self.amplitude = amplitude
        self.noiseVariance = max(noiseVariance, Self.noiseFloor)
    }

    init(theta: [Double]) {
        let d = theta.count - 2
        inverseSquaredLengthScales = theta[0..<d].map(exp)
        amplitude = exp(theta[d])
        noiseVariance = Self.noiseFloor + exp(theta[d + 1])
    }

    var theta: [Double] {
        inverseSquaredLengthScales.map(log) + [log(amplitude), log(max(noiseVariance - Self.noiseFloor, 1e-300))]
    }
}

/// Optuna 5.0's priors (`optuna/_gp/prior.py`), applied in θ space with no Jacobian term,
/// as Optuna does (gp-notes §2.3–2.4):
/// - ρᵢ: log p = −(0.1/ρᵢ + 0.1 ρᵢ) — peak at ℓ = 1, 10 nats down at ℓ = 0.1 or 10;
/// - s ~ Gamma(2, rate 1): log p = log s − s;
/// - σₙ² ~ Gamma(1.1, rate 30): log p = 0.1 log σₙ² − 30 σₙ².
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
        return (value, gradient)
    }
}
