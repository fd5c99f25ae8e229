import Foundation
import TuneCore

/// One problem at one P (trials in flight): the peers' figures, tune's rows and, with
/// `--against DIR`, the baseline run's rows read from DIR.
struct SearchCase {
    struct Result {
        var row: SummaryRow
        /// Final simple regret by seed.
        var finals: [Double]
    }

    var problem: BenchProblem
    var parallel: Int
    var peers: PeerFigures
    var tune: [SearchBenchmark.Choice: Result] = [:]
    var baseline: [SearchBenchmark.Choice: Result] = [:]
}

/// The tables and comparisons of `tune-bench search` (in process).
enum SearchReport {
    /// A p-value with two significant figures (0.43, 0.05, 3.1e-04).
    static func p(_ p: Double) -> String {
        p >= 0.01 ? String(format: "%.2f", p) : String(format: "%.1e", p)
    }

    /// "Mann–Whitney p = 0.03, <a> lower" for two samples of final regret; which is lower goes by the medians.
    static func compare(_ a: [Double], _ b: [Double], _ aName: String, _ bName: String) -> String? {
        guard let pValue = Stats.mannWhitneyP(a, b) else { return nil }
        let ma = Stats.median(a)
        let mb = Stats.median(b)
        let lower = ma < mb ? "\(aName) lower" : mb < ma ? "\(bName) lower" : "equal medians"
        return "p = \(p(pValue)), \(lower)"
    }

    /// What follows a strategy's line: its p against the best peer and against the baseline.
    static func comparisons(_ c: SearchCase, _ choice: SearchBenchmark.Choice, againstLabel: String) -> [String] {
        guard let mine = c.tune[choice] else { return [] }
        var parts: [String] = []
        if let best = c.peers.best, let theirs = c.peers.finals[best.peer], let text = compare(mine.finals, theirs, "tune", best.peer) {
            parts.append("vs the best peer, \(best.peer) (median regret \(PeerTable.fmt(best.regret_median)); \(mine.finals.count) vs \(theirs.count) seeds): Mann–Whitney \(text)")
        }
        if let base = c.baseline[choice], let text = compare(mine.finals, base.finals, "now", againstLabel) {
            parts.append(
                "vs \(againstLabel) (median regret \(PeerTable.fmt(base.row.regret_median)) → \(PeerTable.fmt(mine.row.regret_median)); "
                    + "\(mine.finals.count) vs \(base.finals.count) seeds): Mann–Whitney \(text)")
        }
        return parts
    }

    /// The problem's table in SUMMARY.md's shape: the peers' rows, tune's, then the baseline's.
    static func printCase(_ c: SearchCase, strategies: [SearchBenchmark.Choice], againstLabel: String, lines: [String]) {
        print("### \(c.problem.label) (optimum \(c.problem.optimum)), N = \(c.problem.budget), P = \(c.parallel)")
        print("")
        if c.peers.sources.isEmpty {
            print("(no peer figures for P = \(c.parallel): tune's rows alone)")
        } else {
            print("peers: " + c.peers.sources.joined(separator: "; "))
        }
        for note in c.peers.notes { print("note: " + note) }
        print("")
        print(PeerTable.header)
        for row in c.peers.rows { print(PeerTable.row(c.problem.name, row)) }
        for choice in strategies {
            if let r = c.tune[choice] { print(PeerTable.row(c.problem.name, r.row, label: "**\(choice.label)**")) }
        }
        for choice in strategies {
            if let r = c.baseline[choice] { print(PeerTable.row(c.problem.name, r.row, label: "\(choice.label) @\(againstLabel)")) }
        }
        print("")
        for line in lines { print(line) }
        print("")
    }

    /// The peers present in any case, in run_peers.py's order, then any others by name.
    static func peerColumns(_ cases: [SearchCase]) -> [(key: String, title: String)] {
        let present = Set(cases.flatMap { $0.peers.rows.map(\.peer) })
        let known = PeerTable.peers.filter { present.contains($0.key) }
        let others = present.subtracting(PeerTable.peers.map(\.key)).sorted().map { (key: $0, title: $0) }
        return known + others
    }

    static func printSummary(_ cases: [SearchCase], strategies: [SearchBenchmark.Choice], againstLabel: String?) {
        let cases = cases.sorted { a, b in
            let ia = BenchProblems.all.firstIndex { $0.stem == a.problem.stem } ?? 0
            let ib = BenchProblems.all.firstIndex { $0.stem == b.problem.stem } ?? 0
            return (ia, a.parallel) < (ib, b.parallel)
        }
        let peers = peerColumns(cases)
        let titles = peers.map(\.title) + strategies.map(\.label)
        print("## Median simple regret after N trials, P trials in flight (* = lowest in the row)")
        print("")
        print("| problem | P | " + titles.joined(separator: " | ") + " |")
        print("|---|---|" + String(repeating: "---|", count: titles.count))
        for c in cases {
            let byPeer = Dictionary(c.peers.rows.map { ($0.peer, $0) }, uniquingKeysWith: { first, _ in first })
            let values: [Double?] = peers.map { byPeer[$0.key]?.regret_median } + strategies.map { c.tune[$0]?.row.regret_median }
            let lowest = values.compactMap { $0 }.min()
            let cells = values.map { v -> String in
                guard let v else { return "-" }
                return PeerTable.fmt(v) + (v == lowest ? " *" : "")
            }
            print("| \(c.problem.label) | \(c.parallel) | " + cells.joined(separator: " | ") + " |")
        }

        if cases.contains(where: { $0.peers.best != nil }) {
            print("")
            print("## tune vs the best peer of each row (final simple regret; two-sided Mann–Whitney p; lower by median)")
            print("")
            print("| problem | P | best peer: median regret | " + strategies.map { "\($0.label): median, p, lower" }.joined(separator: " | ") + " |")
            print("|---|---|---|" + String(repeating: "---|", count: strategies.count))
            for c in cases {
                guard let best = c.peers.best, let theirs = c.peers.finals[best.peer] else { continue }
                let cells = strategies.map { choice -> String in
                    guard let mine = c.tune[choice] else { return "-" }
                    return PeerTable.fmt(mine.row.regret_median) + ", " + (compare(mine.finals, theirs, "tune", best.peer) ?? "-")
                }
                print("| \(c.problem.label) | \(c.parallel) | \(best.peer): \(PeerTable.fmt(best.regret_median)) | " + cells.joined(separator: " | ") + " |")
            }
        }

        if let label = againstLabel {
            print("")
            print("## tune now vs \(label) (median final simple regret; two-sided Mann–Whitney p; lower by median)")
            print("")
            print("| problem | P | strategy | now | \(label) | p, lower |")
            print("|---|---|---|---|---|---|")
            for c in cases {
                for choice in strategies {
                    guard let mine = c.tune[choice] else { continue }
                    guard let base = c.baseline[choice] else {
                        print("| \(c.problem.label) | \(c.parallel) | \(choice.label) | \(PeerTable.fmt(mine.row.regret_median)) | (no file) | - |")
                        continue
                    }
                    print(
                        "| \(c.problem.label) | \(c.parallel) | \(choice.label) | \(PeerTable.fmt(mine.row.regret_median)) | "
                            + "\(PeerTable.fmt(base.row.regret_median)) | \(compare(mine.finals, base.finals, "now", label) ?? "-") |")
                }
            }
        }
    }
}
