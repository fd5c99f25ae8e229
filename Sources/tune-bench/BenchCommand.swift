// tune-bench: the project's benchmarks, one subcommand each.
//
//     swift build -c release && .build/release/tune-bench                  # all: replay, event files, launch
//     .build/release/tune-bench [trials] [readings]                        # all, with a smaller replay
//     .build/release/tune-bench replay [trials] [readings]                 # replay only (ReplayBenchmark.swift)
//     .build/release/tune-bench events [MB]                                # event files only (100 MB; EventsBenchmark.swift)
//     .build/release/tune-bench launch [trials]                            # launch throughput only (LaunchThroughput.swift)
//     .build/release/tune-bench search [--strategy random|bayes|all] …      # search strategies vs the peers (SearchBenchmark.swift);
//                                                                          # not part of the run with no arguments
//     .build/release/tune-bench gp [seeds] [--no-timing] [problem …]       # Bayesian optimization figures (GPBenchmark.swift)
//     .build/release/tune-bench curves [--seeds 10] …                      # early stopping and Hyperband on learning curves
//                                                                          # (CurvesBenchmark.swift); its trials run
//     .build/release/tune-bench curve-trial --problem P --epochs N …       # the curve trial (CurveTrial.swift)
//     .build/release/tune-bench stoprules [--seeds 10] [--problems a,b]    # the job stop rules' savings and cost
//                                                                          # (StopRulesBenchmark.swift)
import ArgumentParser
import Foundation

@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune-bench",
        abstract: "tune's benchmarks (build with -c release for meaningful figures).",
        discussion: """
            With no subcommand: the journal replay benchmark, then event files (100 MB) and trial launch \
            throughput (200 trials). search, gp and curves are not part of that run.
            """,
        subcommands: [
            AllCommand.self, ReplayCommand.self, EventsCommand.self, LaunchCommand.self, SearchCommand.self,
            GPCommand.self, CurvesCommand.self, CurveTrialCommand.self, StopRulesCommand.self,
        ],
        defaultSubcommand: AllCommand.self
    )

    /// The `tune` built beside this executable, which the benchmarks that run jobs use.
    static func tuneBesideBench() throws -> String {
        let tune = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("tune").path
        guard FileManager.default.isExecutableFile(atPath: tune) else {
            throw BenchError("no tune beside tune-bench (\(tune)): build both with `swift build -c release`")
        }
        return tune
    }
}

/// `tune-bench [trials] [readings]`: what runs with no subcommand.
struct AllCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "The journal replay, then event files (100 MB) and launch throughput (200 trials): the run with no subcommand."
    )

    @OptionGroup var replay: ReplayArguments

    func run() throws {
        try ReplayBenchmark.run(trials: replay.trials, readings: replay.readings)
        print("")
        try EventsBenchmark.run(megabytes: EventsCommand.defaultMegabytes)
        print("")
        try LaunchCommand.run(trials: LaunchCommand.defaultTrials)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
