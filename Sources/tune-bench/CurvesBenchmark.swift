import Foundation
import TuneCore

/// `tune-bench curves`: early stopping and Hyperband on learning curves, through the real `tune`
/// (options: CurvesCommand.swift).
///
///     tune-bench curves [--seeds 10] [--epoch-seconds 0.02] [--parallel 4] [--configs 27]
///                       [--problem crossing|crossing-noisy|mild|schedule] [--hyperband-trials N,…] [--brackets N] [--min-resource N]
///                       [--min-trials N --start-step N] [--population N --perturbation-interval N] [--modes a,b,c,d,e,p] [--keep]
///
/// For each seed, jobs of `tune run -q` in a temporary store, each trial a
/// `tune-bench curve-trial` (CurveTrial.swift) on the curve family of LearningCurves.swift:
/// - (a) RANDOM_SEARCH, maxTrials = configs, every trial at the full 27 epochs (`--epochs 27`);
/// - (b) the same with `enableTrialEarlyStopping: true` (tune's median stopping rule; with
///   `--min-trials`/`--start-step` also an `earlyStopping:` block);
/// - (c) `algorithm: HYPERBAND` over `epochs`, resources 1…27, reduction factor 3, each run
///   training from scratch (the rungs are tune's own, `HyperbandSpec.rungBudgets`);
/// - (d) the same with the trial's `--checkpoint`: a run continues its configuration's
///   checkpoint in `$TUNE_CHECKPOINT_DIR`, training only the new epochs;
/// - (e) (d) with `hyperbandSampler: MODEL`: new configurations from the GP on the highest rung
///   with enough results (BOHB's rule), the rest as (d). (c) and (d) say `hyperbandSampler: RANDOM`;
/// - (p) `algorithm: PBT`, `--population` members (default: configs, so as many epochs as (a))
///   × 27 epochs in intervals of `--perturbation-interval`, the trial with `--state`
///   (CurvesPopulation.swift): its pick is valued by replaying its schedule.
///
/// (c), (d) and (e) run once per maxTrials of `--hyperband-trials` (default 40 and 69, see
/// `defaultHyperbandTrials`), so (e) spends the same runs as (d). Every job of a seed uses that
/// seed, so configuration k is the same point in each (random search's trial k; Hyperband's
/// configuration k), except (e)'s modelled configurations.
///
/// From `tune trials <job> --format json`: trial-seconds Σ(endTime − startTime), the wall time
/// of `tune run`, the configuration tune ranks best (the first SUCCEEDED entry) with its true
/// noiseless value at 27 epochs, its regret against the truly best configuration among the
/// baseline's (a), and whether the truly best configuration the job explored was stopped early
/// (median rule) or never run at 27 epochs (Hyperband). Modes (b)–(e) that tune refuses (an
/// older tune: unknown keys, exit 2, as `hyperbandSampler` is to a tune before it) are reported
/// as unavailable; (a) still runs.
enum CurvesBenchmark {
    enum Mode: String, CaseIterable {
        case a, b, c, d, e
        /// Population-based training with the accuracy-state checkpoint (CurvesPopulation.swift).
        case p

        var title: String {
            switch self {
            case .a: "(a) random search, full 27 epochs"
            case .b: "(b) random search + median stopping rule"
            case .c: "(c) Hyperband, runs from scratch"
            case .d: "(d) Hyperband + checkpoints"
            case .e: "(e) model-based Hyperband + checkpoints"
            case .p: "(p) PBT, state checkpoints"
            }
        }

        var isHyperband: Bool { self == .c || self == .d || self == .e }
        /// Whether new configurations are the GP's rather than random search's.
        var isModelBased: Bool { self == .e }
    }

    /// A mode, and for Hyperband its maxTrials: one table each.
    struct Variant: Hashable {
        var mode: Mode
        var hyperbandTrials: Int?

        var title: String { mode.title + (hyperbandTrials.map { ", maxTrials \($0)" } ?? "") }
        var job: String { mode.rawValue + (hyperbandTrials.map { "\($0)" } ?? "") }
    }

