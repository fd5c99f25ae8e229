import ArgumentParser
import Foundation
import TuneCore

/// `tune export mlflow JOB`: a job, finished or not, sent to MLflow from its journal.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Send a job to another tool from its journal.",
        subcommands: [ExportMLflowCommand.self]
    )
}

/// Re-syncs a job to an MLflow tracking server: the runs it already has there (found by their
/// `tune.job`/`tune.trial` tags) are filled in and updated, the missing ones made; run twice, it
/// makes no duplicates.
struct ExportMLflowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlflow",
        abstract: "Log a job to an MLflow tracking server, or bring its runs there up to date.",
        discussion: """
            The experiment is named after the job: a parent run for the job, a child run per trial \
            (params, every metric reading with its step, status, tags). Runs already there from \
            `tune run --mlflow` or an earlier export are updated, not made again.
            """
    )

    @Argument(help: "The job name, or `latest`.", completion: JobNameCompletion.kind)
    var job: String = "latest"

    @Option(help: ArgumentHelp("The MLflow tracking server (default: $MLFLOW_TRACKING_URI).", valueName: "uri"))
    var mlflow: String?

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        guard let text = MLflowOption.uri(mlflow) else {
            throw CommandFailure.usage(
                "no MLflow tracking server: give --mlflow http://HOST:PORT or set MLFLOW_TRACKING_URI (start one with `mlflow server --host 127.0.0.1 --port 5000`)")
        }
        let uri: MLflowTrackingURI
        do {
            uri = try MLflowTrackingURI(text)
        } catch {
            throw CommandFailure.usage(error.message)
        }
        let record = try storeOptions.load(job)
        var sync = MLflowSync(client: MLflowClient(uri: uri))
        do {
            try sync.sync(record)
        } catch {
            let what =
                error.kind == .unreachable
                ? "\(error.message). Start the server (`mlflow server --host 127.0.0.1 --port 5000`) or check --mlflow, then run this again" : error.message
            throw CommandFailure.failed("job \(record.id) was not exported: " + what)
        }
        for rejection in sync.rejections { Console.warning("MLflow refused \(rejection)") }
        let made = sync.createdRuns
        Console.out(
            "job \(record.id) → MLflow at \(uri): experiment '\(record.id)' with the job's run and \(sync.trialRunCount) trial run\(sync.trialRunCount == 1 ? "" : "s")"
                + " (\(made == 0 ? "none new" : "\(made) new"))")
        if let experiment = sync.experimentID, let parent = sync.parentRunID { Console.out(uri.runPage(experiment: experiment, run: parent)) }
        if !sync.rejections.isEmpty { throw CommandFailure.failed("MLflow refused \(sync.rejections.count) request\(sync.rejections.count == 1 ? "" : "s") (above)") }
    }
}
