import Foundation

/// The history as the GP sees it (gp-notes §1.3–1.4): succeeded trials with a finite objective,
/// encoded and standardized — y' = ±(y − mean)/max(1e-10, std), population std, the sign chosen
/// so larger is better — plus the encoded points of failed and of running/pending trials.
struct ObservedData {
    /// Encoded points of the observations, one array each.
    var x: [[Double]] = []
    var y: [Double] = []
    var failed: [[Double]] = []
    var pending: [[Double]] = []
    var distinctValues = 0

    init(history: [TrialObservation], encoding: SearchEncoding, goal: Goal) {
        var raw: [Double] = []
        for trial in history {
            guard let point = encoding.encode(trial.assignment) else { continue }
            switch trial.state {
            case .succeeded:
                guard let value = trial.objective, value.isFinite else { continue }
                x.append(point)
                raw.append(value)
            case .failed:
                failed.append(point)
            case .running, .pending:
                pending.append(point)
            case .cancelled:
                break
            }
        }
        distinctValues = Set(raw).count
        guard !raw.isEmpty else { return }
        // Smaller is better from here on; the GP gets the sign flipped back (it maximizes).
        var z = goal == .maximize ? raw.map { -$0 } : raw
        switch GPTweaks.warp {
        case 1:  // HEBO: divide by std, Box-Cox if all > 0 else Yeo-Johnson
            let s = Self.standardDeviation(z)
            let scaled = z.map { $0 / s }
            if scaled.allSatisfy({ $0 > 0 }), let t = PowerTransform.fit(scaled, family: .boxCox) {
                z = scaled.map { t($0) }
            } else if let t = PowerTransform.fit(scaled, family: .yeoJohnson) {
                z = scaled.map { t($0) }
            }
        case 2:  // Yeo-Johnson on standardized values
            let std = Self.standardized(z)
            if let t = PowerTransform.fit(std, family: .yeoJohnson) { z = std.map { t($0) } }
        case 3:  // Box-Cox on values shifted to min 0 plus 1/n? log-like
            let std = Self.standardized(z)
            let m = std.min()!
            let shifted = std.map { $0 - m + 1e-2 }
            if let t = PowerTransform.fit(shifted, family: .boxCox) { z = shifted.map { t($0) } }
        default:
            break
        }
        y = Self.standardized(z).map { -$0 }
    }

    static func standardDeviation(_ v: [Double]) -> Double {
        let mean = v.reduce(0, +) / Double(v.count)
        let variance = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)
        return max(variance.squareRoot(), 1e-10)
    }

    /// (v − mean)/max(1e-10, std), population std.
    static func standardized(_ v: [Double]) -> [Double] {
        let mean = v.reduce(0, +) / Double(v.count)
        let scale = standardDeviation(v)
        return v.map { ($0 - mean) / scale }
    }

    /// Indices of at most `cap` observations: all of them when they fit, else the best quarter
    /// plus an even stride through the rest in trial order. Deterministic.
    func subset(cap: Int) -> [Int] {
        guard y.count > cap else { return Array(y.indices) }
        let byValue = y.indices.sorted { y[$0] != y[$1] ? y[$0] > y[$1] : $0 < $1 }
        let bestCount = cap / 4
        var chosen = Set(byValue.prefix(bestCount))
        let rest = y.indices.filter { !chosen.contains($0) }
        let want = cap - bestCount
        for j in 0..<want {
            chosen.insert(rest[j * rest.count / want])
        }
        return chosen.sorted()
    }
}