    struct Options {
        var seeds = 10
        var epochSeconds = 0.02
        var parallel = 4
        var configs = 27
        var problem = CurveProblem.all[0]
        var hyperbandTrials: [Int]?
        var minTrials: Int?
        var startStep: Int?
        /// hyperbandBrackets for (c) and (d); nil: tune's default.
        var brackets: Int?
        /// Hyperband's smallest budget.
        var minResource = 1
        var modes = Mode.allCases
        var keep = false
        /// PBT's members (default: `configs`, so (p) trains as many epochs as (a)) and interval in epochs.
        var population: Int?
        var perturbationInterval = 3

        /// (c) and (d)'s Hyperband, as tune reads it from their config.
        var hyperband: HyperbandSpec {
            HyperbandSpec(
                resourceParameter: "epochs", minResource: minResource, maxResource: maxResource,
                reductionFactor: reductionFactor, brackets: brackets)
        }

        /// The rung budgets tune runs, smallest first: 1, 3, 9, 27 for 1…27 and η = 3.
        var rungBudgets: [Int] { hyperband.rungBudgets }
    }

    static let maxResource = 27, reductionFactor = 3
    /// A true final value below this is a configuration that diverged or never learned (chance is 0.1).
    static let hopeless = 0.2

    // MARK: Hyperband's budget

    /// Hyperband's default maxTrials, two budgets:
    /// - the runs successive halving needs to take `configs` configurations from the lowest rung
    ///   to the top, Σᵢ ⌈configs / ηⁱ⌉ (27 + 9 + 3 + 1 = 40): under tune's asynchronous Hyperband,
    ///   which spreads new configurations over four brackets (most start at 1 epoch, some at 3, 9
    ///   or 27) and promotes the top 1/η of each rung, this explores about `configs`
    ///   configurations (25–31 for 27; the `configs` column gives each run's);
    /// - the runs of one whole synchronous Hyperband iteration (Li et al.: bracket s = s_max…0
    ///   starts ⌈(s_max + 1)/(s + 1) · η^s⌉ configurations and keeps ⌊n/ηⁱ⌋ at rung i; 69 runs for
    ///   1…27, η = 3), the smallest budget at which every bracket can take a configuration to the
    ///   top: about 45 configurations.
    static func defaultHyperbandTrials(configs: Int, rungBudgets: [Int]) -> [Int] {
        var halving = 0
        var n = configs
        for _ in rungBudgets {
            halving += n
            n = (n + reductionFactor - 1) / reductionFactor
        }
        let top = rungBudgets.count - 1
        var iteration = 0
        for s in 0...top {
            let start = ((top + 1) * power(reductionFactor, s) + s) / (s + 1)  // ⌈(s_max + 1)/(s + 1) · η^s⌉
            for i in 0...s { iteration += start / power(reductionFactor, i) }
        }
        return halving == iteration ? [halving] : [halving, iteration]
    }

    static func power(_ base: Int, _ exponent: Int) -> Int { (0..<exponent).reduce(1) { acc, _ in acc * base } }

    // MARK: Running

    struct Run {
        var variant: Variant
        var mode: Mode { variant.mode }
        var seed: Int
        /// Why tune refused the job (mode unavailable), else nil.
        var unavailable: String?
        var trials = 0
        var configurations = 0
        var failed = 0
        /// Median rule: trials marked stopped early; Hyperband: configurations never run at the full budget.
        var stopped = 0
        var epochs = 0
        var trialSeconds = 0.0
        var wall = 0.0
        var pickConfiguration = 0
        var pickBudget: Int?
        var pickObserved = Double.nan
        var pickTrue = Double.nan
        var regret = Double.nan
        var bestConfiguration = 0
        var bestTrue = Double.nan
        var bestStopped = false
        /// How many of the job's three truly best configurations were stopped early / never reached the full budget.
        var topThreeStopped = 0
        /// Whether the baseline's truly best configuration was stopped early / never reached the full budget here.
        var baselineBestStopped = false
        /// Configurations run to the full budget whose true value there is near chance (diverged or never learned).
        var hopelessRunToEnd = 0
        /// Hyperband: the starting budget of each configuration that reached the full budget.
        var fullFrom: [Int] = []
        var notes: [String] = []
    }

