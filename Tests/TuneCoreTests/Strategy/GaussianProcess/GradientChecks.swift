import Foundation
import Testing

@testable import TuneCore

/// Gradient checks shared by the GP tests.

/// Checks an acquisition's analytic gradient against central finite differences at q, in the
/// dimensions `dims`: the value from `valueAndGradient` must equal `value`, and each partial
/// derivative must match within `tolerance` relative (absolute below 1).
func expectGradientMatches(
    _ acquisition: any Acquisition, at q: [Double], dims: [Int], step h: Double, tolerance: Double,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let (value, gradient) = acquisition.valueAndGradient(q)
    #expect(abs(value - acquisition.value(q)) < 1e-12 * max(1, abs(value)), sourceLocation: sourceLocation)
    for i in dims {
        var plus = q
        var minus = q
        plus[i] += h
        minus[i] -= h
        let numeric = (acquisition.value(plus) - acquisition.value(minus)) / (2 * h)
        #expect(
            abs(gradient[i] - numeric) < tolerance * max(1, abs(numeric)), "\(q) dim \(i): \(gradient[i]) vs \(numeric)",
            sourceLocation: sourceLocation)
    }
}

/// Checks the MAP objective's analytic gradient in θ against central finite differences (step
/// 1e-5, tolerance 1e-5 relative, absolute below 1).
func expectGradientMatches(_ likelihood: MarginalLikelihood, at theta: [Double], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let analytic = try #require(likelihood.negativeLogPosterior(theta: theta), sourceLocation: sourceLocation)
    #expect(analytic.gradient.count == theta.count, sourceLocation: sourceLocation)
    for j in theta.indices {
        let h = 1e-5
        var plus = theta
        var minus = theta
        plus[j] += h
        minus[j] -= h
        let numeric = (likelihood.negativeLogPosterior(theta: plus)!.value - likelihood.negativeLogPosterior(theta: minus)!.value) / (2 * h)
        #expect(
            abs(analytic.gradient[j] - numeric) < 1e-5 * max(1, abs(numeric)), "θ[\(j)] = \(theta[j]): \(analytic.gradient[j]) vs \(numeric)",
            sourceLocation: sourceLocation)
    }
}
