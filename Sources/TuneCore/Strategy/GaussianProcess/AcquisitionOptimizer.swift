import Foundation

/// Maximizes an acquisition (log EI, or its fantasy average with trials in flight) over the encoded space the way Optuna's `optim_mixed.py` does (Optuna 5.0, `_gp/optim_mixed.py`):
/// score a low-discrepancy set of raw candidates; start local searches from the best one, a
/// roulette draw of others (probability ∝ EI, computed as exp(logEI − max) so it cannot
/// underflow to all zeros) and the best observed point; in each, alternate
/// 1. gradient ascent over all continuous dimensions at once, in length-scale-preconditioned
///    coordinates zᵢ = xᵢ/ℓᵢ, projected onto the box (Barzilai–Borwein steps with Armijo
///    backtracking, in place of Optuna's L-BFGS-B), and
/// 2. for each INTEGER, DISCRETE and CATEGORICAL dimension, every value when it has at most
///    `exhaustiveLevels` (always for categorical), else a neighbour search at ±1, ±2, ±4, … levels,
/// until a sweep changes nothing.
struct AcquisitionOptimizer {
    let acquisition: any Acquisition
    let encoding: SearchEncoding
    var exhaustiveLevels = 16
    var maxSweeps = 8
    var maxGradientSteps = 40

    init(acquisition: any Acquisition, encoding: SearchEncoding) {
        self.acquisition = acquisition
        self.encoding = encoding
    }

    /// log EI of `gp` against the incumbent `best`.
    init(gp: GaussianProcess, encoding: SearchEncoding, best: Double) {
        self.init(acquisition: ExpectedImprovement(gp: gp, best: best), encoding: encoding)
    }

    func value(_ x: [Double]) -> Double { acquisition.value(x) }

    func valueAndGradient(_ x: [Double]) -> (value: Double, gradient: [Double]) { acquisition.valueAndGradient(x) }

    /// Local optima from each start, best first, followed by the raw candidates by value (so a
    /// caller that must skip already-tried points still has somewhere to go).
    func maximize(
        candidates: [[Double]], observedBest: [Double]?, starts: Int,
        generator: inout SeededGenerator
    ) -> [(x: [Double], value: Double)] {
        let scores = candidates.map(value)
        guard let top = scores.indices.max(by: { scores[$0] < scores[$1] }) else { return [] }
        var startIndices = [top]
        // Roulette without replacement over the rest, weights exp(logEI − max).
        var weights = scores.map { $0.isFinite ? exp($0 - scores[top]) : 0 }
        weights[top] = 0
        while startIndices.count < max(starts - 1, 1) {
            let total = weights.reduce(0, +)
            guard total > 0 else { break }
            var r = generator.nextUnit() * total
            var pick = weights.lastIndex { $0 > 0 }!
            for (i, w) in weights.enumerated() where w > 0 {
                r -= w
                if r < 0 {
                    pick = i
                    break
                }
            }
            startIndices.append(pick)
            weights[pick] = 0
        }
        var startPoints = startIndices.map { (candidates[$0], scores[$0]) }
        if let observedBest { startPoints.append((observedBest, value(observedBest))) }

        var results = startPoints.map { localSearch(from: $0.0, value: $0.1) }
        results.sort { $0.value > $1.value }
        let raw = scores.indices.sorted { scores[$0] > scores[$1] }.map { (x: candidates[$0], value: scores[$0]) }
        return results + raw
    }

    func localSearch(from start: [Double], value startValue: Double) -> (x: [Double], value: Double) {
        var x = start
        var v = startValue
        let continuous = encoding.dimensions.indices.filter { encoding.dimensions[$0].kind == .continuous }
        let discrete = encoding.dimensions.indices.filter { encoding.dimensions[$0].kind != .continuous }
        for _ in 0..<maxSweeps {
            let before = v
            if !continuous.isEmpty { (x, v) = gradientAscent(x, v, dims: continuous) }
            for i in discrete { (x, v) = searchLevels(x, v, dim: i) }
            if !(v > before + 1e-9 * max(1, abs(before))) { break }
        }
        return (x, v)
    }