    static func run(_ options: Options) throws {
        let bench = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let tune = URL(fileURLWithPath: bench).deletingLastPathComponent().appendingPathComponent("tune").path
        guard FileManager.default.isExecutableFile(atPath: tune) else {
            throw BenchError("no tune beside tune-bench (\(tune)): build both with `swift build -c release`")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tune-bench-curves-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { if !options.keep { try? FileManager.default.removeItem(atPath: folder) } }

        let hyperbandTrials = options.hyperbandTrials ?? defaultHyperbandTrials(configs: options.configs, rungBudgets: options.rungBudgets)
        var variants: [Variant] = []
        for mode in options.modes {
            if mode.isHyperband {
                variants += hyperbandTrials.map { Variant(mode: mode, hyperbandTrials: $0) }
            } else {
                variants.append(Variant(mode: mode))
            }
        }
        variants.sort { ($0.hyperbandTrials ?? 0, $0.mode.rawValue) < ($1.hyperbandTrials ?? 0, $1.mode.rawValue) }
        #if DEBUG
        say("note: debug build — build with -c release for meaningful figures")
        #endif
        say(
            "learning-curve benchmark: problem \(options.problem.name) (noise σ \(options.problem.noise)), \(options.seeds) seeds, "
                + "\(options.configs) configurations × \(maxResource) epochs for the baseline, \(options.epochSeconds) s per epoch, "
                + "\(options.parallel) trials at a time; tune: \(tune)")
        for line in options.problem.properties(final: maxResource, group: options.configs) { say("- " + line) }
        if options.modes.contains(.p) {
            let constant = options.problem.bestConstant(epochs: maxResource)
            say(
                "- PBT (p): \(options.population ?? options.configs) members, interval \(options.perturbationInterval) epochs; the best constant configuration over a fine grid reaches "
                    + "\(PeerTable.fmt(constant.value, 4)) at \(maxResource) epochs (\(constant.configuration.text)); a schedule is valued by replaying it")
        }
        say(
            "- Hyperband: budgets \(options.rungBudgets.map(String.init).joined(separator: "/")) epochs (η = \(reductionFactor)), maxTrials "
                + (options.hyperbandTrials == nil
                    ? "\(hyperbandTrials[0]) (the runs successive halving needs for \(options.configs) configurations, Σ ⌈\(options.configs)/\(reductionFactor)ⁱ⌉)"
                        + (hyperbandTrials.count > 1 ? " and \(hyperbandTrials[1]) (the runs of one whole synchronous Hyperband iteration)" : "")
                    : hyperbandTrials.map(String.init).joined(separator: ", ") + " (--hyperband-trials)"))
        if let dir = ProcessInfo.processInfo.environment["TMPDIR"], !dir.isEmpty { say("- temporary store under \(dir)") }
        if options.keep { say("- keeping \(folder)") }
        say("")

        var runs: [Run] = []
        var unavailable: [Variant: String] = [:]
        for seed in 0..<options.seeds {
            var baseline: Baseline?
            for variant in variants {
                if let reason = unavailable[variant] {
                    runs.append(Run(variant: variant, seed: seed, unavailable: reason))
                    continue
                }
                var run = try runOnce(variant, seed: seed, options: options, tune: tune, bench: bench, folder: folder, baseline: baseline)
                if variant.mode == .a, let b = run.baseline { baseline = b }
                if let reason = run.result.unavailable {
                    unavailable[variant] = reason
                    FileHandle.standardError.write(Data("curves: \(variant.title) unavailable: \(reason)\n".utf8))
                } else {
                    FileHandle.standardError.write(
                        Data(
                            "curves: seed \(seed) \(variant.title): \(run.result.trials) trials, \(PeerTable.fmt(run.result.trialSeconds, 3)) trial-s, \(PeerTable.fmt(run.result.wall, 3)) s\n"
                                .utf8))
                }
                run.result.seed = seed
                runs.append(run.result)
            }
        }
        report(runs, variants: variants, options: options)
    }

    /// The baseline's configurations and true values, for regrets and for matching configurations across modes.
    struct Baseline {
        var hyperparameters: [Int: [String: String]]
        var bestConfiguration: Int
        var bestTrue: Double
    }

    static func config(_ variant: Variant, seed: Int, options: Options) -> String {
        let mode = variant.mode
        var lines = [
            "hyperparameters:", "  goal: MAXIMIZE", "  hyperparameterMetricTag: \(CurveProblem.metricTag)",
            "  maxParallelTrials: \(options.parallel)", "  seed: \(seed)",
        ]
        // PBT's population decides its trial count.
        if mode != .p { lines.append("  maxTrials: \(variant.hyperbandTrials ?? options.configs)") }
        switch mode {
        case .p: lines += populationConfig(options)
        case .a: lines.append("  algorithm: RANDOM_SEARCH")
        case .b:
            lines.append("  algorithm: RANDOM_SEARCH")
            lines.append("  enableTrialEarlyStopping: true")
            var block: [String] = []
            if let n = options.minTrials { block.append("minTrials: \(n)") }
            if let n = options.startStep { block.append("startStep: \(n)") }
            if !block.isEmpty { lines.append("  earlyStopping: {\(block.joined(separator: ", "))}") }
        case .c, .d, .e:
            lines += [
                "  algorithm: HYPERBAND", "  resourceParameter: epochs", "  minResource: \(options.minResource)",
                "  maxResource: \(maxResource)", "  reductionFactor: \(reductionFactor)",
                "  hyperbandSampler: \(mode.isModelBased ? "MODEL" : "RANDOM")",
            ]
            if let brackets = options.brackets { lines.append("  hyperbandBrackets: \(brackets)") }
        }
        return lines.joined(separator: "\n") + "\n" + CurveProblem.paramsYAML(indent: "  ") + "\n"
    }

    static func runOnce(
        _ variant: Variant, seed: Int, options: Options, tune: String, bench: String,
        folder: String, baseline: Baseline?
    ) throws -> (result: Run, baseline: Baseline?) {
        let mode = variant.mode
        let job = "curves-\(variant.job)-s\(seed)"
        let configPath = folder + "/\(job).yml"
        try config(variant, seed: seed, options: options).write(toFile: configPath, atomically: true, encoding: .utf8)
        var trial = [bench, "curve-trial", "--problem", options.problem.name, "--epoch-seconds", "\(options.epochSeconds)"]
        if !mode.isHyperband && mode != .p { trial += ["--epochs", "\(maxResource)"] }
        if mode == .d || mode == .e { trial.append("--checkpoint") }
        if mode == .p { trial.append("--state") }
        let store = folder + "/store"
        let log = folder + "/\(job).run.log"
        let (status, wall) = try execute([tune, "run", "-q", "--config", configPath, "--store", store, "--job", job, "--"] + trial, in: folder, output: log)
        var run = Run(variant: variant, seed: seed)
        run.wall = wall
        if status != 0 {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            let reason = text.split(separator: "\n").first { $0.contains("error") }.map(String.init) ?? String(text.suffix(500))
            guard mode != .a, status == 2 else {
                throw BenchError("\(job): tune run exited \(status):\n\(String(text.suffix(3000)))")
            }
            run.unavailable = "tune run exited 2: \(reason)"
            return (run, nil)
        }
        // An older tune accepts enableTrialEarlyStopping with a note and runs every trial to the end.
        if mode == .b, let text = try? String(contentsOfFile: log, encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.contains("enableTrialEarlyStopping") && $0.contains("not implemented") })
        {
            run.unavailable = "tune ran the job without early stopping: \(line)"
            return (run, nil)
        }
        let jsonPath = folder + "/\(job).json"
        let (jsonStatus, _) = try execute([tune, "trials", job, "--format", "json", "--store", store], in: folder, output: jsonPath)
        guard jsonStatus == 0 else { throw BenchError("\(job): tune trials exited \(jsonStatus): \((try? String(contentsOfFile: jsonPath, encoding: .utf8)) ?? "")") }
        let outputs: [TrialJSON]
        do {
            outputs = try JSONDecoder().decode([TrialJSON].self, from: FileManager.default.contents(atPath: jsonPath) ?? Data())
        } catch {
            throw BenchError("\(job): cannot read `tune trials --format json` (\(jsonPath)): \(error)")
        }
        if mode == .p { return (analyzePopulation(outputs, variant: variant, options: options, baseline: baseline, wall: wall, job: job), nil) }
        return analyze(outputs, variant: variant, options: options, baseline: baseline, wall: wall, job: job)
    }

