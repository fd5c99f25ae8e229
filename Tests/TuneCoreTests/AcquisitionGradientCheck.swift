import Foundation
import Testing
@testable import TuneCore

/// Checks an acquisition's analytic gradient against central finite differences at q, in the
/// dimensions `dims`: the value from `valueAndGradient` must equal `value`, and each partial
/// derivative must match within `tolerance` relative (absolute below 1).
func expectGradientMatches(_ acquisition: any Acquisition, at q: [Double], dims: [Int], step h: Double, tolerance: Double,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    let (value, gradient) = acquisition.valueAndGradient(q)
    #expect(abs(value - acquisition.value(q)) < 1e-12 * max(1, abs(value)), sourceLocation: sourceLocation)
    for i in dims {
        var plus = q, minus = q
        plus[i] += h
        minus[i] -= h
        let numeric = (acquisition.value(plus) - acquisition.value(minus)) / (2 * h)
        #expect(abs(gradient[i] - numeric) < tolerance * max(1, abs(numeric)), "\(q) dim \(i): \(gradient[i]) vs \(numeric)",
                sourceLocation: sourceLocation)
    }
}
