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

    @Option(name: [.customLong("config"), .customShort("c")], help: ArgumentHelp("The tuning config: Cloud ML Engine's HyperparameterSpec, in YAML or JSON.", valueName: "file"))
    var configs: [String]

    /// The one --config (more are a usage error: see ConfigOption).
    var config: String { configs.last ?? "" }

    func validate() throws { _ = try ConfigOption.single(configs, command: "tune run") }

    @Option(help: ArgumentHelp("Name the job (default: a generated id such as tune_2026_11_22_161530123).", valueName: "name"))
    var job: String?

    @OptionGroup var contractOptions: TrialContractOptions

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var runOptions: TrialRunOptions

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The trial command and its own arguments.", valueName: "command"))
    var command: [String] = []

    func run() throws {
        let setup = try TrialSetup(config: config, commandWords: command, example: "tune run")
        let spec = contractOptions.apply(to: try runOptions.applyingLauncher(to: setup.spec), quiet: runOptions.quiet)
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

        // GPUs and the Slurm request are checked before anything is created: a usage error.
        let options = try runOptions.runOptions(for: spec)
        let launch = try LaunchSetup.prepare(spec: spec, store: store)
        var prior: (trials: [PriorTrial], leftOut: Int)?
        if let previous = spec.resumePreviousJobId {
            prior = try Self.warmStart(from: previous, spec: spec, store: store)
        }

        let configText = (try? String(contentsOfFile: config, encoding: .utf8)) ?? ""
        let header = JobHeader(id: jobId, createTime: Date(), spec: spec, command: trialCommand, workingDirectory: directory,
                               configPath: config, configText: configText, seed: seed, strategy: strategy.name)
        var job = JobRecord(header: header)
        let writer: JournalWriter
        let lock: JobLock
        do {
            writer = try store.createJob(header)
        } catch {
            if case .jobExists = error { throw CommandFailure.usage(error.description) }
            throw CommandFailure.failed(error.description)
        }
        do {
            lock = try JobLock(path: store.lockPath(jobId), job: jobId)
            if let prior, let previous = spec.resumePreviousJobId {
                let event = JournalEvent.warmStart(job: previous, trials: prior.trials, time: Date())
                try writer.append(event)
                job.apply(event)
            }
        } catch {
            throw CommandFailure.failed(error.description)
        }

        if !runOptions.quiet { Console.stderr("tune: job \(jobId): \(spec.plannedTrials) trial\(spec.plannedTrials == 1 ? "" : "s") of `\(trialCommand.joined(separator: " "))`, \(strategy.name), \(spec.goal.rawValue) \(spec.metricTag), up to \(spec.maxParallelTrials) at a time\(launch.kind == .slurm ? " on Slurm" : "") (seed \(seed))") }
        if let prior, let previous = spec.resumePreviousJobId {
            var text = "warm start from job \(previous): \(prior.trials.count) finished trial\(prior.trials.count == 1 ? "" : "s")"
            if prior.leftOut > 0 { text += " (\(prior.leftOut) left out: their values are outside this config's bounds)" }
            Console.stderr("tune: " + text)
        }
        try JobExecution(job: job, store: store, writer: writer, lock: lock, executable: executable, plan: .fresh,
                         options: options, quiet: runOptions.quiet, launch: launch, strategy: strategy).run()
    }

    /// The finished trials of `previous` that warm-start this job; a missing or incompatible job is a usage error.
    static func warmStart(from previous: String, spec: TuningSpec, store: JobStore) throws -> (trials: [PriorTrial], leftOut: Int) {
        let old: JobRecord
        do {
            old = try store.load(previous)
        } catch {
            throw CommandFailure.usage("resumePreviousJobId: \(error.description)")
        }
        do {
            return try WarmStart.priorTrials(from: old, for: spec)
        } catch {
            throw CommandFailure.usage(error.description)
        }
    }
}