    // MARK: Reading a job

    /// The fields of one HyperparameterOutput object used here, Hyperband's included.
    struct TrialJSON: Decodable {
        struct Metric: Decodable {
            var objectiveValue: Double
            var trainingStep: Int?

            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                // A non-finite objective is written as a string ("nan", "inf").
                if let x = try? c.decode(Double.self, forKey: .objectiveValue) {
                    objectiveValue = x
                } else {
                    objectiveValue = Double(try c.decode(String.self, forKey: .objectiveValue)) ?? .nan
                }
                trainingStep =
                    (try? c.decodeIfPresent(String.self, forKey: .trainingStep)).flatMap { $0.flatMap { Int($0) } }
                    ?? (try? c.decodeIfPresent(Int.self, forKey: .trainingStep)) ?? nil
            }

            enum CodingKeys: String, CodingKey { case objectiveValue, trainingStep }
        }

        var trialId: String
        var state: String
        var hyperparameters: [String: String]?
        var finalMetric: Metric?
        var allMetrics: [Metric]?
        var isTrialStoppedEarly: Bool?
        var startTime: String?
        var endTime: String?
        var failureReason: String?
        var configuration: Int?
        var rung: Int?
        var budget: Int?
        /// PBT: the member and interval, and the schedule the trial's model was trained with.
        var member: Int?
        var interval: Int?
        var schedule: [ScheduleStepJSON]?

