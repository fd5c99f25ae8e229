import Foundation

/// A first-order estimate of how much each parameter matters: the share of the objective's
/// variance that its value alone explains.
///
/// For each parameter, the succeeded trials are grouped by its value — CATEGORICAL and DISCRETE
/// values (and any parameter with few distinct values) one group per value, numbers into up to
/// 10 quantile bins (equal counts, ties kept together, so a log scale changes nothing) — and the
/// correlation ratio η² = SS_between / SS_total of the objective's ranks is computed (ranks, so
/// one diverged trial cannot take all the variance). Because η² grows with the number of groups
/// even for noise, each is adjusted to ε² = (SS_between − (k − 1)·MS_within) / SS_total (clamped
/// at 0), and the ε² are normalized to sum to 1. First-order only: interactions between
/// parameters are not seen.
public struct ParameterImportance: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var parameter: String
        /// Raw correlation ratio, 0…1.
        public var etaSquared: Double
        /// The normalized bias-adjusted share (sums to 1 over the parameters, unless all are 0).
        public var share: Double
        /// How many groups the trials fell into.
        public var groups: Int
    }

    public var entries: [Entry]
    public var trials: Int

    public static let maxBins = 10

    /// `values[i][p]` is trial i's value of parameter p as a sortable key (a number, or a category
    /// index), nil when the trial lacks it; `objectives[i]` its objective.
    public init(parameters: [String], values: [[Double?]], objectives: [Double]) {
        trials = objectives.count
        let ranks = Self.ranks(objectives)
        var raw: [(eta: Double, epsilon: Double, groups: Int)] = []
        for p in parameters.indices {
            let present = values.indices.filter { values[$0][p] != nil }
            let keys = present.map { values[$0][p]! }
            let groups = Self.groups(keys)
            raw.append(Self.correlationRatio(ranks: present.map { ranks[$0] }, groups: groups))
        }
        let total = raw.reduce(0) { $0 + $1.epsilon }
        entries = parameters.indices.map { p in
            Entry(parameter: parameters[p], etaSquared: raw[p].eta,
                  share: total > 0 ? raw[p].epsilon / total : 0, groups: raw[p].groups)
        }
    }

    /// Average ranks (1-based; ties share their mean rank).
    static func ranks(_ xs: [Double]) -> [Double] {
        let order = xs.indices.sorted { xs[$0] < xs[$1] }
        var result = [Double](repeating: 0, count: xs.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && xs[order[end + 1]] == xs[order[start]] { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for k in start...end { result[order[k]] = rank }
            start = end + 1
        }
        return result
    }

    /// Group index per key: one group per distinct value when there are at most `maxBins`, else
    /// quantile bins by rank with equal keys in the same bin.
    static func groups(_ keys: [Double]) -> [Int] {
        let distinct = Array(Set(keys)).sorted()
        if distinct.count <= maxBins {
            let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
            return keys.map { index[$0]! }
        }
        let order = keys.indices.sorted { keys[$0] < keys[$1] }
        var firstRank: [Double: Int] = [:]
        for (rank, i) in order.enumerated() where firstRank[keys[i]] == nil { firstRank[keys[i]] = rank }
        return keys.map { firstRank[$0]! * maxBins / keys.count }
    }

    static func correlationRatio(ranks: [Double], groups: [Int]) -> (eta: Double, epsilon: Double, groups: Int) {
        let n = ranks.count
        guard n >= 3 else { return (0, 0, 0) }
        let mean = ranks.reduce(0, +) / Double(n)
        let total = ranks.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        var sums: [Int: (Double, Int)] = [:]
        for (r, g) in zip(ranks, groups) {
            let s = sums[g, default: (0, 0)]
            sums[g] = (s.0 + r, s.1 + 1)
        }
        let k = sums.count
        guard total > 0, k > 1 else { return (0, 0, k) }
        let between = sums.values.reduce(0) { acc, s in
            let groupMean = s.0 / Double(s.1)
            return acc + Double(s.1) * (groupMean - mean) * (groupMean - mean)
        }
        let within = total - between
        let eta = between / total
        let epsilon = n > k ? (between - Double(k - 1) * within / Double(n - k)) / total : eta
        return (eta, max(0, epsilon), k)
    }
}
