import Foundation

/// The peers' figures (shared/bench/results/<problem>.json, written by run_peers.py) and the
/// statistics of run_peers.py's `summarize_rows`, `table_header` and `table_row`, ported so that
/// tune's rows are computed and printed exactly as the peers' are.
///
/// Sources/tune-bench/Peers/results/<stem>_P<P>.json (P trials in flight) has the same shape plus
/// "parallel": P, and may be read while it is still being written: every key but the runs' own
/// may be absent.
struct PeerFile: Decodable {
    var problem: String
    var optimum: Double?
    var parallel: Int?
    var summary: [SummaryRow]
    var runs: [PeerRun]

    struct PeerRun: Decodable {
        var peer: String
        var budget: Int
        var seed: Int
        var best_so_far: [Double]
        var opt_seconds_total: Double?
        var opt_seconds_per_trial: [Double]?
        var wall_seconds: Double?
    }

    enum CodingKeys: String, CodingKey { case problem, optimum, parallel, summary, runs }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        problem = try c.decodeIfPresent(String.self, forKey: .problem) ?? ""
        optimum = try c.decodeIfPresent(Double.self, forKey: .optimum)
        parallel = try c.decodeIfPresent(Int.self, forKey: .parallel)
        summary = try c.decodeIfPresent([SummaryRow].self, forKey: .summary) ?? []
        runs = try c.decodeIfPresent([PeerRun].self, forKey: .runs) ?? []
    }

    /// nil when the file is missing; throws when it is there but unreadable.
    static func load(resultsDirectory: String, problem: String) throws -> PeerFile? {
        try load(path: resultsDirectory + "/\(problem).json")
    }

    /// nil when the file is missing; throws when it is there but unreadable.
    static func load(path: String) throws -> PeerFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(PeerFile.self, from: data)
        } catch {
            throw BenchError("cannot read \(path): \(error)")
        }
    }

    /// Final simple regrets of one peer's runs at one budget, by seed.
    func finalRegrets(peer: String, budget: Int) -> [Double] {
        let optimum = optimum ?? 0
        return runs.filter { $0.peer == peer && $0.budget == budget }.compactMap { $0.best_so_far.last.map { $0 - optimum } }
    }
}

/// One row of SUMMARY.md: a peer (or tune strategy) at one budget.
struct SummaryRow: Decodable {
    var peer: String
    var budget: Int
    var n_seeds: Int
    var final_median: Double
    var final_q1: Double
    var final_q3: Double
    var opt_s_per_trial_mean: Double?
    var regret_median: Double?
    var regret_q1: Double?
    var regret_q3: Double?
    var regret_half_budget_median: Double?
}

/// What one run leaves: the objective of every trial in trial order, and tune's own seconds.
struct RunRecord {
    var seed: Int
    var values: [Double]
    /// Seconds tune spent choosing each trial (propose, in process; or wall minus trial time, through the CLI).
    var optSecondsPerTrial: [Double]
    var wallSeconds: Double

    var bestSoFar: [Double] {
        var best = Double.infinity
        return values.map {
            best = min(best, $0)
            return best
        }
    }

    /// One entry of the list compare_tune.py reads.
    var json: [String: Any] {
        [
            "seed": seed, "budget": values.count, "best_so_far": bestSoFar, "values": values,
            "opt_seconds_total": optSecondsPerTrial.reduce(0, +), "opt_seconds_per_trial": optSecondsPerTrial,
            "wall_seconds": wallSeconds,
        ]
    }
}

