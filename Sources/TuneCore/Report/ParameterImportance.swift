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
///
/// A group's mean rank from one or two trials is mostly noise (with one trial per group η² is 1
/// whatever the objective, and ε² cannot correct it), so a parameter whose median group holds
/// fewer than `minimumGroupSize` trials gets no share: it is marked as having too few trials
/// (`hasEnoughTrials` false) and left out of the normalization, rather than shown with a
/// confident number. With numbers cut into 10 bins that means about 30 succeeded trials.
public struct ParameterImportance: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var parameter: String
        /// Raw correlation ratio, 0…1.
        public var etaSquared: Double
        /// The normalized bias-adjusted share (sums to 1 over the parameters, unless all are 0).
        public var share: Double
        /// How many groups the trials fell into.
        public var groups: Int
        /// The median number of trials in a group (0 when there are none).
        public var medianGroupSize: Double = 0

        /// At least 2 groups, and the median one holds at least `minimumGroupSize` trials.
        public var hasEnoughTrials: Bool { groups >= 2 && medianGroupSize >= Double(ParameterImportance.minimumGroupSize) }
    }

    public var entries: [Entry]
    public var trials: Int

    public static let maxBins = 10
    /// The fewest trials the median group of a parameter must hold for its share to be estimated.
    public static let minimumGroupSize = 3

    /// Whether any parameter has enough trials per group to be given a share.
    public var isMeaningful: Bool { entries.contains(where: \.hasEnoughTrials) }

    /// `values[i][p]` is trial i's value of parameter p as a sortable key (a number, or a category
    /// index), nil when the trial lacks it; `objectives[i]` its objective.
    public init(parameters: [String], values: [[Double?]], objectives: [Double]) {
        trials = objectives.count
        let ranks = Self.ranks(objectives)
        var raw: [(eta: Double, epsilon: Double, groups: Int)] = []
        var medians: [Double] = []
        for p in parameters.indices {
            let present = values.indices.filter { values[$0][p] != nil }
            let keys = present.map { values[$0][p]! }
            let groups = Self.groups(keys)
            raw.append(Self.correlationRatio(ranks: present.map { ranks[$0] }, groups: groups))
            medians.append(Self.medianGroupSize(groups))
        }
        var entries = parameters.indices.map { p in
            Entry(parameter: parameters[p], etaSquared: raw[p].eta, share: 0, groups: raw[p].groups, medianGroupSize: medians[p])
        }
        let total = entries.indices.filter { entries[$0].hasEnoughTrials }.reduce(0) { $0 + raw[$1].epsilon }
        for p in entries.indices where entries[p].hasEnoughTrials && total > 0 {
            entries[p].share = raw[p].epsilon / total
        }
        self.entries = entries
    }

    /// The median size of the groups in `groups` (a group index per trial).
    static func medianGroupSize(_ groups: [Int]) -> Double {
        var counts: [Int: Int] = [:]
        for g in groups { counts[g, default: 0] += 1 }
        let sizes = counts.values.sorted()
        guard !sizes.isEmpty else { return 0 }
        let middle = sizes.count / 2
        return sizes.count % 2 == 1 ? Double(sizes[middle]) : Double(sizes[middle - 1] + sizes[middle]) / 2
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
