import ArgumentParser
import Foundation
import TuneCore

/// `tune run <command…> --config tuning.yml`: runs a tuning job.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a tuning job: many trials of a command, each with different --name=value flags (the default command).",
        discussion: """
            Everything tune does not own is passed to every trial unchanged, before the hyperparameter flags:
              tune run python3 train.py --epochs 5 --config tuning.yml
            runs `python3 train.py --epochs 5 --dropout1=0.31 …`. Put `--` before the command when it takes \
            options that tune also has (--config, --job, -v …).
            Exit status: 0 the job finished, 1 the job failed, 2 usage or config error, 130 interrupted.
            """
    )

    @Option(
        name: [.customLong("config"), .customShort("c")],
        help: ArgumentHelp("The tuning config: Cloud ML Engine's HyperparameterSpec or Vertex AI's StudySpec, in YAML or JSON.", valueName: "file"))
    var configs: [String]

    /// The one --config (more are a usage error: see ConfigOption).
    var config: String { configs.last ?? "" }

    func validate() throws { _ = try ConfigOption.single(configs, command: "tune run") }

    @Option(help: ArgumentHelp("Name the job (default: a generated id such as tune_2026_11_22_161530123).", valueName: "name"))
    var job: String?

    @Option(
        help: ArgumentHelp(
            "Points to run first, in order (repeatable): CSV with a header of parameter names (`tune trials --format csv` works), or JSON, an array of objects name → value.",
            valueName: "file"))
    var enqueue: [String] = []

    @OptionGroup var contractOptions: TrialContractOptions

    @OptionGroup var countOptions: TrialCountOptions

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var runOptions: TrialRunOptions

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The trial command and its own arguments.", valueName: "command"))
    var command: [String] = []

    func run() throws {
        let setup = try TrialSetup(config: config, commandWords: command, example: "tune run")
        var spec = contractOptions.apply(to: try countOptions.apply(to: try runOptions.applyingLauncher(to: setup.spec)), quiet: runOptions.quiet)
        try Self.enqueue(enqueue, into: &spec)
        // GPUs are checked before anything is created: a usage error.
        let options = try runOptions.runOptions(for: spec)
        let configText = (try? String(contentsOfFile: config, encoding: .utf8)) ?? ""
        let session = try JobSession.create(
            JobSession.NewJob(
                name: job, spec: spec, command: setup.command, executable: setup.executable,
                workingDirectory: setup.directory, configPath: config, configText: configText),
            in: storeOptions.jobStore)
        let header = session.job.header
        if !runOptions.quiet {
            Console.progress(
                "job \(header.id): \(spec.plannedTrials) trial\(spec.plannedTrials == 1 ? "" : "s") of `\(setup.command.joined(separator: " "))`, \(header.strategy), \(spec.objectiveDescription), up to \(spec.maxParallelTrials) at a time\(session.launch?.whereTrialsRun ?? "") (seed \(header.seed))"
            )
        }
        if let warm = session.warmStart {
            var text = "warm start from job \(warm.job): \(warm.trials) finished trial\(warm.trials == 1 ? "" : "s")"
            if warm.leftOut > 0 { text += " (\(warm.leftOut) left out: a value this config no longer lists)" }
            Console.progress(text)
        }
        try JobExecution.run(session, plan: .fresh, options: options, quiet: runOptions.quiet)
    }

    /// Adds the points of the --enqueue files to the spec's (a bad point is a usage error) and
    /// checks that every given point fits in maxTrials.
    static func enqueue(_ files: [String], into spec: inout TuningSpec) throws {
        var notes: [String] = []
        do {
            for file in files {
                try spec.enqueue(try EnqueueFile.read(path: file, spec: spec, notes: &notes), notes: &notes)
            }
        } catch {
            throw CommandFailure.usage("\(error)")
        }
        for note in notes { Console.note(note) }
        if let overflow = spec.givenPointsOverflow { throw CommandFailure.usage(overflow) }
    }
}