        /// endTime − startTime (0 when either is missing).
        func seconds(_ dates: ISO8601DateFormatter) -> Double {
            guard let start = startTime.flatMap(dates.date(from:)), let end = endTime.flatMap(dates.date(from:)) else { return 0 }
            return end.timeIntervalSince(start)
        }

        struct ScheduleStepJSON: Decodable {
            var from: Int
            var to: Int
            var hyperparameters: [String: String]
        }
    }

    /// How `tune trials --format json` writes times (RFC 3339 with milliseconds).
    static var trialDates: ISO8601DateFormatter {
        let dates = ISO8601DateFormatter()
        dates.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return dates
    }

    static func trueValue(_ hyperparameters: [String: String]?, _ problem: CurveProblem) -> Double? {
        guard let h = hyperparameters, let c = CurveProblem.Configuration(lr: h["lr"], width: h["width"], optimizer: h["optimizer"]) else { return nil }
        return problem.trueValue(c, epoch: maxResource)
    }

    /// The three tuned values only (a resource parameter tune may add is left out).
    static func point(_ h: [String: String]?) -> [String: String] {
        (h ?? [:]).filter { ["lr", "width", "optimizer"].contains($0.key) }
    }

    static func analyze(_ outputs: [TrialJSON], variant: Variant, options: Options, baseline: Baseline?, wall: Double, job: String) -> (result: Run, baseline: Baseline?) {
        let mode = variant.mode
        var run = Run(variant: variant, seed: 0)
        run.wall = wall
        run.trials = outputs.count
        let dates = trialDates
        var notes: [String] = []
        func note(_ s: String) { if !notes.contains(s) { notes.append(s) } }

        // Configuration of each trial: Hyperband's `configuration`, else the trial id.
        var configurationOf: [Int: Int] = [:]
        var byConfiguration: [Int: [TrialJSON]] = [:]
        for (index, t) in outputs.enumerated() {
            let id = Int(t.trialId) ?? index + 1
            let k: Int
            if mode.isHyperband {
                if let c = t.configuration {
                    k = c
                } else {
                    note("trial \(t.trialId) has no `configuration` key")
                    k = id
                }
            } else {
                k = id
            }
            configurationOf[id] = k
            byConfiguration[k, default: []].append(t)
            run.trialSeconds += t.seconds(dates)
            run.epochs += t.allMetrics?.count ?? 0
            if t.state != "SUCCEEDED" {
                run.failed += 1
                note("trial \(t.trialId) \(t.state): \(t.failureReason ?? "no reason")")
            }
            if mode == .b, t.isTrialStoppedEarly == true {
                run.stopped += 1
                if t.state != "SUCCEEDED" { note("trial \(t.trialId) is stopped early but \(t.state)") }
                if let last = t.allMetrics?.last?.objectiveValue, let f = t.finalMetric?.objectiveValue, last != f {
                    note("trial \(t.trialId) stopped early: finalMetric \(f) is not its last reading \(last)")
                }
            }
            if mode != .b, t.isTrialStoppedEarly == true { note("trial \(t.trialId) is marked stopped early in mode \(mode.rawValue)") }
            if mode.isHyperband {
                if let budget = t.budget {
                    let allowed = Set(options.rungBudgets)
                    if !allowed.contains(budget) { note("trial \(t.trialId) has budget \(budget), not one of \(allowed.sorted())") }
                    if t.state == "SUCCEEDED", let step = t.finalMetric?.trainingStep, step != budget {
                        note("trial \(t.trialId): budget \(budget) but its last step is \(step)")
                    }
                    if mode == .c, t.state == "SUCCEEDED", let n = t.allMetrics?.count, n != budget {
                        note("trial \(t.trialId): budget \(budget) but \(n) readings (from scratch)")
                    }
                } else {
                    note("trial \(t.trialId) has no `budget` key")
                }
            }
            if !mode.isHyperband, t.state == "SUCCEEDED", t.isTrialStoppedEarly != true, t.finalMetric?.trainingStep != maxResource {
                note("trial \(t.trialId) finished at step \(t.finalMetric?.trainingStep.map(String.init) ?? "?"), not \(maxResource)")
            }
        }
        run.configurations = byConfiguration.count

        // Hyperband: each configuration keeps its point across rungs; configuration k is random search's trial k.
        if mode.isHyperband {
            for (k, trials) in byConfiguration where Set(trials.map { point($0.hyperparameters) }).count > 1 {
                note("configuration \(k) has different hyperparameters in its runs")
            }
        }
        if mode != .a, !mode.isModelBased, let baseline {
            var mismatched: [Int] = []
            for (k, trials) in byConfiguration {
                if let expected = baseline.hyperparameters[k], let got = trials.first, point(got.hyperparameters) != expected { mismatched.append(k) }
            }
            if !mismatched.isEmpty {
                note("configurations \(mismatched.sorted().prefix(8).map(String.init).joined(separator: ",")) differ from the baseline's trials of the same number")
            }
        }

        // What reached the full budget.
        func reachedFull(_ trials: [TrialJSON]) -> Bool {
            if mode.isHyperband { return trials.contains { $0.state == "SUCCEEDED" && $0.budget == maxResource } }
            return trials.contains { $0.state == "SUCCEEDED" && $0.isTrialStoppedEarly != true }
        }
        if mode.isHyperband {
            run.stopped = byConfiguration.values.filter { !reachedFull($0) }.count
            run.fullFrom = byConfiguration.values.filter(reachedFull).compactMap { $0.compactMap(\.budget).min() }.sorted()
        }

        // tune's pick: the first SUCCEEDED entry.
        if let pick = outputs.first(where: { $0.state == "SUCCEEDED" }) {
            run.pickConfiguration = configurationOf[Int(pick.trialId) ?? 0] ?? 0
            run.pickBudget = pick.budget ?? (pick.finalMetric?.trainingStep)
            run.pickObserved = pick.finalMetric?.objectiveValue ?? .nan
            run.pickTrue = trueValue(pick.hyperparameters, options.problem) ?? .nan
            if mode.isHyperband, let b = pick.budget, let top = outputs.compactMap(\.budget).max(), b != top {
                note("the first SUCCEEDED entry has budget \(b), below the job's highest \(top)")
            }
            if mode == .b, pick.isTrialStoppedEarly == true { note("the best-ranked trial \(pick.trialId) was stopped early") }
        }

        // The truly best configurations this job explored.
        var ranked: [(k: Int, value: Double)] = []
        for (k, trials) in byConfiguration {
            if let v = trueValue(trials.first?.hyperparameters, options.problem) { ranked.append((k, v)) }
        }
        ranked.sort { $0.value > $1.value || ($0.value == $1.value && $0.k < $1.k) }
        if let best = ranked.first {
            run.bestConfiguration = best.k
            run.bestTrue = best.value
            run.bestStopped = !reachedFull(byConfiguration[best.k] ?? [])
        }
        run.topThreeStopped = ranked.prefix(3).filter { !reachedFull(byConfiguration[$0.k] ?? []) }.count
        run.hopelessRunToEnd = ranked.filter { $0.value < hopeless && reachedFull(byConfiguration[$0.k] ?? []) }.count

        var newBaseline: Baseline?
        if mode == .a {
            var hyperparameters: [Int: [String: String]] = [:]
            for (k, trials) in byConfiguration { hyperparameters[k] = point(trials.first?.hyperparameters) }
            newBaseline = Baseline(hyperparameters: hyperparameters, bestConfiguration: run.bestConfiguration, bestTrue: run.bestTrue)
        }
        let reference = newBaseline ?? baseline
        if let reference {
            run.regret = reference.bestTrue - run.pickTrue
            if let trials = byConfiguration[reference.bestConfiguration] {
                run.baselineBestStopped = !reachedFull(trials)
            } else {
                run.baselineBestStopped = true
                note("the baseline's best configuration \(reference.bestConfiguration) was never run")
            }
        }
        run.notes = notes.map { "\(job): \($0)" }
        return (run, newBaseline)
    }

    /// Runs `arguments` in `folder`, stdout and stderr to `output`: the exit status and the wall seconds.
    static func execute(_ arguments: [String], in folder: String, output: String) throws -> (Int32, Double) {
        guard FileManager.default.createFile(atPath: output, contents: nil), let handle = FileHandle(forWritingAtPath: output) else {
            throw BenchError("cannot write \(output)")
        }
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardOutput = handle
        process.standardError = handle
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, SearchBenchmark.seconds(clock.now - start))
    }

    // MARK: Report

    static func report(_ runs: [Run], variants: [Variant], options: Options) {
        let f = { (x: Double) in PeerTable.fmt(x, 4) }
        let baselineSeconds = Dictionary(uniqueKeysWithValues: runs.filter { $0.mode == .a && $0.unavailable == nil }.map { ($0.seed, $0.trialSeconds) })
        for variant in variants {
            let mode = variant.mode
            let mine = runs.filter { $0.variant == variant }
            say("### \(variant.title)")
            say("")
            if let reason = mine.first(where: { $0.unavailable != nil })?.unavailable {
                say("unavailable: \(reason)")
                say("")
                continue
            }
            let stoppedTitle = mode.isHyperband ? "configs not run to 27 | run to 27, by first budget" : "stopped early"
            say(
                "| seed | trials | configs | \(stoppedTitle) | hopeless run to 27 | epochs run | trial-s | wall s | busy | (a)/this trial-s | pick: config @budget | its objective | its true value | regret | true best: config, value | true best stopped | of true top 3 | (a)'s best stopped |"
            )
            say("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|" + (mode.isHyperband ? "---|" : ""))
            for r in mine {
                let ratio = baselineSeconds[r.seed].map { f($0 / r.trialSeconds) } ?? "-"
                let busy = String(format: "%.0f%%", 100 * r.trialSeconds / (r.wall * Double(options.parallel)))
                let fromText = Dictionary(grouping: r.fullFrom, by: { $0 }).sorted { $0.key < $1.key }.map { "\($0.value.count)×\($0.key)" }.joined(separator: " ")
                say(
                    "| \(r.seed) | \(r.trials) | \(r.configurations) | \(r.stopped)\(mode.isHyperband ? " | " + (fromText.isEmpty ? "none" : fromText) : "") | \(r.hopelessRunToEnd) | \(r.epochs) | \(PeerTable.fmt(r.trialSeconds, 3)) | \(PeerTable.fmt(r.wall, 3)) | \(busy) | \(ratio) | "
                        + "\(r.pickConfiguration) @\(r.pickBudget.map(String.init) ?? "?") | \(f(r.pickObserved)) | \(f(r.pickTrue)) | \(f(r.regret)) | "
                        + "\(r.bestConfiguration), \(f(r.bestTrue)) | \(r.bestStopped ? "yes" : "no") | \(r.topThreeStopped) | \(mode == .a ? "-" : r.baselineBestStopped ? "yes" : "no") |"
                )
            }
            say("")
        }

        say("### Summary: medians over \(options.seeds) seed\(options.seeds == 1 ? "" : "s")")
        say("")
        say(
            "| mode | trial-s | (a)/this trial-s | wall s | configs | hopeless run to 27 | epochs run | true value of pick | regret | mean regret | regret ≤ σ (\(options.problem.noise)) | true best stopped | of true top 3 (mean) | (a)'s best stopped |"
        )
        say("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        var notes: [String] = []
        for variant in variants {
            let mode = variant.mode
            let mine = runs.filter { $0.variant == variant && $0.unavailable == nil }
            guard !mine.isEmpty else {
                say("| \(variant.title) | unavailable | | | | | | | | | | | | |")
                continue
            }
            let ratios = mine.compactMap { r in baselineSeconds[r.seed].map { $0 / r.trialSeconds } }
            let n = mine.count
            let within = mine.filter { $0.regret <= options.problem.noise }.count
            say(
                "| \(variant.title) | \(PeerTable.fmt(Stats.median(mine.map(\.trialSeconds)), 3)) | \(ratios.isEmpty ? "-" : f(Stats.median(ratios))) | "
                    + "\(PeerTable.fmt(Stats.median(mine.map(\.wall)), 3)) | \(f(Stats.median(mine.map { Double($0.configurations) }))) | \(f(Stats.median(mine.map { Double($0.hopelessRunToEnd) }))) | "
                    + "\(f(Stats.median(mine.map { Double($0.epochs) }))) | \(f(Stats.median(mine.map(\.pickTrue)))) | \(f(Stats.median(mine.map(\.regret)))) | "
                    + "\(f(mine.map(\.regret).reduce(0, +) / Double(n))) | \(within)/\(n) | \(mine.filter(\.bestStopped).count)/\(n) | \(PeerTable.fmt(Double(mine.map(\.topThreeStopped).reduce(0, +)) / Double(n), 2)) | "
                    + "\(mode == .a ? "-" : "\(mine.filter(\.baselineBestStopped).count)/\(n)") |")
            for r in mine { for note in r.notes where !notes.contains(note) { notes.append(note) } }
        }
        say("")
        say(
            "trial-s: Σ(endTime − startTime) over the job's trials; busy: trial-s / (wall × \(options.parallel) slots); (a)/this: the baseline's trial-s of the same seed over this mode's (median of the per-seed ratios); "
                + "pick: the first SUCCEEDED entry of `tune trials --format json`; true value: its noiseless accuracy at \(maxResource) epochs; "
                + "regret: the best true value among (a)'s configurations minus the pick's; true best stopped: the truly best configuration the job explored was stopped early (median rule) "
                + "or never run at \(maxResource) epochs (Hyperband); of true top 3: how many of the job's three truly best configurations were; (a)'s best stopped: the same for (a)'s truly best configuration; run to 27, by first budget: the configurations that reached \(maxResource) epochs, grouped by the budget they started at (their bracket); hopeless run to \(maxResource): configurations run to \(maxResource) epochs whose true value there is below \(hopeless) (diverged or never learned; chance is \(CurveProblem.chance))."
        )
        if !notes.isEmpty {
            say("")
            say("Anomalies seen in tune's output (\(notes.count)):")
            for note in notes.prefix(40) { say("- " + note) }
            if notes.count > 40 { say("- … \(notes.count - 40) more") }
        }
    }
}

