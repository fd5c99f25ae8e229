import ArgumentParser

/// The replay benchmark's size: `[trials] [readings]`.
struct ReplayArguments: ParsableArguments {
    @Argument(help: "Trials in the synthetic journal.")
    var trials = 1_000

    @Argument(help: "Metric readings per trial.")
    var readings = 100

    func validate() throws {
        guard trials >= 1 else { throw ValidationError("trials: expected a positive count, got \(trials)") }
        guard readings >= 1 else { throw ValidationError("readings: expected a positive count, got \(readings)") }
    }
}

/// `tune-bench replay [trials] [readings]`: the journal replay benchmark alone (ReplayBenchmark.swift).
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "How long `tune trials` / `tune status` take to load a big job: Journal.replay of a synthetic journal (best of 5).",
        discussion: """
            Each reading in its own `metrics` event, as a slow trial reporting once per epoch produces, then the \
            same readings batched to one event per trial.
            """
    )

    @OptionGroup var replay: ReplayArguments

    func run() throws {
        try ReplayBenchmark.run(trials: replay.trials, readings: replay.readings)
    }
}