    /// Projected gradient ascent over `dims` in zᵢ = xᵢ/ℓᵢ coordinates, bounds [0, 1/ℓᵢ].
    private func gradientAscent(_ start: [Double], _ startValue: Double, dims: [Int]) -> ([Double], Double) {
        let lengthScales = acquisition.lengthScales
        let scale = dims.map { lengthScales[$0] }
        var x = start
        var (v, g) = valueAndGradient(x)
        guard v.isFinite else { return (start, startValue) }
        var gz = dims.indices.map { g[dims[$0]] * scale[$0] }
        var step = 0.1 / max(gz.map(abs).max() ?? 1, 1e-12)
        for _ in 0..<maxGradientSteps {
            // Projected-gradient norm at the box; stop when it is flat (Optuna: pgtol 1e-2).
            var flat = true
            for (j, i) in dims.enumerated() {
                let blocked = (x[i] <= 0 && gz[j] < 0) || (x[i] >= 1 && gz[j] > 0)
                if !blocked && abs(gz[j]) > 1e-3 { flat = false }
            }
            if flat { break }
            var accepted = false
            for _ in 0..<20 {
                var trial = x
                var predicted = 0.0
                for (j, i) in dims.enumerated() {
                    trial[i] = min(max(x[i] + step * gz[j] * scale[j], 0), 1)
                    predicted += gz[j] * (trial[i] - x[i]) / scale[j]
                }
                if predicted <= 0 { break }
                let (tv, tg) = valueAndGradient(trial)
                if tv.isFinite, tv >= v + 1e-4 * predicted {
                    // Barzilai–Borwein step for the next iteration, from s and the gradient change.
                    let tgz = dims.indices.map { tg[dims[$0]] * scale[$0] }
                    var ss = 0.0
                    var sy = 0.0
                    for (j, i) in dims.enumerated() {
                        let sj = (trial[i] - x[i]) / scale[j]
                        ss += sj * sj
                        sy += sj * (tgz[j] - gz[j])
                    }
                    step = sy < 0 ? min(max(ss / -sy, 1e-8), 1e4) : min(step * 2, 1e4)
                    let improvement = tv - v
                    x = trial
                    v = tv
                    g = tg
                    gz = tgz
                    accepted = improvement > 1e-12
                    break
                }
                step /= 2
            }
            if !accepted { break }
        }
        return v > startValue ? (x, v) : (start, startValue)
    }

    /// Best level of one non-continuous dimension, the others fixed.
    private func searchLevels(_ start: [Double], _ startValue: Double, dim i: Int) -> ([Double], Double) {
        var x = start
        var v = startValue
        let levels = encoding.levels(i)
        var current = encoding.level(of: x[i], in: i)
        let isCategorical: Bool = if case .categorical = encoding.dimensions[i].kind { true } else { false }
        if isCategorical || levels <= exhaustiveLevels {
            for k in 0..<levels where k != current {
                var trial = x
                trial[i] = encoding.coordinate(level: k, of: i)
                let tv = value(trial)
                if tv > v {
                    x = trial
                    v = tv
                }
            }
            return (x, v)
        }
        while true {
            var bestMove: (Int, [Double], Double)?
            var step = 1
            while step < levels {
                for k in [current - step, current + step] where k >= 0 && k < levels {
                    var trial = x
                    trial[i] = encoding.coordinate(level: k, of: i)
                    let tv = value(trial)
                    if tv > (bestMove?.2 ?? v) { bestMove = (k, trial, tv) }
                }
                if step > levels / 2 { break }
                step *= 2
            }
            guard let move = bestMove else { break }
            current = move.0
            x = move.1
            v = move.2
        }
        return (x, v)
    }
}
