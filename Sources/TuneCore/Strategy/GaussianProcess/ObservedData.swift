import Foundation

/// The history as the GP sees it (Optuna 5.0, `samplers/_gp/sampler.py` and `_gp/gp.py`): succeeded trials with a finite
/// objective, encoded, plus the encoded points of failed and of running/pending trials.
///
/// Outputs: oriented so smaller is better, standardized (population std, floor 1e-10), warped
/// by a Yeo–Johnson power transform with λ fitted by maximum likelihood (HEBO's output warping;
/// Optuna only standardizes), standardized again, and sign-flipped so the GP maximizes. The warp
/// is monotone, so the incumbent and EI's argmax are those of the warped values. Measured on the
/// bench (tune-bench search, 20 and 60 seeds), it cut Rosenbrock's median regret >10×, Ackley's
/// ~40%, and Branin's and mixed's ~2–4×; λ lands near −3 on Rosenbrock (the bad tail squashed)
/// and near +2…3 on Ackley (the few funnel values squashed toward the plateau).
struct ObservedData {
    /// Encoded points of the observations, one array each.
    var x: [[Double]] = []
    var y: [Double] = []
    var failed: [[Double]] = []
    var pending: [[Double]] = []
    var distinctValues = 0
    /// With safety metrics: each observation's values of them (nil where not reported), and
    /// whether it kept every bound.
    var safety: [[Double?]] = []
    var feasible: [Bool] = []
    /// Per observation, whether it lies within the declared bounds: an earlier job's trial beyond
    /// a narrowed range informs the model, but is never the incumbent nor a start of the search.
    var inside: [Bool] = []
    /// The Yeo–Johnson output warp fitted to the standardized objective (nil: too few values).
    var outputWarp: PowerTransform?

    init(history: [TrialObservation], encoding: SearchEncoding, goal: Goal, safety metrics: [SafetyMetric] = []) {
        var raw: [Double] = []
        for trial in history {
            guard let point = encoding.encode(trial.assignment) else { continue }
            switch trial.state {
            case .succeeded:
                guard let value = trial.objective, value.isFinite else { continue }
                x.append(point)
                inside.append(encoding.isInside(point))
                raw.append(value)
                let values = trial.safetyValues ?? metrics.map { _ in nil }
                safety.append(values)
                feasible.append(zip(metrics, values).allSatisfy { metric, value in value.map(metric.isSafe) ?? false })
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
        // Standardized, smaller is better; warped; standardized again; sign-flipped for the GP.
        var z = Self.standardized(goal == .maximize ? raw.map { -$0 } : raw)
        if let warp = PowerTransform.fit(z, family: .yeoJohnson) {
            outputWarp = warp
            z = Self.standardized(z.map { warp($0) })
        }
        y = z.map { -$0 }
    }

    /// (v − mean)/max(1e-10, std), population std (Optuna's `_standardize_values`).
    static func standardized(_ v: [Double]) -> [Double] {
        let n = Double(v.count)
        let mean = v.reduce(0, +) / n
        let variance = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let scale = max(variance.squareRoot(), 1e-10)
        return v.map { ($0 - mean) / scale }
    }

    /// Indices of at most `cap` observations: all of them when they fit, else the best quarter
    /// plus an even stride through the rest in trial order. Deterministic.
    func subset(cap: Int) -> [Int] {
        Self.subset(of: y, cap: cap)
    }

    /// `subset(cap:)` of any list of GP outputs (larger is better).
    static func subset(of y: [Double], cap: Int) -> [Int] {
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
