import ArgumentParser
import Foundation
import TuneCore

/// `tune compare JOB JOB…`: jobs of one objective side by side — each one's best trial, the trials
/// it took to reach a share of the overall best, and the best-so-far curves overlaid.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare jobs of one objective: best trial, trials to reach the best, best-so-far curves overlaid.",
        discussion: """
            The jobs must share their (first) objective: the same metric tag and goal. Trials to reach: the trial \
            number at which a job's best so far first closed --reach of the gap from the worst of the jobs' first \
            values to the best value of all jobs (— when it never did). A job's curve counts its succeeded trials \
            that ran their whole course and crossed no safety bound; in a Hyperband or PBT job only those at the \
            largest budget it reached; trial numbers count every trial. With several objectives, jobs are compared \
            by the first. In the chart each job is a line of its own mark (* + o # …, in the order given).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    @Argument(help: "Two jobs or more (names, or `latest`).", completion: JobNameCompletion.kind)
    var jobs: [String] = []

    @Option(help: ArgumentHelp("The share of the gap to the overall best a job must close, above 0 and at most 1.", valueName: "fraction"))
    var reach: Double = 0.95

    @Option(help: "table (with the chart), json or csv.")
    var format: Format?

    @Option(help: ArgumentHelp("Write the comparison as a self-contained HTML page (chart and table) to this file; its path on stdout.", valueName: "file"))
    var html: String?

    @Option(help: "Chart width in columns (at least \(TerminalChart.minimumWidth)).")
    var width: Int?

    @Option(help: "Chart height in lines, title and legend included (at least \(TerminalChart.minimumHeight)).")
    var height: Int?

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        guard jobs.count >= 2 else {
            throw ValidationError("give two jobs or more to compare (got \(jobs.count)); `tune jobs` lists them")
        }
        guard reach.isFinite, reach > 0, reach <= 1 else {
            throw ValidationError("--reach must be above 0 and at most 1 (0.95: 95% of the gap to the best), got \(reach)")
        }
        if html != nil, format != nil { throw ValidationError("--html writes a page and --format prints a listing: give one") }
        if let width { try NumericOption.integer(width, "--width", in: TerminalChart.minimumWidth...PlotCommand.maximumSize, what: "a width in columns") }
        if let height { try NumericOption.integer(height, "--height", in: TerminalChart.minimumHeight...PlotCommand.maximumSize, what: "a height in lines") }
    }

    func run() throws {
        let records = try jobs.map { try storeOptions.load($0) }
        let comparison: JobComparison
        do {
            comparison = try JobComparison(jobs: records, fraction: reach)
        } catch {
            throw CommandFailure.usage(error.description)
        }
        if let html {
            try writePage(comparison, to: html)
            return
        }
        let listing = ComparisonListing(comparison: comparison)
        switch format ?? .table {
        case .table:
            for note in comparison.notes { Console.note(note) }
            Console.out(listing.table())
            Console.out("")
            let size = TerminalSize.current()
            for line in ComparisonPlot.chart(comparison).render(width: width ?? size.width, height: height ?? size.height) { Console.out(line) }
        case .json:
            Console.out(listing.json())
        case .csv:
            Console.out(listing.csv())
        }
    }

    private func writePage(_ comparison: JobComparison, to path: String) throws {
        if let refusal = storeOptions.jobStore.refusal(toWrite: path, option: "--html") { throw CommandFailure.usage(refusal) }
        do {
            try PageFile.replace(path, with: ComparisonSection(comparison: comparison).page())
        } catch {
            throw CommandFailure.failed("cannot write the comparison to \(path): \(error)")
        }
        Console.out(path)
    }
}
