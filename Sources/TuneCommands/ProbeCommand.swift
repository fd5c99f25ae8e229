import ArgumentParser
import Foundation
import TuneCore

/// `tune probe train.sh --config tuning.yml`: one trial, and every metric it reported.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Run one trial and list every metric it reported, from every source, and whether the config's tag matched.",
        discussion: """
            The trial gets the middle of the search space (the geometric middle of log ranges), or the values given \
            with --set name=value. It runs in a scratch job store (its folder is printed), not in your jobs. \
            Exit status: 0 when the trial succeeded and reported the config's metric tag, 1 when not, 2 usage or config error.
            """
    )

    @Option(name: [.customLong("config"), .customShort("c")], help: ArgumentHelp("The tuning config.", valueName: "file"))
    var configs: [String]

    /// The one --config (more are a usage error: see ConfigOption).
    var config: String { configs.last ?? "" }

    func validate() throws { _ = try ConfigOption.single(configs, command: "tune probe") }

    @Option(name: .customLong("set"), help: ArgumentHelp("A parameter's value for the trial (repeatable).", valueName: "name=value"))
    var values: [String] = []

    @Flag(name: .shortAndLong, help: "Copy the trial's output to the terminal, each line prefixed by its trial.")
    var verbose = false

    @OptionGroup var contractOptions: TrialContractOptions

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The trial command and its own arguments.", valueName: "command"))
    var command: [String] = []

    func run() throws {
        let setup = try TrialSetup(config: config, commandWords: command, example: "tune probe")
        var overrides: [String: String] = [:]
        for item in values {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw CommandFailure.usage("--set takes name=value, got '\(item)'")
            }
            overrides[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        let point: Assignment
        do {
            point = try setup.spec.midpoint(overriding: overrides)
        } catch {
            throw CommandFailure.usage(error.description)
        }

        var spec = contractOptions.apply(to: setup.spec, quiet: true)
        spec.maxTrials = 1
        spec.maxParallelTrials = 1
        spec.maxFailedTrials = nil
        spec.enableTrialEarlyStopping = false
        var command = setup.command
        if let resource = spec.hyperband {
            // Hyperband: the probe runs at the smallest budget, the quickest run of the job.
            command.append("--\(resource.resourceParameter)=\(resource.minResource)")
            spec.hyperband = nil
            spec.algorithm = .random
        }
        // A private store for the one trial (mkdtemp: not guessable, 0700), removed when probe ends:
        // after the trial, on an error, and after Ctrl-C (the run returns once the trial is stopped).
        let scratch: String
        do {
            scratch = try ScratchFolder.make(prefix: "tune-probe-")
        } catch {
            throw CommandFailure.failed(error.description)
        }
        defer { ScratchFolder.remove(scratch) }
        let store = JobStore(root: scratch)
        if spec.launcherKind == .slurm {
            Console.note(
                "probe runs the trial on this machine, not through Slurm (the config's launcher): to probe on a compute node, run it there, e.g. `srun --pty tune probe …`")
        }
        spec.launcher = nil
        var probe = JobSession.NewJob(
            name: "probe", spec: spec, command: command, executable: setup.executable,
            workingDirectory: setup.directory, configPath: config, configText: "", seed: 0)
        probe.strategy = FixedStrategy(points: [point])
        let session = try JobSession.create(probe, in: store, notes: { _ in })
        let shown = (command + point.flags).map(ReproduceCommand.shellQuoted).joined(separator: " ")
        Console.stderr("probe: running one trial: \(shown)")
        let outcome = try session.run(.fresh, options: RunOptions(verbose: verbose, gracePeriod: 5), reporter: ProgressReporter(quiet: true))
        guard let trial = session.job.trial(1) else {
            throw CommandFailure.failed("the trial did not start")
        }
        try report(trial, spec: spec, outcome: outcome)
    }

    private func report(_ trial: TrialRecord, spec: TuningSpec, outcome: JobOutcome) throws {
        var ended = "the trial \(trial.state == .succeeded ? "succeeded" : "ended: \(trial.state.rawValue)")"
        if let start = trial.startTime, let end = trial.endTime {
            ended += " after \(DurationText.format(end.timeIntervalSince(start)))"
        }
        if case .cancelled = outcome { ended = "the trial was stopped" }
        Console.out(ended + " (its scratch folder is removed; `tune run` keeps every trial's folder)")

        let rows = MetricSummary.summarize(trial.readings)
        if rows.isEmpty {
            Console.out("no metrics were reported (stdout lines like `acc=0.97`, the cloudml-hypertune file, or event files under $TUNE_TRIAL_DIR)")
        } else {
            var table = TextTable(headers: ["source", "tag", "readings", "steps", "last value"], rightAligned: [2])
            for row in rows {
                let steps = row.firstStep == row.lastStep ? "\(row.firstStep)" : "\(row.firstStep)…\(row.lastStep)"
                table.add([row.source.rawValue, row.tag, String(row.count), steps, MetricReading.display(row.lastValue)])
            }
            Console.out(table.render())
        }

        let tag = spec.metricTag
        switch MetricTagMatch.resolve(tag, in: trial.readings) {
        case .found(let found, let source, let alsoIn):
            var line = "hyperparameterMetricTag '\(tag)': matched \(found == tag ? "" : "'\(found)' ")in \(TrialVerdict.sourceName(source))"
            if !alsoIn.isEmpty { line += " (also in \(alsoIn.map(TrialVerdict.sourceName).joined(separator: " and ")))" }
            if let metric = trial.finalMetric {
                line += "; objective \(MetricReading.display(metric.value)) at step \(metric.step) (\(spec.measurementSelection.rawValue))"
            }
            Console.out(line)
        case .ambiguous(let choices):
            Console.out("hyperparameterMetricTag '\(tag)': ambiguous, several event-file runs have it: \(choices.joined(separator: ", ")) — write one of these in the config")
        case .missing:
            let near = MetricTagMatch.closest(to: tag, among: trial.tags)
            var line = "hyperparameterMetricTag '\(tag)': NOT reported"
            if let hint = KerasMetricNames.hint(for: tag, seen: trial.tags) {
                line += " — \(hint)"
            } else if !near.isEmpty {
                line += " — closest tags: \(near.joined(separator: ", "))"
            }
            Console.out(line)
        }
        if trial.state != .succeeded {
            throw CommandFailure.failed("the trial did not succeed: \(trial.failureReason ?? trial.state.rawValue)")
        }
    }
}
