import ArgumentParser
import Foundation
import TuneCore

/// `tune validate tuning.yml`: checks a config and shows the search space it describes.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a tuning config and print its search space (and, for grid search, the trial count)."
    )

    @Argument(help: "The config file (YAML or JSON).")
    var config: String

    @Option(
        help: ArgumentHelp(
            "Show how this config's space differs from that job's, and how many of its finished trials a warm start (resumePreviousJobId) would carry over.",
            valueName: "job"))
    var against: String?

    @Option(
        name: .customLong("enqueue"),
        help: ArgumentHelp("Check these points (CSV or JSON, as tune run --enqueue takes them) against the space too.", valueName: "file"))
    var enqueue: [String] = []

    @OptionGroup var storeOptions: StoreOptions

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Optionally, the trial command: its script is checked for the metric's Keras spelling.", valueName: "command"))
    var command: [String] = []

    func run() throws {
        var spec = try TrialSetup.loadConfig(config).spec
        for tag in spec.definedMetricTags { TrialSetup.warnAboutMetricSpelling(tag: tag, command: command) }
        try RunCommand.enqueue(enqueue, into: &spec)
        if !command.isEmpty {
            let words = command.first == "--" ? Array(command.dropFirst()) : command
            do { spec.parameterStyle = try ParameterDelivery.resolvedStyle(spec: spec, command: words) } catch { throw CommandFailure.usage(error.message) }
        }
        let strategy = spec.makeStrategy(seed: spec.seed ?? 0)
        if let note = strategy.note { Console.note(note) }
        Console.out("\(config): valid")
        Console.out("goal        \(spec.objectiveDescription) (\(spec.measurementSelection.rawValue))")
        if let rules = spec.studyStopping { Console.out("stop rules  \(rules.describe(goal: spec.goal))") }
        Console.out("algorithm   \(spec.algorithm.rawValue) → \(spec.makeScheduler().describe(strategy: strategy.strategy.name))\(spec.seed.map { ", seed \($0)" } ?? "")")
        var trials = "\(spec.trialBudgetText), at most \(spec.maxParallelTrials) at a time"
        if let failed = spec.maxFailedTrials { trials += ", maxFailedTrials \(failed)" }
        Console.out("trials      \(trials)")
        if let launcher = spec.launcher {
            Console.out("launcher    \(launcher.summary)")
        }
        if let style = spec.parameterStyle { Console.out("delivery    \(Self.delivery(style, spec: spec))") }
        if let given = spec.enqueued, !given.isEmpty {
            Console.out("enqueued    \(given.count) given point\(given.count == 1 ? "" : "s") run first (trial\(given.count == 1 ? " 1" : "s 1–\(given.count)"))")
        }
        if let jobDir = spec.jobDir {
            Console.out("job dir     --job-dir=<trial folder>/\(TrialFolders.jobDirName) (jobDir \(jobDir))")
        }
        if spec.isolatesWorkingDirectory {
            Console.out("cwd         each trial in <trial folder>/\(TrialFolders.workingDirectoryName), linking to the current directory")
        }
        if let resource = spec.hyperband {
            let rungs = resource.rungBudgets.map(String.init).joined(separator: ", ")
            Console.out("hyperband   --\(resource.resourceParameter)=<budget>, rungs \(rungs), reductionFactor \(resource.reductionFactor)")
        }
        if let rule = spec.earlyStoppingRule {
            Console.out("stopping    median rule, after \(rule.minTrials) completed trial\(rule.minTrials == 1 ? "" : "s"), from step \(rule.startStep)")
        }
        if spec.algorithm == .grid, let grid = Grid(spec: spec) {
            if let size = grid.count {
                let runs = min(size, spec.maxTrials)
                Console.out(
                    "grid        \(size) combination\(size == 1 ? "" : "s") → \(runs) trial\(runs == 1 ? "" : "s")\(size > spec.maxTrials ? " (maxTrials cuts the grid short)" : "")"
                )
            } else {
                Console.out("grid        more combinations than can be counted")
            }
        }
        if let against { try compare(spec, against: against) }
        let conditional = spec.params.filter { $0.condition != nil }.count
        Console.out(conditional == 0 ? "parameters" : "parameters  a tree: \(conditional) of \(spec.params.count) are active only under their parent's values")
        let defaults = spec.params.contains { $0.defaultValue != nil }
        var headers = ["  name", "type", "values", "scale"]
        if conditional > 0 { headers.append("active when") }
        if defaults { headers.append("default") }
        var table = TextTable(headers: headers)
        for param in spec.params {
            let indent = String(repeating: "  ", count: spec.depth(of: param) + 1)
            var row = [indent + param.name, param.typeName, Self.values(param), Self.scale(param)]
            if conditional > 0 { row.append(Self.activeWhen(param)) }
            if defaults { row.append(param.defaultValue ?? "") }
            table.add(row)
        }
        Console.out(table.render())
        if defaults, let first = spec.defaultPoint {
            Console.out("first trial \(first.flags.joined(separator: " ")) (the defaultValues)")
        }
    }

    /// How a trial receives its parameters in `style`, shown on the defaults (or the middle) of the space.
    static func delivery(_ style: ParameterStyle, spec: TuningSpec) -> String {
        let point = spec.defaultPoint ?? (try? spec.midpoint(overriding: [:]))
        let shown = ParameterDelivery(parameters: point?.textValues ?? [:], spec: spec)
        let example: String
        switch style {
        case .equals, .separate, .bare: example = shown.arguments.joined(separator: " ")
        case .environment: example = shown.environment.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
        case .template: example = "the command's placeholders " + spec.params.map { "{\($0.name)}" }.joined(separator: ", ")
        }
        return "\(example) (parameterStyle \(style.rawValue)); every style also writes $TUNE_PARAMS_FILE"
    }

    /// `optimizer = sgd`, `num_layers in 2, 3`; empty for an unconditional parameter.
    static func activeWhen(_ param: ParameterSpec) -> String {
        guard let condition = param.condition else { return "" }
        if condition.parentValues.count == 1 { return "\(condition.parent) = \(condition.parentValues[0])" }
        return "\(condition.parent) in \(condition.parentValues.joined(separator: ", "))"
    }

    static func values(_ param: ParameterSpec) -> String {
        switch param.domain {
        case .double(let lo, let hi, _):
            return lo == hi ? "\(ParameterValue.format(lo)) (constant)" : "[\(ParameterValue.format(lo)), \(ParameterValue.format(hi))]"
        case .integer(let lo, let hi, _):
            return lo == hi ? "\(lo) (constant)" : "[\(lo), \(hi)]"
        case .categorical(let values):
            return values.joined(separator: ", ")
        case .discrete(let values):
            return values.map(\.text).joined(separator: ", ")
        }
    }

    static func scale(_ param: ParameterSpec) -> String {
        switch param.domain {
        case .double(_, _, let scale), .integer(_, _, let scale):
            return scale.rawValue
        default:
            return ""
        }
    }

    /// `--against JOB`: the space's differences and what a warm start would carry over; a warm
    /// start that would be refused is a usage error (exit 2) with the reason.
    private func compare(_ spec: TuningSpec, against reference: String) throws {
        let old = try storeOptions.load(reference)
        let differences = WarmStart.differences(from: old.spec, to: spec)
        Console.out("against     job \(old.id): " + (differences.isEmpty ? "the same space" : "\(differences.count) difference\(differences.count == 1 ? "" : "s")"))
        for line in differences { Console.out("  " + line) }
        let carried: WarmStart.Carried
        do {
            carried = try WarmStart.carry(from: old, for: spec)
        } catch {
            throw CommandFailure.usage(error.description)
        }
        let total = carried.trials.count + carried.leftOut
        var text = "carry over  \(carried.trials.count) of \(total) finished trial\(total == 1 ? "" : "s") of job \(old.id)"
        if carried.leftOut > 0 { text += " (\(carried.leftOut) left out: a value this config no longer lists)" }
        let outside = carried.trials.filter { trial in
            guard let point = Assignment(textValues: trial.parameters, spec: spec) else { return false }
            return zip(point.names, point.values).contains { name, value in spec.param(named: name).map { !$0.contains(value) } ?? false }
        }.count
        if outside > 0 { text += " (\(outside) outside the new ranges: they inform the model, none is proposed there)" }
        Console.out(text + " as warm start (resumePreviousJobId: \(old.id))")
    }
}
