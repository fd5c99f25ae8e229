import Foundation
import TuneCore

/// `tune-bench search --problems zdt1,zdt2,dtlz2,gardner,gardner2`: tune's strategies on the problems with
/// several objectives or a safety metric (FrontProblems.swift), beside the peers of
/// Peers/results/<problem>_P1.json (run_peers_multiobjective.py).
///
/// Each run is `spec.makeStrategy(seed:)` fed full observations: `objective` (the first
/// objective), `objectives` (all of them, several objectives only) and `safetyValues` (with a
/// safety metric), as JobRecord.observations gives them to `tune run`; P trials in flight as
/// ParallelTrials does. A run's record holds its score after each trial (FrontProblem.scores),
/// so regret is the hypervolume gap to the true front, or f − f* of the best safe trial.
/// Before the tables, the peers' files are checked: TuneCore's Hypervolume (FrontProblem.scores)
/// on each peer run's objective vectors must give the score the peer's script computed.
enum FrontBenchmark {
    typealias Outcome = (objectives: [Double], safety: [Double])

    /// One problem at one P: tune's rows and the peers'; feasible-trial counts for a safety metric.
    struct Case {
        var problem: FrontProblem
        var search: SearchCase
        var feasible: [String: [Int]] = [:]
    }

    static func run(_ problems: [FrontProblem], _ options: SearchBenchmark.Options) throws {
        print("self-check: the Swift ports against problems_multiobjective.py")
        for line in try FrontProblems.selfCheck() { print("  " + line) }
        print("")
        var cases: [Case] = []
        var notes: [String] = []
        let againstLabel = options.againstLabel ?? options.against.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "baseline"
        for parallel in options.parallel {
            for problem in problems {
                let seeds = options.seeds ?? problem.seeds
                let bench = problem.bench
                var c = Case(problem: problem, search: SearchCase(problem: bench, parallel: parallel, peers: try PeerFigures.load(bench, parallel: parallel, options: options)))
                let peerPath = options.peersDir + "/\(problem.name)_P\(parallel).json"
                if let check = try checkPeers(problem, path: peerPath, into: &c) { c.search.peers.notes.append(check) }
                var lines: [String] = []
                for choice in options.strategies {
                    let clock = ContinuousClock()
                    let start = clock.now
                    var runs: [RunRecord] = []
                    var feasible: [Int] = []
                    for seed in 0..<seeds {
                        let spec = SearchBenchmark.makeSpec(bench, choice, seed: seed)
                        let (strategy, note) = spec.makeStrategy(seed: UInt64(seed))
                        if let note, !notes.contains("\(choice.label): \(note)") { notes.append("\(choice.label): \(note)") }
                        let (run, outcomes) = try runOnce(problem, strategy: strategy, parallel: parallel, label: choice.label, seed: seed)
                        runs.append(run)
                        feasible.append(outcomes.filter { problem.isSafe($0.safety) }.count)
                    }
                    let elapsed = SearchBenchmark.seconds(clock.now - start)
                    let finals = runs.map { $0.bestSoFar[problem.budget - 1] - problem.optimum }
                    let row = Stats.summarize(peer: choice.label, budget: problem.budget, runs: runs, optimum: problem.optimum)
                    c.search.tune[choice] = SearchCase.Result(row: row, finals: finals)
                    c.feasible[choice.label] = feasible
                    if let out = options.out {
                        try TuneResultFile.write(runs, parallel: parallel, to: TuneResultFile.path(out, choice, bench, parallel: parallel))
                    }
                    if let against = options.against {
                        let path = TuneResultFile.path(against, choice, bench, parallel: parallel)
                        if let base = try TuneResultFile.read(path, budget: problem.budget) {
                            let baseRow = Stats.summarize(peer: "\(choice.label) @\(againstLabel)", budget: problem.budget, runs: base, optimum: problem.optimum)
                            c.search.baseline[choice] = SearchCase.Result(row: baseRow, finals: base.map { $0.bestSoFar[problem.budget - 1] - problem.optimum })
                        } else {
                            notes.append("no \(path) (--against): \(choice.label) on \(problem.name) at P = \(parallel) has no baseline")
                        }
                    }
                    var line = "- \(choice.label): \(seeds) seeds in \(PeerTable.fmt(elapsed, 3)) s"
                    if let best = c.search.peers.best, let theirs = c.search.peers.finals[best.peer],
                        let text = SearchReport.compare(finals, theirs, "tune", best.peer)
                    {
                        line +=
                            "; vs the best peer, \(best.peer) (median \(regretName(problem)) \(PeerTable.fmt(best.regret_median)); \(finals.count) vs \(theirs.count) seeds): Mann–Whitney \(text)"
                    }
                    if choice == .random, let peer = c.search.peers.finals["random"], let p = Stats.mannWhitneyP(finals, peer) {
                        line +=
                            "; vs the peers' random (\(finals.count) vs \(peer.count) seeds): Mann–Whitney p = \(SearchReport.p(p)), "
                            + (p < 0.05 ? "DIFFERENT at 5%" : "no significant difference")
                    }
                    if let base = c.search.baseline[choice], let text = SearchReport.compare(finals, base.finals, "now", againstLabel) {
                        line += "; vs \(againstLabel) (median \(PeerTable.fmt(base.row.regret_median)) → \(PeerTable.fmt(row.regret_median))): Mann–Whitney \(text)"
                    }
                    lines.append(line)
                }
                printCase(c, strategies: options.strategies, againstLabel: againstLabel, lines: lines)
                cases.append(c)
                fflush(nil)
            }
        }
        printSummary(cases, strategies: options.strategies)
        for note in notes { print("note: " + note) }
        if let out = options.out {
            print("")
            print("wrote \(options.strategies.map { "\(out)/\($0.rawValue)/" }.joined(separator: ", ")) (<problem>.json for P = 1, <problem>_P<P>.json beside)")
        }
    }

