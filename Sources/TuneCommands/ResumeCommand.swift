import ArgumentParser
import Foundation
import TuneCore

/// `tune resume <job>`: goes on with a job that was interrupted, cancelled or killed, or raises the
/// budget of a finished one.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Go on with a job that was stopped (Ctrl-C, SIGTERM, SIGKILL, a crash), or give a finished job more trials.",
        discussion: """
            Finished trials are kept and the search learns from them. Trials that were running when the job \
            stopped run again as new attempts of the same trial id (the earlier attempt's folder is kept as \
            trials/<id>.attempt-<n>). New trials are started until the job has maxTrials trials in all: the \
            budget counts every trial of the job, across every resume. A grid never repeats a point.
            The trials run in the folder the job was started in, with the command and config journaled then.
            """
    )

    @Argument(help: ArgumentHelp("The job: its name, or latest.", valueName: "job"), completion: JobNameCompletion.kind)
    var job: String = "latest"

    @Option(name: .customLong("max-trials"), help: ArgumentHelp("Raise the job's budget to this many trials in all.", valueName: "n"))
    var maxTrials: Int?

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var runOptions: TrialRunOptions

    func run() throws {
        let session = try JobSession.open(job, in: storeOptions.jobStore, launcher: try runOptions.launcherKind())
        if let maxTrials { try session.setBudget(maxTrials) }
        let record = session.job
        let spec = record.spec

        if let reason = record.failureBudgetExceeded {
            throw CommandFailure.failed(
                "job \(record.id) stopped because \(reason). Fix what made them fail (`tune logs \(record.id) --trial N`), run them again with `tune retry \(record.id)`, then `tune resume \(record.id)` goes on"
            )
        }
        let (again, new) = record.trialsLeft
        if again == 0 && new == 0 {
            if let state = try session.recordUnrecordedEnd() {
                Console.note("job \(record.id) had finished its trials, but tune stopped before journaling the job's end: recorded it as \(state.rawValue)")
            }
            let failed = record.count(.failed)
            var hint = "give it more with `tune resume \(record.id) --max-trials \(record.spec.maxTrials + 10)`"
            if failed > 0 { hint += ", or run its \(failed) failed trial\(failed == 1 ? "" : "s") again with `tune retry \(record.id)`" }
            if spec.algorithm == .grid, record.spec.plannedTrials <= record.searchTrials.count {
                hint = failed > 0 ? "its grid is done; run its failed trials again with `tune retry \(record.id)`" : "its grid is done"
            }
            Console.out("Nothing to resume: job \(record.id) (\(session.job.state.rawValue)) has all its \(record.searchTrials.count) trials finished; \(hint).")
            return
        }
        if !runOptions.quiet {
            let kept = record.trials.filter { $0.state == .succeeded || $0.state == .failed }.count
            var parts = ["\(kept) finished trial\(kept == 1 ? "" : "s") kept"]
            if again > 0 { parts.append("\(again) to run again") }
            if new > 0 { parts.append("up to \(new) new") }
            Console.stderr("tune: resuming job \(record.id): \(parts.joined(separator: ", ")) (\(record.spec.trialBudgetText))")
        }
        try JobExecution.run(session, plan: .resume, options: runOptions.runOptions(for: spec), quiet: runOptions.quiet)
    }
}

/// `tune retry <job>`: runs failed trials again with their own parameters.
struct RetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Run a job's failed trials again, with their original parameters.",
        discussion: """
            Each runs as a new attempt of the same trial id; the earlier attempt's folder is kept as \
            trials/<id>.attempt-<n>. Nothing else of the job runs: use `tune resume` for that.
            """
    )

    @Argument(help: ArgumentHelp("The job: its name, or latest.", valueName: "job"), completion: JobNameCompletion.kind)
    var job: String = "latest"

    @Option(help: ArgumentHelp("Only these trials (failed or cancelled ones), e.g. 3,7.", valueName: "ids"))
    var trials: String?

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var runOptions: TrialRunOptions

    func run() throws {
        let session = try JobSession.open(job, in: storeOptions.jobStore, launcher: try runOptions.launcherKind())
        let record = session.job
        let chosen: [TrialRecord]
        if let trials {
            chosen = try TrialIdList.parse(trials, in: record, accepted: "trial ids such as 3,7")
            // With the lock held, a trial the journal shows as running was interrupted.
            for trial in chosen where trial.state == .succeeded {
                throw CommandFailure.usage(
                    "trial \(trial.id) of job \(record.id) SUCCEEDED: retry runs failed or cancelled trials (its failed ones: \(Self.list(record.trials.filter { $0.state == .failed })))"
                )
            }
        } else {
            chosen = record.trials.filter { $0.state == .failed }
            if chosen.isEmpty {
                Console.out("Nothing to retry: job \(record.id) has no failed trials.")
                return
            }
        }
        if !runOptions.quiet {
            Console.stderr("tune: job \(record.id): running trial\(chosen.count == 1 ? "" : "s") \(Self.list(chosen)) again")
        }
        try JobExecution.run(session, plan: .retry(chosen.map(\.id)), options: runOptions.runOptions(for: record.spec), quiet: runOptions.quiet)
    }

    static func list(_ trials: [TrialRecord]) -> String {
        trials.isEmpty ? "none" : trials.map { String($0.id) }.joined(separator: ", ")
    }
}
