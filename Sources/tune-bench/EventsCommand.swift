import ArgumentParser

/// `tune-bench events [MB]`: event-file reading throughput (EventsBenchmark.swift).
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Event-file reading throughput: EventFilesSource on a synthetic TensorFlow event file of scalars (best of 3)."
    )

    static let defaultMegabytes = 100

    @Argument(help: ArgumentHelp("The event file's size in MB.", valueName: "MB"))
    var megabytes = defaultMegabytes

    func validate() throws {
        guard megabytes >= 1 else { throw ValidationError("MB: expected a positive size, got \(megabytes)") }
    }

    func run() throws {
        try EventsBenchmark.run(megabytes: megabytes)
    }
}