/// Prints to stdout unbuffered, so the report and the progress lines on stderr keep their order.
private func say(_ line: String = "") {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

extension Stats {
    /// Spearman's rank correlation (average ranks for ties).
    static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        func ranks(_ x: [Double]) -> [Double] {
            let order = x.indices.sorted { x[$0] < x[$1] }
            var r = [Double](repeating: 0, count: x.count)
            var i = 0
            while i < order.count {
                var j = i
                while j + 1 < order.count, x[order[j + 1]] == x[order[i]] { j += 1 }
                for k in i...j { r[order[k]] = Double(i + j) / 2 }
                i = j + 1
            }
            return r
        }
        let ra = ranks(a)
        let rb = ranks(b)
        let n = Double(a.count)
        let ma = ra.reduce(0, +) / n
        let mb = rb.reduce(0, +) / n
        var sab = 0.0
        var saa = 0.0
        var sbb = 0.0
        for (x, y) in zip(ra, rb) {
            sab += (x - ma) * (y - mb)
            saa += (x - ma) * (x - ma)
            sbb += (y - mb) * (y - mb)
        }
        return sab / (saa * sbb).squareRoot()
    }

    /// "q1 / median / q3" with 3 significant digits.
    static func quartileText(_ xs: [Double]) -> String {
        let q = quantiles(xs)
        return "\(PeerTable.fmt(q.q1, 3)) / \(PeerTable.fmt(q.median, 3)) / \(PeerTable.fmt(q.q3, 3))"
    }
}
