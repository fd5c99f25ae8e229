import ArgumentParser
import Foundation
import TuneCore

/// `tune-bench stoprules`: what the job stop rules (`studyStoppingConfig`) would have saved and
/// cost on the search problems. Each seed runs tune's Bayesian strategy for the problem's whole
/// budget (N trials, as `tune-bench search` does); then, for each rule, the trials are replayed
/// into a `JobRecord` one by one (a second apart, so the rules see a real job) and
/// `JobRecord.studyStop` — the code `tune run` asks — says after which trial the job would have
/// stopped. Reported per rule: the trials run (median, and the share of N saved) and the regret
/// of the best trial at the stop against the regret after all N.
struct StopRulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stoprules",
        abstract: "Trials saved by the job stop rules on the search problems, against the regret they cost (release build)."
    )

    @Option(help: "Seeds per problem.")
    var seeds = 10

    @Option(help: ArgumentHelp("The problems (names or stems; default: the shared and stress problems).", valueName: "a,b"))
    var problems: CommaList<String>?

    func run() throws {
        let all = BenchProblems.shared + BenchProblems.stress
        let chosen =
            try problems.map { list in
                try list.items.map { name in
                    guard let problem = all.first(where: { $0.name == name || $0.stem == name }) else {
                        throw BenchError("no problem \(name): \(all.map(\.stem).joined(separator: ", "))")
                    }
                    return problem
                }
            } ?? all
        try StopRulesBenchmark.run(chosen, seeds: seeds)
    }
}

enum StopRulesBenchmark {
    struct Rule {
        var label: String
        var stopping: StudyStoppingSpec
    }

    static func noProgress(_ n: Int, minImprovement: Double? = nil) -> Rule {
        var rules = StudyStoppingSpec()
        rules.maxTrialsNoProgress = n
        rules.minImprovement = minImprovement
        return Rule(label: "maxNumTrialsNoProgress \(n)", stopping: rules)
    }

    static let rules: [Rule] = [noProgress(5), noProgress(10), noProgress(15), noProgress(20)]

    /// The convergence rule: stop after `patience` trials in a row whose model expected less than
    /// `threshold` (in units of the objective's spread) from one more trial.
    static let convergence: [(threshold: Double, patience: Int)] = [(0.01, 3), (0.003, 3), (0.001, 3)]

    /// One sequential run of the Bayesian strategy, with `expectedImprovementLeft` after each trial.
    static func trace(_ problem: BenchProblem, seed: Int) -> (values: [Double], left: [Double?]) {
        let strategy = SearchBenchmark.makeSpec(problem, .bayes, seed: seed).makeStrategy(seed: UInt64(seed)).strategy
        var history: [TrialObservation] = []
        var values: [Double] = []
        var left: [Double?] = []
        for id in 1...problem.budget {
            guard let point = strategy.propose(count: 1, firstTrialId: id, history: history).first else { break }
            let value = problem.evaluate(point)
            values.append(value)
            history.append(TrialObservation(trialId: id, assignment: point, state: .succeeded, objective: value))
            left.append(strategy.expectedImprovementLeft(history: history))
        }
        return (values, left)
    }

    static func run(_ problems: [BenchProblem], seeds: Int) throws {
        print(
            "| problem | N | rule | seeds | trials run: median [IQR] | saved (median) | regret at the stop: median | regret after N: median | seeds where the stop lost more than 10% of the way to f* |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for problem in problems {
            var runs: [[Double]] = []
            var lefts: [[Double?]] = []
            for seed in 0..<seeds {
                let (values, left) = trace(problem, seed: seed)
                runs.append(values)
                lefts.append(left)
            }
            let full = runs.map { ($0.min() ?? .nan) - problem.optimum }
            var stops: [(label: String, at: [Int])] = rules.map { rule in (rule.label, runs.map { stopIndex($0, rule: rule, problem: problem) }) }
            for (threshold, patience) in convergence {
                let at = lefts.map { left -> Int in
                    var streak = 0
                    for (index, value) in left.enumerated() {
                        streak = value.map { $0 < threshold } == true ? streak + 1 : 0
                        if streak >= patience { return index + 1 }
                    }
                    return left.count
                }
                stops.append(("convergence < \(threshold), \(patience) in a row", at))
            }
            for (label, at) in stops {
                var ran: [Double] = []
                var atStop: [Double] = []
                var worse = 0
                for ((values, fullRegret), stop) in zip(zip(runs, full), at) {
                    ran.append(Double(stop))
                    let regret = (values.prefix(stop).min() ?? .nan) - problem.optimum
                    atStop.append(regret)
                    // Lost more than 10% of the distance between the first trial and f* that the full run covered.
                    let start = values[0] - problem.optimum
                    if regret - fullRegret > 0.1 * max(start - fullRegret, 1e-12) { worse += 1 }
                }
                let q = Stats.quantiles(ran)
                let saved = 1 - q.median / Double(problem.budget)
                print(
                    "| \(problem.stem) | \(problem.budget) | \(label) | \(seeds) | \(PeerTable.fmt(q.median)) [\(PeerTable.fmt(q.q1)), \(PeerTable.fmt(q.q3))] | \(Int((saved * 100).rounded()))% | \(PeerTable.fmt(Stats.median(atStop))) | \(PeerTable.fmt(Stats.median(full))) | \(worse) of \(seeds) |"
                )
            }
        }
    }

    /// The number of trials after which `rule` stops the job (N when it never does).
    static func stopIndex(_ values: [Double], rule: Rule, problem: BenchProblem) -> Int {
        var spec = problem.spec
        spec.goal = .minimize
        spec.metricTag = "y"
        spec.maxTrials = values.count
        spec.studyStopping = rule.stopping
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        var job = JobRecord(
            header: JobHeader(
                id: "stoprules", createTime: start, spec: spec, command: ["bench"], workingDirectory: "/", configPath: "-", configText: "",
                seed: 0, strategy: "bayes"))
        for (index, value) in values.enumerated() {
            let id = index + 1
            let began = start.addingTimeInterval(Double(index))
            let ended = began.addingTimeInterval(1)
            job.apply(.trialCreated(trial: id, parameters: [:], time: began))
            job.apply(.trialStarted(trial: id, pid: 1, time: began))
            job.apply(
                .trialFinished(
                    TrialOutcome(trial: id, state: .succeeded, time: ended, finalMetric: MetricReading(tag: "y", value: value, step: 1, source: .stdout))))
            if job.studyStop(now: ended) != nil { return id }
        }
        return values.count
    }
}
