/// Pareto dominance between objective vectors, each objective with its goal.
public enum ParetoDominance {
    /// True when `a` is at least as good as `b` in every objective and better in one. A vector
    /// with a NaN dominates nothing and is dominated by nothing (it cannot be compared).
    public static func dominates(_ a: [Double], _ b: [Double], goals: [Goal]) -> Bool {
        guard a.count == b.count, a.count == goals.count else { return false }
        var better = false
        for i in a.indices {
            if a[i].isNaN || b[i].isNaN { return false }
            if goals[i].isBetter(b[i], than: a[i]) { return false }
            if goals[i].isBetter(a[i], than: b[i]) { better = true }
        }
        return better
    }

    /// Each vector's Pareto rank (Deb et al.'s non-dominated sorting, NSGA-II): 1 for the vectors no
    /// other dominates, 2 for those only rank-1 vectors dominate, and so on. Equal vectors share a
    /// rank. nil for a vector with a NaN or of the wrong length: it is not ranked.
    /// - Complexity: O(n² m) for n vectors of m objectives.
    public static func ranks(_ vectors: [[Double]], goals: [Goal]) -> [Int?] {
        let rankable = vectors.indices.filter { i in vectors[i].count == goals.count && !vectors[i].contains(where: \.isNaN) }
        var dominatedBy = [Int](repeating: 0, count: vectors.count)
        var dominates = [[Int]](repeating: [], count: vectors.count)
        for (p, i) in rankable.enumerated() {
            for j in rankable[(p + 1)...] {
                if Self.dominates(vectors[i], vectors[j], goals: goals) {
                    dominates[i].append(j)
                    dominatedBy[j] += 1
                } else if Self.dominates(vectors[j], vectors[i], goals: goals) {
                    dominates[j].append(i)
                    dominatedBy[i] += 1
                }
            }
        }
        var ranks = [Int?](repeating: nil, count: vectors.count)
        var current = rankable.filter { dominatedBy[$0] == 0 }
        var rank = 1
        while !current.isEmpty {
            var next: [Int] = []
            for i in current {
                ranks[i] = rank
                for j in dominates[i] {
                    dominatedBy[j] -= 1
                    if dominatedBy[j] == 0 { next.append(j) }
                }
            }
            current = next
            rank += 1
        }
        return ranks
    }
}
