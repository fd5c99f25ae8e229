import Foundation
import TuneCore

/// What `run`, `resume` and `retry` share once the job's journal is open and its lock held:
/// run the trials, then print the summary and exit with the job's outcome.
struct JobExecution {
    var job: JobRecord
    var store: JobStore
    var writer: JournalWriter
    var lock: JobLock
    var executable: String
    var plan: RunPlan
    var options: RunOptions
    var quiet: Bool
    var launch: LaunchSetup
    /// The strategy `run` already made (it names it in its first line); else made from the journal.
    var strategy: (any SearchStrategy)? = nil

    func run() throws {
        Interrupts.install()
        let strategy = self.strategy ?? job.spec.makeStrategy(seed: job.header.seed).strategy
        let reporter = ProgressReporter(quiet: quiet)
        // Stops the trials' process groups even if tune itself is SIGKILLed.
        let watchdog = Watchdog.start(gracePeriod: options.gracePeriod, warn: { reporter.note($0) })
        let tuning = TuningRun(job: job, store: store, writer: writer, executable: executable, strategy: strategy,
                               launcher: launch.launcher(for: job, watchdog: watchdog, options: options), options: options, reporter: reporter, plan: plan)
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

/// Opening an existing job to run more of it (`resume`, `retry`): its lock first, then its journal,
/// so what is read cannot change underneath.
struct OpenedJob {
    var job: JobRecord
    var writer: JournalWriter
    var lock: JobLock
    var executable: String

    /// `runOptions`' `--launcher`, if given, applies to this run (see `TrialRunOptions.applyLauncher`).
    init(_ reference: String, store: JobStore, runOptions: TrialRunOptions) throws {
        let id: String
        do {
            id = try store.resolve(reference)
        } catch {
            throw CommandFailure.usage(error.description)
        }
        do {
            lock = try JobLock(path: store.lockPath(id), job: id)
            job = try store.load(id)
            writer = try JournalWriter(path: store.journalPath(id))
        } catch {
            throw CommandFailure.failed(error.description)
        }
        // Trials run where the job was started, whatever the current directory is now.
        let directory = job.header.workingDirectory
        guard FileManager.default.changeCurrentDirectoryPath(directory) else {
            throw CommandFailure.failed("job \(id) ran its trials in \(directory), which is gone: recreate it (with the training script) to go on")
        }
        guard let program = job.header.command.first else {
            throw CommandFailure.failed("job \(id) has no trial command in its journal")
        }
        do {
            executable = try CommandResolver.resolve(program, in: directory)
        } catch {
            throw CommandFailure.failed("job \(id): \(error.message)")
        }
        try runOptions.applyLauncher(to: &job)
    }

    /// Runs `plan` on `record` (the job as opened, or changed since: a new budget), as `run` does.
    func execute(_ record: JobRecord, plan: RunPlan, store: JobStore, runOptions: TrialRunOptions) throws {
        try JobExecution(job: record, store: store, writer: writer, lock: lock, executable: executable, plan: plan,
                         options: runOptions.runOptions(for: record.spec), quiet: runOptions.quiet,
                         launch: LaunchSetup.prepare(spec: record.spec, store: store)).run()
    }
}
