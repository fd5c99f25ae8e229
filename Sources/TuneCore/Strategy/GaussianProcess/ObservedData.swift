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
        let mean = raw.reduce(0, +) / Double(raw.count)
        let variance = raw.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(raw.count)
        let scale = max(variance.squareRoot(), 1e-10)
        let sign: Double = goal == .maximize ? 1 : -1
        y = raw.map { sign * ($0 - mean) / scale }
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