enum Stats {
    /// Linear-interpolation percentile of sorted values (numpy's default; run_peers.py's `_percentile`).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let n = sorted.count
        if n == 1 { return sorted[0] }
        let pos = Double(n - 1) * q / 100
        let lo = Int(pos.rounded(.down))
        let hi = min(lo + 1, n - 1)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - Double(lo))
    }

    /// (median, q25, q75).
    static func quantiles(_ xs: [Double]) -> (median: Double, q1: Double, q3: Double) {
        let a = xs.sorted()
        return (percentile(a, 50), percentile(a, 25), percentile(a, 75))
    }

    static func median(_ xs: [Double]) -> Double { quantiles(xs).median }

    /// run_peers.py's `summarize_rows` for one peer's runs at one budget.
    static func summarize(peer: String, budget: Int, runs: [RunRecord], optimum: Double) -> SummaryRow {
        let finals = runs.map { $0.bestSoFar[budget - 1] }
        let f = quantiles(finals)
        let r = quantiles(finals.map { $0 - optimum })
        let half = runs.map { $0.bestSoFar[budget / 2 - 1] - optimum }
        let optTotal = runs.reduce(0) { $0 + $1.optSecondsPerTrial.reduce(0, +) }
        return SummaryRow(
            peer: peer, budget: budget, n_seeds: runs.count, final_median: f.median, final_q1: f.q1, final_q3: f.q3,
            opt_s_per_trial_mean: optTotal / Double(budget * runs.count),
            regret_median: r.median, regret_q1: r.q1, regret_q3: r.q3, regret_half_budget_median: median(half))
    }

    /// Two-sided Mann–Whitney U test (normal approximation with tie and continuity corrections,
    /// as scipy.stats.mannwhitneyu's asymptotic method): the p-value that `a` and `b` come from one distribution.
    static func mannWhitneyP(_ a: [Double], _ b: [Double]) -> Double? {
        let n1 = Double(a.count)
        let n2 = Double(b.count)
        guard a.count > 0, b.count > 0 else { return nil }
        let all = (a.map { ($0, 0) } + b.map { ($0, 1) }).sorted { $0.0 < $1.0 }
        var ranks = [Double](repeating: 0, count: all.count)
        var tieTerm = 0.0
        var i = 0
        while i < all.count {
            var j = i
            while j + 1 < all.count, all[j + 1].0 == all[i].0 { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j { ranks[k] = rank }
            let t = Double(j - i + 1)
            tieTerm += t * t * t - t
            i = j + 1
        }
        let r1 = zip(all, ranks).filter { $0.0.1 == 0 }.reduce(0) { $0 + $1.1 }
        let u1 = r1 - n1 * (n1 + 1) / 2
        let mu = n1 * n2 / 2
        let n = n1 + n2
        let sigma = (n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))).squareRoot()
        guard sigma > 0 else { return 1 }
        let z = max(abs(u1 - mu) - 0.5, 0) / sigma
        return min(1, erfc(z / 2.0.squareRoot()))
    }
}

/// run_peers.py's table shapes and number format.
enum PeerTable {
    /// Column titles of the summary table, in run_peers.py's ALL_PEERS order.
    static let peers: [(key: String, title: String)] = [
        ("random", "random"), ("optuna_tpe", "Optuna TPE"), ("optuna_gp", "Optuna GP"), ("skopt_gp", "skopt GP+EI"),
        ("hyperopt_tpe", "Hyperopt"), ("bayes_opt", "bayes_opt"), ("smac_hpo", "SMAC"),
    ]

    /// run_peers.py's `fmt`: `digits` significant digits, scientific below 1e-3 and from 1e4.
    static func fmt(_ x: Double?, _ digits: Int = 4) -> String {
        guard let x, !x.isNaN else { return "-" }
        if x == 0 { return "0" }
        let ax = abs(x)
        if ax >= 1e4 || ax < 1e-3 { return String(format: "%.\(digits - 1)e", x) }
        return String(format: "%.\(digits)g", x)
    }

    static let header = """
        | problem | N | peer | seeds | final best: median [IQR] | simple regret: median [IQR] | regret @N/2 median | opt s/trial (mean) |
        |---|---|---|---|---|---|---|---|
        """

    static func row(_ problem: String, _ r: SummaryRow, label: String? = nil) -> String {
        var line = "| \(problem) | \(r.budget) | \(label ?? r.peer) | \(r.n_seeds) | \(fmt(r.final_median)) [\(fmt(r.final_q1)), \(fmt(r.final_q3))] |"
        if let m = r.regret_median {
            line += " \(fmt(m)) [\(fmt(r.regret_q1)), \(fmt(r.regret_q3))] | \(fmt(r.regret_half_budget_median)) |"
        } else {
            line += " - | - |"
        }
        return line + " \(fmt(r.opt_s_per_trial_mean, 3)) |"
    }
}
