import ArgumentParser
import TuneCore

/// `tune trials <job>`: the job's trials, best first.
struct TrialsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trials",
        abstract: "List a job's trials, best first: objective, step, hyperparameters, trial id, state.",
        discussion: """
            With several objectives, the first column ranks each trial by Pareto front (* on the front, 2 for the next \
            front, …); trials are ordered by front, then by the first objective. With safety metrics, trials that crossed a \
            bound are marked NO under safe, listed after the safe ones, and never on the front.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    @Argument(help: "The job name, or `latest`.", completion: JobNameCompletion.kind)
    var job: String = "latest"

    @Option(help: "table, json (Cloud ML's HyperparameterOutput) or csv.")
    var format: Format = .table

    @Option(
        help: ArgumentHelp(
            "Show these metrics besides the objective, a column each, at each trial's final measurement (measurementSelectionType).",
            valueName: "tag,tag"))
    var metrics: String?

    @Flag(help: "Show every metric the trials reported besides the objective (CSV and JSON always hold them all).")
    var allMetrics = false

    @Flag(help: "Only the Pareto-optimal trials (with several objectives; with one, the best trial).")
    var pareto = false

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let record = try storeOptions.load(job)
        var listing = TrialListing(job: record)
        listing.paretoOnly = pareto
        let reported = record.otherMetricTags
        if allMetrics {
            listing.metrics = reported
        } else if let metrics {
            listing.metrics = metrics.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for tag in listing.metrics where !reported.contains(tag) {
                let known = reported.isEmpty ? "no trial reported a metric besides the objective" : "reported: \(reported.joined(separator: ", "))"
                Console.note("no trial of job \(record.id) reported '\(tag)' (\(known))")
            }
        }
        switch format {
        case .table:
            if record.trials.isEmpty {
                Console.out("job \(record.id) has no trials yet")
            } else if pareto && record.paretoFront.isEmpty {
                Console.out("job \(record.id) has no \(record.spec.safety.isEmpty ? "" : "feasible ")succeeded trial yet, so no Pareto front")
            } else {
                Console.out(listing.table())
            }
        case .json:
            Console.out(listing.json())
        case .csv:
            Console.out(listing.csv())
        }
    }
}
