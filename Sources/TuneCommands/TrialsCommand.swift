import ArgumentParser
import TuneCore

/// `tune trials <job>`: the job's trials, best first.
struct TrialsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trials",
        abstract: "List a job's trials, best first: objective, step, hyperparameters, trial id, state."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    @Argument(help: "The job name, or `latest`.")
    var job: String = "latest"

    @Option(help: "table, json (Cloud ML's HyperparameterOutput) or csv.")
    var format: Format = .table

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let record = try storeOptions.load(job)
        let listing = TrialListing(job: record)
        switch format {
        case .table:
            Console.out(record.trials.isEmpty ? "job \(record.id) has no trials yet" : listing.table())
        case .json:
            Console.out(listing.json())
        case .csv:
            Console.out(listing.csv())
        }
    }
}
