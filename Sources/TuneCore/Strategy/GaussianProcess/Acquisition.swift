import Foundation

/// What the acquisition optimizer maximizes over the encoded space: a value and its gradient in
/// the declared unit coordinates (zero in categorical dimensions), plus the length scales that
/// precondition its gradient steps.
protocol Acquisition: Sendable {
    func value(_ x: [Double]) -> Double
    func valueAndGradient(_ x: [Double]) -> (value: Double, gradient: [Double])
    var lengthScales: [Double] { get }
}

/// log EI of a GP against the incumbent f* (`LogEI`): the acquisition with nothing in flight.
struct ExpectedImprovement: Acquisition {
    let gp: GaussianProcess
    /// f*: the best observed standardized value.
    let best: Double

    var lengthScales: [Double] { gp.parameters.lengthScales }

    func value(_ x: [Double]) -> Double {
        let p = gp.posterior(at: x)
        return LogEI.value(mean: p.mean, variance: p.variance, best: best)
    }

    func valueAndGradient(_ x: [Double]) -> (value: Double, gradient: [Double]) {
        let p = gp.posteriorWithGradient(at: x)
        return LogEI.valueAndGradient(mean: p.mean, variance: p.variance, best: best, dMean: p.dMean, dVariance: p.dVariance)
    }
}
