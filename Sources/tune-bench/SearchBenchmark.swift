import Foundation
import TuneCore

/// `tune-bench search`: tune's search strategies on the synthetic problems of shared/bench and on
/// tune's own four (StressProblems.swift), beside the peers' results. Options: SearchCommand.swift.
///
///     tune-bench search [--strategy random|bayes|all] [--seeds N] [--problems a,b] [--parallel 1,4,8]
///                       [--out DIR] [--against DIR [--against-label TEXT]] [--bench-dir DIR] [--peers-dir DIR]
///         In process: for each P of --parallel (default 1), each problem (the shared five, then
///         mixed_linlr, hartmann6_skewed, trainlike, embedded20), strategy and seed 0..<S (S = the
///         peers' seed count: 20 for the shared problems, 10 for hartmann6 at N=100 and tune's
///         four), N trials with P in flight (ParallelTrials.swift; P = 1 is N sequential
///         propose(count: 1) → evaluate the Swift port → a succeeded observation). Prints each
///         (problem, P) table in SUMMARY.md's shape with the peers' rows — shared/bench/results/
///         <problem>.json for P = 1 on the shared problems, and <peers-dir>/<stem>_P<P>.json
///         (default Sources/tune-bench/Peers/results; tune's rows alone where there is none) —
///         then summary tables of median simple regret, and of tune against the best peer of
///         each row (Mann–Whitney p on final regret). Then zdt1, zdt2, dtlz2, gardner, gardner2:
///         several objectives or a safety metric (FrontBenchmark.swift, FrontProblems.swift).
///         --out DIR writes DIR/<strategy>/<stem>.json for P = 1 (compare_tune.py reads it) and
///         DIR/<strategy>/<stem>_P<P>.json for P > 1.
///         --against DIR reads such files written by another run (a baseline build of tune) and
///         prints its rows beside tune's, with the Mann–Whitney p of final regret, now vs
///         baseline; --against-label names it (default: DIR's last component).
///     tune-bench search --overhead [--strategy …]
///         One propose() on hartmann6 with n = 100, 300, 1000 random observations in the history.
///     tune-bench search --cli [--strategy …] [--seeds N] [--out DIR] [--bench-dir DIR]
///         End to end: the `tune` built beside tune-bench on configs/branin.yml with
///         `python3 trials/branin.py` (SearchCLI.swift).
///     tune-bench search --ml [--strategy …] [--seeds N] [--problems svc_digits,gbm_cancer] [--bench-dir DIR]
///         The scikit-learn problems end to end (SearchML.swift).
///
/// `bayes` is the config's default algorithm (ALGORITHM_UNSPECIFIED) through
/// `TuningSpec.makeStrategy`: tune's Bayesian strategy; a note makeStrategy gives is printed.
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
        /// Trials in flight, one pass over the problems each.
        var parallel: [Int] = [1]
        /// The peers' figures for tune's problems and for P > 1, relative to the repository root.
        var peersDir = "Sources/tune-bench/Peers/results"
        /// A directory another run wrote with --out, and its name in the tables.
        var against: String?
        var againstLabel: String?

        var resultsDir: String { benchDir + "/results" }
    }

    /// The benchmark `tune-bench search` chose (SearchCommand.swift).
    static func run(_ options: Options) throws {
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

    /// One in-process run: `budget` trials with `parallel` in flight (ParallelTrials.swift), trial
    /// ids 1…N as `tune run` numbers them (so a random run here proposes the same points as
    /// `tune run` with the same seed and maxParallelTrials).
    static func runOnce(_ problem: BenchProblem, _ choice: Choice, seed: Int, parallel: Int = 1) throws -> (run: RunRecord, note: String?) {
        let (strategy, note) = makeSpec(problem, choice, seed: seed).makeStrategy(seed: UInt64(seed))
        let run = try ParallelTrials.run(problem, strategy: strategy, parallel: parallel, label: choice.label, seed: seed)
        return (run, note)
    }

    // MARK: in process

    static func runInProcess(_ options: Options) throws {
        let fronts = FrontProblems.all.filter { p in options.problems.map { $0.contains(p.name) } ?? true }
        let singles = BenchProblems.all.filter { p in options.problems.map { $0.contains(p.name) || $0.contains(p.stem) } ?? true }
        if singles.isEmpty {
            try FrontBenchmark.run(fronts, options)
            return
        }
        try runSingleObjective(singles, options)
        if !fronts.isEmpty {
            print("")
            try FrontBenchmark.run(fronts, options)
        }
    }

    static func runSingleObjective(_ problems: [BenchProblem], _ options: Options) throws {
        print("self-check: the Swift ports against problems.py and problems_tune.py")
        for line in try BenchProblems.selfCheck() { print("  " + line) }
        print("")

        let againstLabel = options.againstLabel ?? options.against.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "baseline"
        var notes: [String] = []
        var cases: [SearchCase] = []
        var sanity: [String] = []
        if !FileManager.default.fileExists(atPath: options.resultsDir) {
            print("note: no peer results at \(options.resultsDir) (--bench-dir)\n")
        }
        if !FileManager.default.fileExists(atPath: options.peersDir) {
            print("note: no peer results at \(options.peersDir) (--peers-dir)\n")
        }

        for parallel in options.parallel {
            for problem in problems {
                let seeds = options.seeds ?? problem.seeds
                var c = SearchCase(problem: problem, parallel: parallel, peers: try PeerFigures.load(problem, parallel: parallel, options: options))
                var lines: [String] = []
                for choice in options.strategies {
                    let clock = ContinuousClock()
                    let start = clock.now
                    var runs: [RunRecord] = []
                    for seed in 0..<seeds {
                        let (run, note) = try runOnce(problem, choice, seed: seed, parallel: parallel)
                        runs.append(run)
                        if let note, !notes.contains("\(choice.label): \(note)") { notes.append("\(choice.label): \(note)") }
                    }
                    let elapsed = seconds(clock.now - start)
                    let finals = runs.map { $0.bestSoFar[problem.budget - 1] - problem.optimum }
                    let row = Stats.summarize(peer: choice.label, budget: problem.budget, runs: runs, optimum: problem.optimum)
                    c.tune[choice] = SearchCase.Result(row: row, finals: finals)
                    if let out = options.out {
                        try TuneResultFile.write(runs, parallel: parallel, to: TuneResultFile.path(out, choice, problem, parallel: parallel))
                    }
                    if let against = options.against {
                        let path = TuneResultFile.path(against, choice, problem, parallel: parallel)
                        if let base = try TuneResultFile.read(path, budget: problem.budget) {
                            let baseRow = Stats.summarize(peer: "\(choice.label) @\(againstLabel)", budget: problem.budget, runs: base, optimum: problem.optimum)
                            c.baseline[choice] = SearchCase.Result(row: baseRow, finals: base.map { $0.bestSoFar[problem.budget - 1] - problem.optimum })
                        } else {
                            notes.append("no \(path) (--against): \(choice.label) on \(problem.label) at P = \(parallel) has no baseline")
                        }
                    }
                    var line = "- \(choice.label): \(seeds) seeds in \(PeerTable.fmt(elapsed, 3)) s"
                    if !c.peers.rows.isEmpty {
                        let rank = (c.peers.rows.map(\.final_median) + [row.final_median]).sorted().firstIndex(of: row.final_median)! + 1
                        line += "; rank \(rank) of \(c.peers.rows.count + 1) by median final best"
                    }
                    if choice == .random, let peer = c.peers.finals["random"], let p = Stats.mannWhitneyP(finals, peer) {
                        let verdict = p < 0.05 ? "DIFFERENT at 5%" : "no significant difference"
                        line += "; vs the peers' random (final regret, \(finals.count) vs \(peer.count) seeds): Mann–Whitney p = \(String(format: "%.2f", p)), \(verdict)"
                        sanity.append("\(problem.label) P=\(parallel) p = \(String(format: "%.2f", p))")
                    }
                    for part in SearchReport.comparisons(c, choice, againstLabel: againstLabel) { line += "; " + part }
                    lines.append(line)
                }
                SearchReport.printCase(c, strategies: options.strategies, againstLabel: againstLabel, lines: lines)
                cases.append(c)
                fflush(nil)  // all streams; a model-based strategy can take minutes per problem: show each table as it is done
            }
        }

        SearchReport.printSummary(cases, strategies: options.strategies, againstLabel: options.against == nil ? nil : againstLabel)
        if !sanity.isEmpty {
            print("")
            print("tune random vs the peers' random, Mann–Whitney U on final regret: " + sanity.joined(separator: ", "))
        }
        for note in notes { print("note: " + note) }
        if let out = options.out {
            print("")
            print("wrote \(options.strategies.map { "\(out)/\($0.rawValue)/" }.joined(separator: ", ")) (<stem>.json for P = 1, <stem>_P<P>.json beside); P = 1 compares with:")
            for choice in options.strategies {
                print("  python3 \(options.benchDir)/compare_tune.py \(out)/\(choice.rawValue) --label \(choice.label.replacingOccurrences(of: " ", with: "-"))")
            }
        }
    }

    // MARK: suggestion overhead

    struct OverheadFile: Decodable {
        struct Case: Decodable {
            var sampler: String
            var problem: String?
            var n: Int
            var suggest_seconds: [Double]?
        }
        var cases: [Case]
    }

    static func runOverhead(_ options: Options) throws {
        let hartmann = BenchProblems.hartmann6(budget: 50, seeds: 1)
        let cases: [(problem: BenchProblem, n: Int)] = [(hartmann, 100), (hartmann, 300), (hartmann, 1000), (BenchProblems.embedded20, 200)]
        // The peers' warm figure: median of the suggestions after the first (SUMMARY.md's column),
        // by problem and n; the project's own peer run (Peers/results/overhead_P1.json) wins
        // over shared/bench's where both have a case: it was measured beside this tune.
        var peers: [String: [String: Double]] = ["optuna_gp": ["hartmann6/100": 0.06, "hartmann6/300": 0.25, "hartmann6/1000": 3.5]]
        for path in [options.resultsDir + "/overhead_scaling.json", options.peersDir + "/overhead_P1.json"] {
            guard let data = FileManager.default.contents(atPath: path),
                let file = try? JSONDecoder().decode(OverheadFile.self, from: data)
            else { continue }
            for c in file.cases {
                guard let secs = c.suggest_seconds, secs.count > 1 else { continue }
                peers[c.sampler, default: [:]]["\(c.problem ?? "hartmann6")/\(c.n)"] = Stats.median(Array(secs.dropFirst()))
            }
        }
        print("suggestion overhead: one propose(count: 1) with n random observations in the history")
        print("(first call: a fresh strategy, so the kernel is fitted, as for every new trial; warm: the best of 3 more on the same")
        print(" history, which reuse the cached fit; peers: median of their warm suggestions, which warm-start their fit)")
        print("")
        print("| strategy | problem | n observed | first propose s | warm propose s (best of 3) | Optuna GP warm s | skopt GP warm s | Optuna TPE warm s |")
        print("|---|---|---|---|---|---|---|---|")
        let clock = ContinuousClock()
        var notes: [String] = []
        for choice in options.strategies {
            for (problem, n) in cases {
                var spec = makeSpec(problem, choice, seed: 0)
                spec.maxTrials = n + 1
                let (strategy, note) = spec.makeStrategy(seed: 0)
                if let note, !notes.contains("\(choice.label): \(note)") { notes.append("\(choice.label): \(note)") }
                var rng = SeededGenerator(seed: 20_251_122, stream: UInt64(n))
                let history = (1...n).map { id -> TrialObservation in
                    let point = Assignment(problem.spec.params.map { ($0.name, $0.value(atUnit: rng.nextUnit())) })
                    return TrialObservation(trialId: id, assignment: point, state: .succeeded, objective: problem.evaluate(point))
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
                let key = "\(problem.name)/\(n)"
                let peerCells = ["optuna_gp", "skopt_gp", "optuna_tpe"].map { PeerTable.fmt(peers[$0]?[key], 3) }
                print(
                    "| \(choice.label) | \(problem.label) (\(problem.spec.params.count) params) | \(n) | \(PeerTable.fmt(first, 3)) | "
                        + "\(warm.map { PeerTable.fmt($0, 3) } ?? "skipped (first call > 60 s)") | " + peerCells.joined(separator: " | ") + " |")
            }
        }
        for note in notes { print("note: " + note) }
    }
}
