import ArgumentParser
import Foundation
import TuneCore

/// `tune confirm <job>`: re-runs the best configurations with other seeds, and says which is best
/// with the noise in mind.
struct ConfirmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Re-run a job's best configurations with other seeds, and choose the winner with the noise in mind.",
        discussion: """
            Each of the --top best trials' configurations runs --repeats more times, in the same job, each repeat with \
            its seed in $TUNE_SEED (1, 2, … per configuration, so every configuration meets the same seeds) and, with \
            --seed-flag, as that flag of the trainer's. Then tune shows each configuration's mean, standard deviation \
            and 95% confidence interval over its repeats (the first run is left out: it was picked for being best), \
            and whether the best mean beats the next beyond the noise (Welch's t-test). Running confirm again tops \
            each configuration up to --repeats succeeded repeats. Repeats do not count toward maxTrials and the \
            search does not learn from them; `tune trials` lists them under the trial they repeat.
            """
    )

    @Argument(help: ArgumentHelp("The job: its name, or latest.", valueName: "job"), completion: JobNameCompletion.kind)
    var job: String = "latest"

    @Option(help: ArgumentHelp("How many of the best configurations to re-check.", valueName: "k"))
    var top: Int = 3

    @Option(help: ArgumentHelp("Succeeded repeats wanted per configuration.", valueName: "r"))
    var repeats: Int = 5

    @Option(
        name: .customLong("seed-flag"),
        help: ArgumentHelp("The trainer's own seed parameter: each repeat also gets --<name>=<seed> (in the job's parameter style).", valueName: "name"))
    var seedFlag: String?

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var runOptions: TrialRunOptions

    func validate() throws {
        guard (1...100).contains(top) else { throw ValidationError("--top \(top): expected 1 to 100 configurations") }
        guard (1...1000).contains(repeats) else { throw ValidationError("--repeats \(repeats): expected 1 to 1000 repeats per configuration") }
        if let seedFlag, seedFlag.isEmpty || seedFlag.hasPrefix("-") || seedFlag.contains("=") || seedFlag.contains(where: \.isWhitespace) {
            throw ValidationError("--seed-flag \(seedFlag): give the parameter's name without dashes, e.g. --seed-flag seed")
        }
    }

    func run() throws {
        let session = try JobSession.open(job, in: storeOptions.jobStore, launcher: try runOptions.launcherKind())
        let record = session.job
        let plan: ConfirmationPlan
        do { plan = try record.confirmationPlan(top: top, repeats: repeats, seedFlag: seedFlag) } catch { throw CommandFailure.usage(error.description) }
        let chosen = record.confirmationCandidates(top: top)
        if chosen.count < top {
            Console.note("job \(record.id) has \(chosen.count) configuration\(chosen.count == 1 ? "" : "s") to re-check (succeeded trials that ran to their end), not \(top)")
        }
        if plan.isEmpty {
            Console.out(
                "Nothing to run: trial\(chosen.count == 1 ? "" : "s") \(chosen.map { String($0.id) }.joined(separator: ", ")) of job \(record.id) have \(repeats) succeeded repeats each."
            )
            for line in ConfirmationTable.lines(record) { Console.out(line) }
            return
        }
        if !runOptions.quiet {
            Console.stderr(
                "tune: job \(record.id): re-checking trial\(chosen.count == 1 ? "" : "s") \(chosen.map { String($0.id) }.joined(separator: ", ")) with \(plan.count) repeat\(plan.count == 1 ? "" : "s")\(plan.again.isEmpty ? "" : " (\(plan.again.count) interrupted, run again)") ($TUNE_SEED\(seedFlag.map { ", --\($0)" } ?? ""))"
            )
        }
        let outcome = try session.run(.confirm(plan), options: runOptions.runOptions(for: record.spec), reporter: ProgressReporter(quiet: runOptions.quiet))
        let lines = ConfirmationTable.lines(session.job)
        for line in lines { Console.out(line) }
        switch outcome {
        case .succeeded: return
        case .failed(let reason):
            throw CommandFailure.failed("job \(session.job.id): \(reason); the repeats that ran are kept — run tune confirm \(session.job.id) again to make up the rest")
        case .cancelled(let reason):
            throw CommandFailure(message: "job \(session.job.id) \(reason): run tune confirm \(session.job.id) again to make up the repeats that did not run", code: 130)
        }
    }
}
