import Foundation
import TuneCore

/// `tune-bench search`: tune's search strategies on the synthetic problems of shared/bench, beside
/// the peers' results (shared/bench/results/<problem>.json, from run_peers.py).
///
///     tune-bench search [--strategy random|bayes|all] [--seeds N] [--problems a,b] [--out DIR] [--bench-dir DIR]
///         In process: for each problem, strategy and seed 0..<S (S = the peers' seed count:
///         20, and 10 for hartmann6 at N=100), N sequential trials of propose(count: 1) →
///         evaluate the Swift port of the problem → a succeeded observation. Prints each problem's
///         table in SUMMARY.md's shape with the peers' rows, then one summary table of median
///         simple regrets. --out DIR writes DIR/<strategy>/<config stem>.json for compare_tune.py.
///     tune-bench search --overhead [--strategy …]
///         One propose() on hartmann6 with n = 100, 300, 1000 random observations in the history.
///     tune-bench search --cli [--strategy …] [--seeds N] [--out DIR] [--bench-dir DIR]
///         End to end: the `tune` built beside tune-bench on configs/branin.yml with
///         `python3 trials/branin.py` (SearchCLI.swift).
///
/// `bayes` is the config's default algorithm (ALGORITHM_UNSPECIFIED) through
/// `TuningSpec.makeStrategy`; while tune has no Bayesian strategy that is random search, and the
/// note makeStrategy gives is printed.
enum SearchBenchmark {
    enum Choice: String, CaseIterable, Sendable {
        case random, bayes

        var label: String { "tune \(rawValue)" }
        var algorithm: Algorithm { self == .random ? .random : .unspecified }
    }

    struct Options {
        var strategies: [Choice] = Choice.allCases
        var seeds: Int?
        var out: String?
        var overhead = false
        var cli = false
        var ml = false
        /// shared/bench, relative to the current directory (the repository root).
        var benchDir = "../shared/bench"
        var problems: [String]?

        var resultsDir: String { benchDir + "/results" }
    }

