import ArgumentParser

/// `tune-bench launch [trials]`: trial launch throughput of the `tune` built beside tune-bench (LaunchThroughput.swift).
struct LaunchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch",
        abstract: "Trial launch throughput: the tune built beside tune-bench running trivial trials, 8 and 1 at a time, against xargs -P (best of 3)."
    )

    static let defaultTrials = 200

    @Argument(help: "Trivial bash trials per run.")
    var trials = defaultTrials

    func validate() throws {
        guard trials >= 1 else { throw ValidationError("trials: expected a positive count, got \(trials)") }
    }

    func run() throws {
        try Self.run(trials: trials)
    }

    static func run(trials: Int) throws {
        try LaunchThroughput.run(tune: try BenchCommand.tuneBesideBench(), trials: trials, parallel: [8, 1], repeats: 3)
    }
}
