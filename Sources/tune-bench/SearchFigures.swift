import Foundation
import TuneCore

/// The figures `tune-bench search` puts beside tune's rows for one problem and P: the peers'
/// (shared/bench/results/<problem>.json for P = 1 on the shared problems, then
/// Sources/tune-bench/Peers/results/<stem>_P<P>.json, whose peers the first file lacks), each
/// peer's summary row at the problem's budget and its final simple regrets by seed.
struct PeerFigures {
    var rows: [SummaryRow] = []
    var finals: [String: [Double]] = [:]
    /// The files read, for the table's caption.
    var sources: [String] = []
    var notes: [String] = []

    static func load(_ problem: BenchProblem, parallel: Int, options: SearchBenchmark.Options) throws -> PeerFigures {
        var figures = PeerFigures()
        if parallel == 1, BenchProblems.shared.contains(where: { $0.name == problem.name }) {
            let path = options.resultsDir + "/\(problem.name).json"
            if let file = try PeerFile.load(path: path) { figures.add(file, from: path, problem) }
        }
        let path = options.peersDir + "/\(problem.stem)_P\(parallel).json"
        do {
            if let file = try PeerFile.load(path: path) {
                if let p = file.parallel, p != parallel {
                    figures.notes.append("\(path) says \"parallel\": \(p), not \(parallel): not used")
                } else {
                    figures.add(file, from: path, problem)
                }
            }
        } catch {
            // The peers' runner may be writing it right now.
            figures.notes.append("\(path) is there but unreadable (still being written?): not used")
        }
        return figures
    }

    /// The file's peers at the problem's budget that are not here yet: its summary rows, and rows
    /// summarized from the runs of a peer it has no summary row for (a file still being written).
    mutating func add(_ file: PeerFile, from path: String, _ problem: BenchProblem) {
        let budget = problem.budget
        let runs = file.runs.filter { $0.budget == budget && $0.best_so_far.count >= budget }
        var added: [String] = []
        func regrets(_ peer: String) -> [Double] {
            runs.filter { $0.peer == peer }.map { $0.best_so_far[budget - 1] - problem.optimum }
        }
        for row in file.summary where row.budget == budget && finals[row.peer] == nil {
            rows.append(row)
            finals[row.peer] = regrets(row.peer)
            added.append(row.peer)
        }
        for peer in runs.map(\.peer) where finals[peer] == nil {
            let records = runs.filter { $0.peer == peer }.map { run in
                RunRecord(
                    seed: run.seed, values: run.best_so_far,
                    optSecondsPerTrial: run.opt_seconds_per_trial ?? [run.opt_seconds_total ?? .nan],
                    wallSeconds: run.wall_seconds ?? .nan)
            }
            rows.append(Stats.summarize(peer: peer, budget: budget, runs: records, optimum: problem.optimum))
            finals[peer] = regrets(peer)
            added.append(peer)
        }
        if !added.isEmpty { sources.append("\(path) (\(added.joined(separator: ", ")))") }
    }

    /// The peer with the lowest median simple regret.
    var best: SummaryRow? {
        rows.filter { $0.regret_median != nil }.min { $0.regret_median! < $1.regret_median! }
    }
}

/// tune's result files, DIR/<strategy>/<stem>.json (P = 1, the name compare_tune.py reads) or
/// DIR/<strategy>/<stem>_P<P>.json: a JSON list, one entry per seed (RunRecord.json).
enum TuneResultFile {
    static func path(_ dir: String, _ choice: SearchBenchmark.Choice, _ problem: BenchProblem, parallel: Int) -> String {
        "\(dir)/\(choice.rawValue)/\(problem.stem)\(parallel == 1 ? "" : "_P\(parallel)").json"
    }

    static func write(_ runs: [RunRecord], parallel: Int, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let entries = runs.map { run -> [String: Any] in
            var entry = run.json
            entry["parallel"] = parallel
            return entry
        }
        let data = try JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }

    struct Entry: Decodable {
        var seed: Int?
        var best_so_far: [Double]?
        var values: [Double]?
        var opt_seconds_total: Double?
        var opt_seconds_per_trial: [Double]?
        var wall_seconds: Double?
    }

    /// The runs of a file written by `--out` (or by compare_tune.py's contract): nil when there is
    /// no file; throws when it cannot be read or a run is shorter than the budget.
    static func read(_ path: String, budget: Int) throws -> [RunRecord]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let entries: [Entry]
        do {
            entries = try JSONDecoder().decode([Entry].self, from: data)
        } catch {
            throw BenchError("cannot read \(path): \(error)")
        }
        return try entries.enumerated().map { i, e in
            guard let values = e.values ?? e.best_so_far, values.count >= budget else {
                throw BenchError("\(path): entry \(i) has fewer than \(budget) trials")
            }
            let opt = e.opt_seconds_per_trial ?? [e.opt_seconds_total ?? .nan]
            return RunRecord(seed: e.seed ?? i, values: values, optSecondsPerTrial: opt, wallSeconds: e.wall_seconds ?? .nan)
        }
    }
}