    static let usage = """
        usage: tune-bench search [--strategy random|bayes|all] [--seeds N] [--problems a,b] [--out DIR] [--bench-dir DIR]
               tune-bench search --overhead [--strategy random|bayes|all]
               tune-bench search --cli [--strategy random|bayes|all] [--seeds N] [--out DIR] [--bench-dir DIR]
               tune-bench search --ml [--strategy random|bayes|all] [--seeds N] [--problems svc_digits,gbm_cancer] [--bench-dir DIR]
        """

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var words = BenchArguments(arguments, usage: usage)
        while let name = words.next() {
            func value() throws -> String { try words.value() }
            switch name {
            case "--strategy":
                let v = try value()
                if v == "all" {
                    options.strategies = Choice.allCases
                } else if let choice = Choice(rawValue: v) {
                    options.strategies = [choice]
                } else {
                    throw BenchError("--strategy \(v): expected random, bayes or all\n\(usage)")
                }
            case "--seeds":
                let v = try value()
                guard let n = Int(v), n > 0 else { throw BenchError("--seeds \(v): expected a positive count\n\(usage)") }
                options.seeds = n
            case "--out": options.out = try value()
            case "--bench-dir": options.benchDir = try value()
            case "--problems":
                let names = try value().split(separator: ",").map(String.init)
                let known = Set(BenchProblems.all.flatMap { [$0.name, $0.stem] } + SearchML.problems)
                if let bad = names.first(where: { !known.contains($0) }) {
                    throw BenchError("--problems: unknown problem '\(bad)'; known: \(BenchProblems.all.map(\.stem).joined(separator: ", "))")
                }
                options.problems = names
            case "--overhead": options.overhead = true
            case "--cli": options.cli = true
            case "--ml": options.ml = true
            case "-h", "--help":
                print(usage)
                exit(0)
            default:
                throw BenchError("unknown argument '\(name)'\n\(usage)")
            }
        }
        return options
    }

    static func main(_ arguments: [String]) throws {
        let options = try parse(arguments)
        #if DEBUG
        print("note: debug build — build with -c release for meaningful timings")
        #endif
        if options.overhead {
            try runOverhead(options)
        } else if options.cli {
            try SearchCLI.run(options)
        } else if options.ml {
            try SearchML.run(options)
        } else {
            try runInProcess(options)
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// The problem's spec with the strategy's algorithm and the seed.
    static func makeSpec(_ problem: BenchProblem, _ choice: Choice, seed: Int) -> TuningSpec {
        var spec = problem.spec
        spec.algorithm = choice.algorithm
        spec.seed = UInt64(seed)
        return spec
    }

    /// One in-process run: `budget` sequential trials, trial ids 1…N as `tune run` numbers them
    /// (so a random run here proposes the same points as `tune run` with the same seed).
    static func runOnce(_ problem: BenchProblem, _ choice: Choice, seed: Int) throws -> (run: RunRecord, note: String?) {
        let (strategy, note) = makeSpec(problem, choice, seed: seed).makeStrategy(seed: UInt64(seed))
        let clock = ContinuousClock()
        let start = clock.now
        var history: [TrialObservation] = []
        history.reserveCapacity(problem.budget)
        var values: [Double] = []
        var proposeSeconds: [Double] = []
        for id in 1...problem.budget {
            let t0 = clock.now
            let proposals = strategy.propose(count: 1, firstTrialId: id, history: history)
            proposeSeconds.append(seconds(clock.now - t0))
            guard let point = proposals.first else {
                throw BenchError("\(choice.label) proposed nothing for trial \(id) of \(problem.label), seed \(seed)")
            }
            let value = problem.evaluate(point)
            values.append(value)
            history.append(TrialObservation(trialId: id, assignment: point, state: .succeeded, objective: value))
        }
        return (RunRecord(seed: seed, values: values, optSecondsPerTrial: proposeSeconds, wallSeconds: seconds(clock.now - start)), note)
    }

    /// compare_tune.py's input: a JSON list, one entry per seed.
    static func write(_ runs: [RunRecord], to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let data = try JSONSerialization.data(withJSONObject: runs.map(\.json), options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }

    // MARK: in process

    static func runInProcess(_ options: Options) throws {
        print("self-check: the Swift ports against problems.py")
        for line in try BenchProblems.selfCheck() { print("  " + line) }
        print("")

        let problems = BenchProblems.all.filter { p in options.problems.map { $0.contains(p.name) || $0.contains(p.stem) } ?? true }
        var notes: [String] = []
        var summary: [(problem: BenchProblem, peers: [String: SummaryRow], tune: [Choice: SummaryRow])] = []
        var sanity: [String] = []
        let peersFound = FileManager.default.fileExists(atPath: options.resultsDir)
        if !peersFound { print("note: no peer results at \(options.resultsDir) (--bench-dir): printing tune's rows alone\n") }

        for problem in problems {
            let seeds = options.seeds ?? problem.seeds
            let peerFile = try PeerFile.load(resultsDirectory: options.resultsDir, problem: problem.name)
            let peerRows = peerFile?.summary.filter { $0.budget == problem.budget } ?? []
            var tuneRows: [Choice: SummaryRow] = [:]
            var lines: [String] = []
            for choice in options.strategies {
                let clock = ContinuousClock()
                let start = clock.now
                var runs: [RunRecord] = []
                for seed in 0..<seeds {
                    let (run, note) = try runOnce(problem, choice, seed: seed)
                    runs.append(run)
                    if let note, !notes.contains("\(choice.label): \(note)") { notes.append("\(choice.label): \(note)") }
                }
                let elapsed = seconds(clock.now - start)
                let row = Stats.summarize(peer: choice.label, budget: problem.budget, runs: runs, optimum: problem.optimum)
                tuneRows[choice] = row
                if let out = options.out {
                    try write(runs, to: "\(out)/\(choice.rawValue)/\(problem.stem).json")
                }
                var line = "- \(choice.label): \(seeds) seeds in \(PeerTable.fmt(elapsed, 3)) s"
                if !peerRows.isEmpty {
                    let rank = (peerRows.map(\.final_median) + [row.final_median]).sorted().firstIndex(of: row.final_median)! + 1
                    line += "; rank \(rank) of \(peerRows.count + 1) by median final best"
                }
                if choice == .random, let peerFile {
                    let peer = peerFile.finalRegrets(peer: "random", budget: problem.budget)
                    let mine = runs.map { $0.bestSoFar[problem.budget - 1] - problem.optimum }
                    if let p = Stats.mannWhitneyP(mine, peer) {
                        let verdict = p < 0.05 ? "DIFFERENT at 5%" : "no significant difference"
                        line += "; vs the peers' random (final regret, \(mine.count) vs \(peer.count) seeds): Mann–Whitney p = \(String(format: "%.2f", p)), \(verdict)"
                        sanity.append("\(problem.label) p = \(String(format: "%.2f", p))")
                    }
                }
                lines.append(line)
            }
            print("### \(problem.label) (optimum \(problem.optimum)), N = \(problem.budget)")
            print("")
            print(PeerTable.header)
            for row in peerRows { print(PeerTable.row(problem.name, row)) }
            for choice in options.strategies { print(PeerTable.row(problem.name, tuneRows[choice]!, label: "**\(choice.label)**")) }
            print("")
            for line in lines { print(line) }
            print("")
            summary.append((problem, Dictionary(uniqueKeysWithValues: peerRows.map { ($0.peer, $0) }), tuneRows))
            fflush(nil)  // all streams; a model-based strategy can take minutes per problem: show each table as it is done
        }

        printSummary(summary, strategies: options.strategies)
        if !sanity.isEmpty {
            print("")
            print("tune random vs the peers' random, Mann–Whitney U on final regret: " + sanity.joined(separator: ", "))
        }
        for note in notes { print("note: " + note) }
        if let out = options.out {
            print("")
            print("wrote \(options.strategies.map { "\(out)/\($0.rawValue)/" }.joined(separator: ", ")); compare with:")
            for choice in options.strategies {
                print("  python3 \(options.benchDir)/compare_tune.py \(out)/\(choice.rawValue) --label \(choice.label.replacingOccurrences(of: " ", with: "-"))")
            }
        }
    }

    static func printSummary(_ summary: [(problem: BenchProblem, peers: [String: SummaryRow], tune: [Choice: SummaryRow])], strategies: [Choice]) {
        let titles = PeerTable.peers.map(\.title) + strategies.map(\.label)
        print("## Median simple regret after N trials (* = lowest in the row)")
        print("")
        print("| problem | " + titles.joined(separator: " | ") + " |")
        print("|---|" + String(repeating: "---|", count: titles.count))
        for (problem, peers, tune) in summary {
            let values: [Double?] = PeerTable.peers.map { peers[$0.key]?.regret_median } + strategies.map { tune[$0]?.regret_median }
            let lowest = values.compactMap { $0 }.min()
            let cells = values.map { v -> String in
                guard let v else { return "-" }
                return PeerTable.fmt(v) + (v == lowest ? " *" : "")
            }
            print("| \(problem.label) | " + cells.joined(separator: " | ") + " |")
        }
    }

    // MARK: suggestion overhead

    struct OverheadFile: Decodable {
        struct Case: Decodable {
            var sampler: String
            var n: Int
            var suggest_seconds: [Double]?
        }
        var cases: [Case]
    }

    static func runOverhead(_ options: Options) throws {
        let problem = BenchProblems.hartmann6(budget: 50, seeds: 1)
        let sizes = [100, 300, 1000]
        // The peers' warm figure: median of the suggestions after the first (SUMMARY.md's column).
        var peers: [String: [Int: Double]] = ["optuna_gp": [100: 0.06, 300: 0.25, 1000: 3.5]]
        if let data = FileManager.default.contents(atPath: options.resultsDir + "/overhead_scaling.json"),
           let file = try? JSONDecoder().decode(OverheadFile.self, from: data) {
            for c in file.cases {
                guard let secs = c.suggest_seconds, secs.count > 1 else { continue }
                peers[c.sampler, default: [:]][c.n] = Stats.median(Array(secs.dropFirst()))
            }
        }
        print("suggestion overhead: one propose(count: 1) on hartmann6 with n random observations in the history")
        print("(first call in this process, then the best of 3 more; peers: median of their warm suggestions, results/overhead_scaling.json)")
        print("")
        print("| strategy | n observed | first propose s | warm propose s (best of 3) | Optuna GP warm s | skopt GP warm s | Optuna TPE warm s |")
        print("|---|---|---|---|---|---|---|")
        let clock = ContinuousClock()
        var notes: [String] = []
        for choice in options.strategies {
            for n in sizes {
                var spec = makeSpec(problem, choice, seed: 0)
                spec.maxTrials = n + 1
                let (strategy, note) = spec.makeStrategy(seed: 0)
                if let note, !notes.contains("\(choice.label): \(note)") { notes.append("\(choice.label): \(note)") }
                var rng = SeededGenerator(seed: 20_251_122, stream: UInt64(n))
                let history = (1...n).map { id -> TrialObservation in
                    let x = (0..<6).map { _ in rng.nextUnit() }
                    return TrialObservation(trialId: id, assignment: problem.assignment(BenchProblems.point(x)), state: .succeeded,
                                            objective: BenchProblems.hartmann6(x))
                }
                func timed() -> Double {
                    let t0 = clock.now
                    let proposals = strategy.propose(count: 1, firstTrialId: n + 1, history: history)
                    let dt = seconds(clock.now - t0)
                    precondition(proposals.count == 1, "\(choice.label) proposed \(proposals.count) points")
                    return dt
                }
                let first = timed()
                // The peers' cases were cut at 180 s; skip the repetitions when one call already takes a third of it.
                let warm = first > 60 ? nil : (0..<3).map { _ in timed() }.min()
                let peerCells = ["optuna_gp", "skopt_gp", "optuna_tpe"].map { PeerTable.fmt(peers[$0]?[n], 3) }
                print("| \(choice.label) | \(n) | \(PeerTable.fmt(first, 3)) | \(warm.map { PeerTable.fmt($0, 3) } ?? "skipped (first call > 60 s)") | "
                      + peerCells.joined(separator: " | ") + " |")
            }
        }
        for note in notes { print("note: " + note) }
    }
}
