import ArgumentParser
import Foundation
import TuneCore

#if canImport(Glibc)
import Glibc
#endif

/// `tune plot <job> [--param NAME]`: the optimization history, or a slice, as a text chart.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Chart a job in the terminal: the objective by trial with the best so far, or by one parameter (--param).",
        discussion: """
            • succeeded trial, ◦ stopped early, × crossed a safety bound, x failed (on the lane under the plot), \
            ─ best so far. With several objectives, --front charts the second against the first: * on the Pareto \
            front, · dominated. \
            The y axis is logarithmic with --log, and by itself when every objective is > 0 and they span \
            more than 3 decades. --param NAME plots the objective against that parameter's value: log x \
            for UNIT_LOG_SCALE, one column per category for CATEGORICAL. The chart fits the terminal \
            ($COLUMNS, else the terminal's size; 80×20 when stdout is not a terminal).
            """
    )

    @Argument(help: "The job name, or `latest`.", completion: JobNameCompletion.kind)
    var job: String = "latest"

    @Option(help: ArgumentHelp("Plot the objective against this parameter's value.", valueName: "name"))
    var param: String?

    @Option(help: "Width in columns (at least \(TerminalChart.minimumWidth)).")
    var width: Int?

    @Option(help: "Height in lines, title and legend included (at least \(TerminalChart.minimumHeight)).")
    var height: Int?

    @Flag(help: "A logarithmic y axis (when every objective is > 0).")
    var log = false

    @Flag(help: "With several objectives: the second against the first, * on the Pareto front, · dominated, × unsafe.")
    var front = false

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        if let width { try NumericOption.integer(width, "--width", in: TerminalChart.minimumWidth...Self.maximumSize, what: "a width in columns") }
        if let height { try NumericOption.integer(height, "--height", in: TerminalChart.minimumHeight...Self.maximumSize, what: "a height in lines") }
    }

    /// The widest and tallest chart drawn: a chart is text held in memory, line by line.
    static let maximumSize = 1000

    func run() throws {
        let record = try storeOptions.load(job)
        var spec: ParameterSpec?
        if let param {
            guard let found = record.spec.param(named: param) else {
                let known = record.spec.params.map(\.name)
                throw CommandFailure.usage(
                    "job \(record.id) has no parameter \(param)"
                        + (known.isEmpty ? ": it has no parameters" : "; its parameters: " + known.joined(separator: ", ")))
            }
            spec = found
        }
        if front && param != nil { throw CommandFailure.usage("--front and --param draw different charts: give one") }
        if front && !record.spec.isMultiObjective {
            throw CommandFailure.usage(
                "job \(record.id) has one objective (\(record.spec.metricTag)): --front charts jobs with several (a metrics: list); plot the history without it")
        }
        if let empty = JobPlot.nothingToPlot(record) {
            Console.out(empty)
            return
        }
        let chart =
            front
            ? JobPlot.front(record, logY: log)! : spec.map { JobPlot.slice(record, param: $0, logY: log) } ?? JobPlot.history(record, logY: log)
        let size = TerminalSize.current()
        for line in chart.render(width: width ?? size.width, height: height ?? size.height) { Console.out(line) }
    }
}

/// The size a chart gets: $COLUMNS (and $LINES) when set, else the terminal's, else 80×20.
enum TerminalSize {
    static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> (width: Int, height: Int) {
        var width = 80
        var height = 20
        if isatty(STDOUT_FILENO) == 1, let size = TerminalWindow.size(of: STDOUT_FILENO) {
            width = size.columns
            if size.rows > 0 { height = min(max(size.rows - 2, TerminalChart.minimumHeight), 40) }
        }
        if let columns = environment["COLUMNS"].flatMap(Int.init), columns > 0 { width = columns }
        if let lines = environment["LINES"].flatMap(Int.init), lines > 0 { height = min(max(lines - 2, TerminalChart.minimumHeight), 40) }
        return (min(max(width, TerminalChart.minimumWidth), PlotCommand.maximumSize), height)
    }
}
