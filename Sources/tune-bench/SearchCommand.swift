import ArgumentParser
import Foundation

/// `tune-bench search`: tune's search strategies beside the peers' results (SearchBenchmark.swift).
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "tune's search strategies on the synthetic problems of shared/bench and on tune's own four, beside the peers' results.",
        usage: """
            tune-bench search [--strategy random|bayes|all] [--seeds N] [--problems a,b] [--parallel 1,4,8]
                              [--out DIR] [--against DIR [--against-label TEXT]] [--bench-dir DIR] [--peers-dir DIR]
            tune-bench search --overhead [--strategy random|bayes|all]
            tune-bench search --cli [--strategy random|bayes|all] [--seeds N] [--out DIR] [--bench-dir DIR]
            tune-bench search --ml [--strategy random|bayes|all] [--seeds N] [--problems svc_digits,gbm_cancer] [--bench-dir DIR]
            """,
        discussion: """
            In process: for each P of --parallel, each problem, strategy and seed, N trials with P in flight; \
            prints each (problem, P) table with the peers' rows (<bench-dir>/results/<problem>.json for P = 1 on \
            the shared problems, <peers-dir>/<stem>_P<P>.json), then summary tables of median simple regret and \
            of tune against the best peer of each row (Mann–Whitney p on final regret).
            zdt1, zdt2, dtlz2 (several objectives: hypervolume after N trials), gardner and gardner2 (a safety \
            metric: the best safe value) come last, with their own tables (FrontBenchmark.swift).
            --overhead: one propose() on hartmann6 with n = 100, 300, 1000 random observations in the history, \
            and on embedded20 with n = 200.
            --cli: end to end, the tune built beside tune-bench on configs/branin.yml with `python3 trials/branin.py`.
            --ml: the scikit-learn problems end to end (SearchML.swift).
            bayes is the config's default algorithm (ALGORITHM_UNSPECIFIED): tune's Bayesian strategy.
            """
    )

    /// `--strategy`: one of tune's strategies, or both.
    enum Strategy: String, CaseIterable, ExpressibleByArgument {
        case random, bayes, all

        var choices: [SearchBenchmark.Choice] { SearchBenchmark.Choice(rawValue: rawValue).map { [$0] } ?? SearchBenchmark.Choice.allCases }
    }

    @Option(help: "The strategies to run.")
    var strategy: Strategy = .all

    @Option(
        help: ArgumentHelp(
            "Seeds per problem (default: the peers' count: 20 for the shared problems, 10 for hartmann6 at N = 100 and tune's four; --cli 3, --ml 5).", valueName: "N"))
    var seeds: Int?

    @Option(help: ArgumentHelp("The problems to run (names or stems; default: all; --ml: svc_digits,gbm_cancer).", valueName: "a,b"))
    var problems: CommaList<String>?

    @Option(help: ArgumentHelp("Trials in flight, one pass over the problems each.", valueName: "1,4,8"))
    var parallel = CommaList([1])

    @Option(help: ArgumentHelp("Write DIR/<strategy>/<stem>.json for P = 1 (compare_tune.py reads it) and DIR/<strategy>/<stem>_P<P>.json for P > 1.", valueName: "DIR"))
    var out: String?

    @Option(
        help: ArgumentHelp(
            "Another run's --out directory (a baseline build of tune): its rows beside tune's, with the Mann–Whitney p of final regret, now vs baseline.", valueName: "DIR"))
    var against: String?

    @Option(help: ArgumentHelp("The --against run's name in the tables (default: DIR's last component).", valueName: "TEXT"))
    var againstLabel: String?

    @Option(help: ArgumentHelp("shared/bench, relative to the current directory (the repository root).", valueName: "DIR"))
    var benchDir = SearchBenchmark.Options().benchDir

    @Option(help: ArgumentHelp("The peers' figures for tune's problems and for P > 1, relative to the repository root.", valueName: "DIR"))
    var peersDir = SearchBenchmark.Options().peersDir

    @Flag(help: "Time one propose() with n random observations in the history.")
    var overhead = false

    @Flag(help: "branin end to end through the tune built beside tune-bench (SearchCLI.swift).")
    var cli = false

    @Flag(help: "The scikit-learn problems end to end through tune (SearchML.swift).")
    var ml = false

    func validate() throws {
        if let seeds, seeds <= 0 { throw ValidationError("--seeds \(seeds): expected a positive count") }
        if parallel.items.contains(where: { $0 <= 0 }) {
            throw ValidationError("--parallel \(parallel.defaultValueDescription): expected positive counts separated by commas (1,4,8)")
        }
        if let names = problems?.items {
            let known = Set(BenchProblems.all.flatMap { [$0.name, $0.stem] } + FrontProblems.all.map(\.name) + SearchML.problems)
            if let bad = names.first(where: { !known.contains($0) }) {
                throw ValidationError(
                    "--problems: unknown problem '\(bad)'; known: \((BenchProblems.all.map(\.stem) + FrontProblems.all.map(\.name)).joined(separator: ", "))")
            }
        }
        if againstLabel != nil && against == nil { throw ValidationError("--against-label needs --against DIR") }
    }

    var options: SearchBenchmark.Options {
        var options = SearchBenchmark.Options()
        options.strategies = strategy.choices
        options.seeds = seeds
        options.out = out
        options.overhead = overhead
        options.cli = cli
        options.ml = ml
        options.benchDir = benchDir
        options.problems = problems?.items
        options.parallel = parallel.items.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        options.peersDir = peersDir
        options.against = against
        options.againstLabel = againstLabel
        return options
    }

    func run() throws {
        try SearchBenchmark.run(options)
    }
}
