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

    @Option(name: .shortAndLong, help: ArgumentHelp("The tuning config: Cloud ML Engine's HyperparameterSpec, in YAML or JSON.", valueName: "file"))
    var config: String

    @Option(help: ArgumentHelp("Name the job (default: a generated id such as tune_2026_11_22_161530123).", valueName: "name"))
    var job: String?

    @OptionGroup var storeOptions: StoreOptions

    @Flag(name: .shortAndLong, help: "Copy every trial's output to the terminal, each line prefixed by its trial.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "No progress lines; only the result.")
    var quiet = false

    @Option(name: .customLong("grace-period"), help: ArgumentHelp("Seconds between SIGTERM and SIGKILL when trials are stopped.", valueName: "seconds"))
    var gracePeriod: Double = 10

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The trial command and its own arguments.", valueName: "command"))
    var command: [String] = []

    func run() throws {
        let setup = try TrialSetup(config: config, commandWords: command, example: "tune run")
        let spec = setup.spec
        let trialCommand = setup.command
        let directory = setup.directory
        let executable = setup.executable

        let store = storeOptions.jobStore
        let jobId: String
        if let job {
            do { try JobStore.validate(jobName: job) } catch { throw CommandFailure.usage(error.description) }
            jobId = job
        } else {
            jobId = store.generateJobId()
        }

        let seed = spec.seed ?? UInt64.random(in: 0...UInt64(UInt32.max))
        let (strategy, strategyNote) = spec.makeStrategy(seed: seed)
        if let strategyNote { Console.note(strategyNote) }
        if spec.algorithm == .grid, let grid = Grid(spec: spec), let size = grid.count, size != spec.maxTrials {
            let runs = min(size, spec.maxTrials)
            Console.note("the grid has \(size) combination\(size == 1 ? "" : "s") and maxTrials is \(spec.maxTrials): running \(runs) trial\(runs == 1 ? "" : "s")")
        }

        let configText = (try? String(contentsOfFile: config, encoding: .utf8)) ?? ""
        let header = JobHeader(id: jobId, createTime: Date(), spec: spec, command: trialCommand, workingDirectory: directory,
                               configPath: config, configText: configText, seed: seed, strategy: strategy.name)
        let writer: JournalWriter
        let lock: JobLock
        do {
            writer = try store.createJob(header)
            lock = try JobLock(path: store.lockPath(jobId), job: jobId)
        } catch {
            if case .jobExists = error { throw CommandFailure.usage(error.description) }
            throw CommandFailure.failed(error.description)
        }
        Interrupts.install()

        let reporter = ProgressReporter(quiet: quiet)
        let watchdog = Watchdog.start(gracePeriod: gracePeriod, warn: { reporter.note($0) })
        if !quiet { reporter.note("job \(jobId): \(spec.plannedTrials) trial\(spec.plannedTrials == 1 ? "" : "s") of `\(trialCommand.joined(separator: " "))`, \(strategy.name), \(spec.goal.rawValue) \(spec.metricTag), up to \(spec.maxParallelTrials) at a time (seed \(seed))") }
        let tuning = TuningRun(job: JobRecord(header: header), store: store, writer: writer, executable: executable,
                               strategy: strategy, launcher: LocalLauncher(watchdog: watchdog),
                               options: RunOptions(verbose: verbose, gracePeriod: gracePeriod), reporter: reporter)
        let outcome: JobOutcome
        do {
            outcome = try tuning.run()
        } catch {
            throw CommandFailure.failed("\(error) — the job's trials were stopped; what was journaled before is kept")
        }
        withExtendedLifetime(lock) {}
        watchdog?.stop()
        try JobSummary(job: tuning.job, outcome: outcome, store: store).finish()
    }
}
