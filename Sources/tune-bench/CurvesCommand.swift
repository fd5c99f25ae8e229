import ArgumentParser

/// `tune-bench curves`: early stopping and Hyperband on learning curves, through the real `tune` (CurvesBenchmark.swift).
struct CurvesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curves",
        abstract: "Early stopping and Hyperband on learning curves, through the tune built beside tune-bench.",
        discussion: """
            For each seed, jobs of `tune run -q` whose trials are `tune-bench curve-trial`: (a) random search, \
            every trial at the full 27 epochs; (b) the same with tune's median stopping rule; (c) Hyperband over \
            epochs 1…27, η = 3, each run training from scratch; (d) the same with checkpoints; (e) (d) with \
            model-based configurations (hyperbandSampler: MODEL). Prints per-seed \
            tables and a summary of trial-seconds, wall time and the regret of tune's pick.
            """
    )

    @Option(help: "Seeds: jobs of each mode per seed.")
    var seeds = 10

    @Option(help: ArgumentHelp("Seconds each trial sleeps per epoch.", valueName: "seconds"))
    var epochSeconds = 0.02

    @Option(help: "maxParallelTrials of every job.")
    var parallel = 4

    @Option(help: "Configurations of the baseline (a) and (b): their maxTrials.")
    var configs = 27

    @Option(help: "The curve family (LearningCurves.swift).")
    var problem = CurveProblem.all[0]

    @Option(
        help: ArgumentHelp(
            "Hyperband's maxTrials, one (c) and (d) job each (default: the runs successive halving needs for --configs configurations, and those of one whole synchronous Hyperband iteration when they differ).",
            valueName: "N,…"))
    var hyperbandTrials: CommaList<Int>?

    @Option(help: ArgumentHelp("hyperbandBrackets of (c) and (d) (default: tune's, one per rung).", valueName: "N"))
    var brackets: Int?

    @Option(help: ArgumentHelp("Hyperband's smallest budget, in epochs.", valueName: "N"))
    var minResource = 1

    @Option(help: ArgumentHelp("(b)'s earlyStopping minTrials (default: tune's).", valueName: "N"))
    var minTrials: Int?

    @Option(help: ArgumentHelp("(b)'s earlyStopping startStep (default: tune's).", valueName: "N"))
    var startStep: Int?

    @Option(help: ArgumentHelp("The modes to run; (a), the baseline every ratio needs, always runs.", valueName: "a,b,c,d,e"))
    var modes = CommaList(CurvesBenchmark.Mode.allCases)

    @Flag(help: "Keep the temporary folder of configs, logs and the job store.")
    var keep = false

    @Option(help: ArgumentHelp("(p)'s populationSize (default: --configs, so PBT trains as many epochs as (a)).", valueName: "N"))
    var population: Int?

    @Option(help: ArgumentHelp("(p)'s perturbationInterval, in epochs.", valueName: "N"))
    var perturbationInterval = 3

    func validate() throws {
        func atLeastOne(_ name: String, _ value: Int?) throws {
            if let value, value < 1 { throw ValidationError("\(name) \(value): expected an integer ≥ 1") }
        }
        try atLeastOne("--seeds", seeds)
        try atLeastOne("--parallel", parallel)
        try atLeastOne("--configs", configs)
        try atLeastOne("--brackets", brackets)
        try atLeastOne("--min-trials", minTrials)
        try atLeastOne("--perturbation-interval", perturbationInterval)
        if let population, population < 2 { throw ValidationError("--population \(population): expected an integer ≥ 2") }
        guard (1...CurvesBenchmark.maxResource).contains(minResource) else {
            throw ValidationError("--min-resource \(minResource): expected an integer from 1 to \(CurvesBenchmark.maxResource)")
        }
        if let startStep, startStep < 0 { throw ValidationError("--start-step \(startStep): expected an integer ≥ 0") }
        guard epochSeconds >= 0, epochSeconds.isFinite else { throw ValidationError("--epoch-seconds \(epochSeconds): expected seconds ≥ 0") }
        if let counts = hyperbandTrials?.items, counts.contains(where: { $0 <= 0 }) {
            throw ValidationError("--hyperband-trials \(hyperbandTrials!.defaultValueDescription): expected positive counts, e.g. 40,69")
        }
    }

    var options: CurvesBenchmark.Options {
        var options = CurvesBenchmark.Options()
        options.seeds = seeds
        options.epochSeconds = epochSeconds
        options.parallel = parallel
        options.configs = configs
        options.problem = problem
        options.hyperbandTrials = hyperbandTrials?.items
        options.minTrials = minTrials
        options.startStep = startStep
        options.brackets = brackets
        options.minResource = minResource
        options.modes = CurvesBenchmark.Mode.allCases.filter { modes.items.contains($0) }
        if !options.modes.contains(.a) { options.modes.insert(.a, at: 0) }  // the baseline every ratio needs
        options.keep = keep
        options.population = population
        options.perturbationInterval = perturbationInterval
        return options
    }

    func run() throws {
        try CurvesBenchmark.run(options)
    }
}

extension CurvesBenchmark.Mode: ExpressibleByArgument {}

extension CurveProblem: ExpressibleByArgument {
    init?(argument: String) {
        guard let problem = CurveProblem.named(argument) else { return nil }
        self = problem
    }

    var defaultValueDescription: String { name }
    static var allValueStrings: [String] { all.map(\.name) }
}