    /// One run: as ParallelTrials.run, with every objective and safety value in the history.
    static func runOnce(_ problem: FrontProblem, strategy: any SearchStrategy, parallel: Int, label: String, seed: Int) throws -> (RunRecord, [Outcome]) {
        var outcomes = [Outcome](repeating: ([], []), count: problem.budget)
        let timing = try ParallelTrials.schedule(
            budget: problem.budget, strategy: strategy, parallel: parallel,
            describe: "\(label) proposed nothing for trial %d of \(problem.name), seed \(seed), \(parallel) in flight"
        ) { id, trial in
            let outcome = problem.evaluate(trial.assignment)
            outcomes[id - 1] = outcome
            trial.objective = outcome.objectives[0]
            if problem.spec.isMultiObjective { trial.objectives = outcome.objectives }
            if !problem.spec.safety.isEmpty { trial.safetyValues = outcome.safety.map { Optional($0) } }
        }
        let run = RunRecord(seed: seed, values: problem.scores(outcomes), optSecondsPerTrial: timing.proposeSeconds, wallSeconds: timing.wallSeconds)
        return (run, outcomes)
    }

    // MARK: the peers' file

    struct PeerOutcomes: Decodable {
        struct Run: Decodable {
            var peer: String
            var seed: Int
            var budget: Int
            var best_so_far: [Double]
            var objectives: [[Double]]?
            var constraints: [[Double]]?
        }
        var runs: [Run]?
    }

    /// Recomputes each peer run's scores from its objective vectors (and constraint values) with
    /// FrontProblem.scores (TuneCore's Hypervolume) and compares them with the script's; records the
    /// runs' feasible-trial counts. A line for the table's notes; throws on a mismatch.
    static func checkPeers(_ problem: FrontProblem, path: String, into c: inout Case) throws -> String? {
        guard let data = FileManager.default.contents(atPath: path),
            let file = try? JSONDecoder().decode(PeerOutcomes.self, from: data), let runs = file.runs
        else { return nil }
        var worst = 0.0
        var checked = 0
        for run in runs where run.budget == problem.budget {
            guard let objectives = run.objectives, objectives.count == run.best_so_far.count else { continue }
            let safety = run.constraints ?? objectives.map { _ in [] }
            let outcomes = zip(objectives, safety).map { Outcome($0, $1) }
            let mine = problem.scores(outcomes)
            for (a, b) in zip(mine, run.best_so_far) {
                let error = abs(a - b) / max(1, abs(b))
                guard error <= 1e-9 else {
                    throw BenchError("\(path): \(run.peer) seed \(run.seed): the script's score \(b), tune's from the same objective vectors \(a)")
                }
                worst = max(worst, error)
            }
            checked += 1
            c.feasible[run.peer, default: []].append(outcomes.filter { problem.isSafe($0.safety) }.count)
        }
        guard checked > 0 else { return nil }
        let what = problem.isMultiObjective ? "TuneCore's Hypervolume on each run's objective vectors" : "the best safe value of each run's trials"
        return "check: \(what) gives the script's score after every trial in all \(checked) peer runs (max rel. diff \(String(format: "%.1e", worst)))"
    }

    // MARK: tables

    static func regretName(_ problem: FrontProblem) -> String {
        problem.isMultiObjective ? "hypervolume gap" : "regret"
    }

    static func describe(_ problem: FrontProblem) -> String {
        if let reference = problem.reference, let truth = problem.trueHypervolume {
            let goals = problem.spec.objectives.map { $0.goal == .minimize ? "min" : "max" }.joined(separator: ", ")
            return "\(problem.spec.objectives.count) objectives (\(goals)), reference (\(reference.map { PeerTable.fmt($0) }.joined(separator: ", "))), "
                + "hypervolume of the true front \(PeerTable.fmt(truth, 6))"
        }
        let bounds = problem.spec.safety.map(\.boundText).joined(separator: ", ")
        return "minimize \(problem.spec.metricTag) subject to \(bounds); f* = \(PeerTable.fmt(problem.optimumValue)); \(PeerTable.fmt(problem.penalty)) before a safe trial"
    }

