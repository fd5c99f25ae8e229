import ArgumentParser
import Foundation
import TuneCore

#if canImport(Glibc)
import Glibc
#endif

/// `tune watch <job>` (also `tune status <job> --follow`): the status view, kept up to date until the job ends.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow a job live: running trials, counts, best so far; ends by itself when the job does.",
        discussion: """
            On a terminal the view is redrawn in place; otherwise (a file, a pipe) a snapshot is appended \
            at most every 2 seconds, and a last one when the job ends. Ends when the job is no longer \
            running (finished, or its tune process is gone), or on Ctrl-C.
            """
    )

    @Argument(help: "The job name, or `latest`.", completion: JobNameCompletion.kind)
    var job: String = "latest"

    @Option(help: ArgumentHelp("Seconds between reads of the journal.", valueName: "seconds"))
    var interval: Double = 0.5

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws { try JobWatch.check(interval: interval) }

    func run() throws {
        let record = try storeOptions.load(job)
        try JobWatch(store: storeOptions.jobStore, job: record.id, interval: interval).run()
    }
}

/// The watch loop: replays the journal every `interval` and shows `StatusView`'s lines.
struct JobWatch {
    /// `--interval`, checked for `watch` and `status --follow` alike.
    static func check(interval: Double) throws {
        try NumericOption.seconds(interval, "--interval", in: 0...3600, above: true)
    }

    let store: JobStore
    let job: String
    let interval: Double
    var isTerminal = isatty(STDOUT_FILENO) == 1
    /// Not on a terminal: the least time between two snapshots.
    var plainPeriod: TimeInterval = 2

    func run() throws {
        var lastPlain = Date.distantPast
        var drawn = 0
        while true {
            var record = try load()
            var live = record.state == .running && store.runnerPid(job) != nil
            // The job may have ended between the read and the lock check: show its final state.
            if !live { record = try load() }
            live = live && record.state == .running
            let now = Date()
            var lines = StatusView.lines(record, store: store, now: now)
            lines.insert(
                "tune watch \(job) · \(Self.clock(now))"
                    + (live ? " · every \(NiceTicks.label(interval))s, Ctrl-C to stop" : " · the job is no longer running"), at: 0)
            if isTerminal {
                let width = Self.terminalWidth()
                let text = lines.map { $0.count >= width ? String($0.prefix(max(width - 2, 1))) + "…" : $0 }
                // Back to the first line of the last view, clear to the end of the screen, draw.
                write((drawn > 0 ? "\u{1B}[\(drawn)F\u{1B}[J" : "") + text.joined(separator: "\n") + "\n")
                drawn = text.count
            } else if !live || now.timeIntervalSince(lastPlain) >= plainPeriod {
                write(lines.joined(separator: "\n") + "\n\n")
                lastPlain = now
            }
            if !live { return }
            Thread.sleep(forTimeInterval: interval)
        }
    }

    private func load() throws -> JobRecord {
        do {
            return try store.load(job)
        } catch {
            throw CommandFailure.failed("cannot read job \(job): \(error)")
        }
    }

    private func write(_ text: String) {
        var text = text
        text.withUTF8 { _ = Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }

    static func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: date)
    }

    static func terminalWidth() -> Int {
        TerminalWindow.size(of: STDOUT_FILENO)?.columns ?? 80
    }
}