    static func printCase(_ c: Case, strategies: [SearchBenchmark.Choice], againstLabel: String, lines: [String]) {
        let problem = c.problem
        let mo = problem.isMultiObjective
        print("### \(problem.name): \(describe(problem)); N = \(problem.budget), P = \(c.search.parallel)")
        print("")
        if c.search.peers.sources.isEmpty {
            print("(no peer figures for P = \(c.search.parallel): tune's rows alone)")
        } else {
            print("peers: " + c.search.peers.sources.joined(separator: "; "))
        }
        for note in c.search.peers.notes { print(note.hasPrefix("check:") ? note : "note: " + note) }
        print("")
        if mo {
            print("| problem | N | strategy | seeds | hypervolume: median [IQR] | hypervolume gap: median [IQR] | gap @N/2 median | opt s/trial (mean) |")
            print("|---|---|---|---|---|---|---|---|")
        } else {
            print(
                "| problem | N | strategy | seeds | best safe f: median [IQR] | regret: median [IQR] | regret @N/2 median | runs with a safe trial | safe trials (median) | opt s/trial (mean) |"
            )
            print("|---|---|---|---|---|---|---|---|---|---|")
        }
        func row(_ r: SummaryRow, _ label: String, feasible: [Int]?) {
            let f =
                mo
                ? "\(PeerTable.fmt(-r.final_median)) [\(PeerTable.fmt(-r.final_q3)), \(PeerTable.fmt(-r.final_q1))]"
                : "\(PeerTable.fmt(r.final_median)) [\(PeerTable.fmt(r.final_q1)), \(PeerTable.fmt(r.final_q3))]"
            var line =
                "| \(problem.name) | \(r.budget) | \(label) | \(r.n_seeds) | \(f) | \(PeerTable.fmt(r.regret_median)) [\(PeerTable.fmt(r.regret_q1)), \(PeerTable.fmt(r.regret_q3))] | \(PeerTable.fmt(r.regret_half_budget_median)) |"
            if !mo {
                if let feasible, !feasible.isEmpty {
                    line += " \(feasible.filter { $0 > 0 }.count) of \(feasible.count) | \(PeerTable.fmt(Stats.median(feasible.map(Double.init)))) |"
                } else {
                    line += " - | - |"
                }
            }
            print(line + " \(PeerTable.fmt(r.opt_s_per_trial_mean, 3)) |")
        }
        for r in c.search.peers.rows { row(r, r.peer, feasible: c.feasible[r.peer]) }
        for choice in strategies {
            if let r = c.search.tune[choice] { row(r.row, "**\(choice.label)**", feasible: c.feasible[choice.label]) }
        }
        for choice in strategies {
            if let r = c.search.baseline[choice] { row(r.row, "\(choice.label) @\(againstLabel)", feasible: nil) }
        }
        print("")
        for line in lines { print(line) }
        print("")
    }

    /// tune against the best peer of each problem: the medians, the p-value, and whether tune's
    /// median is at least as good (the issue's target).
    static func printSummary(_ cases: [Case], strategies: [SearchBenchmark.Choice]) {
        print("## Several objectives and a safety metric: tune vs the best peer (final hypervolume gap or regret, lower is better; two-sided Mann–Whitney p)")
        print("")
        print(
            "| problem | P | metric | best peer: median | " + strategies.map { "\($0.label): median, p, lower" }.joined(separator: " | ")
                + " | tune bayes at or better than the best peer's median |")
        print("|---|---|---|---|" + String(repeating: "---|", count: strategies.count) + "---|")
        for c in cases {
            let best = c.search.peers.best
            let theirs = best.flatMap { c.search.peers.finals[$0.peer] }
            let cells = strategies.map { choice -> String in
                guard let mine = c.search.tune[choice] else { return "-" }
                let p = theirs.flatMap { SearchReport.compare(mine.finals, $0, "tune", best!.peer) } ?? "-"
                return PeerTable.fmt(mine.row.regret_median) + ", " + p
            }
            var verdict = "-"
            if let best, let b = best.regret_median, let mine = c.search.tune[.bayes]?.row.regret_median {
                verdict = mine <= b ? "yes" : "no"
            }
            print(
                "| \(c.problem.name) | \(c.search.parallel) | \(regretName(c.problem)) | \(best.map { "\($0.peer): \(PeerTable.fmt($0.regret_median))" } ?? "-") | "
                    + cells.joined(separator: " | ") + " | \(verdict) |")
        }
    }
}
