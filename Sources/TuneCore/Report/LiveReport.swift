import Foundation

/// `tune report JOB --watch`: the job's report, rewritten as its journal grows, until the job is no
/// longer running. Each version replaces the last atomically (written beside it, then renamed over
/// it), so a browser or a reader never sees half a file. While the job runs the page reloads itself
/// (`HTMLReport.reloadEvery`); the version written when the job ends does not.
public struct LiveReport {
    public let store: JobStore
    public let job: String
    /// Where the report goes.
    public let path: String
    /// Seconds between reads of the journal.
    public let interval: TimeInterval
    /// Seconds between the page's own reloads.
    public let reloadEvery: TimeInterval

    public init(store: JobStore, job: String, path: String, interval: TimeInterval, reloadEvery: TimeInterval) {
        self.store = store
        self.job = job
        self.path = path
        self.interval = interval
        self.reloadEvery = reloadEvery
    }

    /// How a watch ended.
    public enum End: Equatable, Sendable {
        /// The job is no longer running: the last version is its final report.
        case jobEnded(JobState)
        /// The job's journal says it runs, but no tune process holds it (killed, or on another
        /// machine): the last version does not reload.
        case runnerGone
        /// `stop` said so (Ctrl-C): the last version does not reload.
        case stopped
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes the report now and again whenever the journal changes, until the job ends or `stop`
    /// returns true (asked between reads). `wrote` hears each version written (its number, from 1,
    /// and whether it is live). Throws when the job cannot be read or the report cannot be written.
    public func run(stop: () -> Bool = { false }, wrote: (Int, Bool) -> Void = { _, _ in }) throws(Failure) -> End {
        var versions = 0
        var lastStamp: JournalStamp?
        var lastLive = false
        while true {
            let stamp = JournalStamp(path: store.journalPath(job))
            var record = try load()
            let running = record.state == .running
            let held = store.runnerPid(job) != nil
            // The job may have ended between the read and the lock check: show its final state.
            if running && !held { record = try load() }
            let stopped = stop()
            let live = record.state == .running && held && !stopped
            if versions == 0 || stamp != lastStamp || live != lastLive {
                try write(HTMLReport(job: record, reloadEvery: live ? reloadEvery : nil))
                versions += 1
                wrote(versions, live)
                lastStamp = stamp
                lastLive = live
            }
            if !live {
                if stopped { return .stopped }
                return record.state == .running ? .runnerGone : .jobEnded(record.state)
            }
            Thread.sleep(forTimeInterval: interval)
        }
    }

    private func load() throws(Failure) -> JobRecord {
        do {
            return try store.load(job)
        } catch {
            throw Failure(description: "cannot read job \(job): \(error)")
        }
    }

    /// The new version beside the old one, then renamed over it.
    private func write(_ report: HTMLReport) throws(Failure) {
        do {
            try PageFile.replace(path, with: report.render())
        } catch {
            throw Failure(description: "cannot write the report to \(path): \(error)")
        }
    }
}

/// The journal's size and modification time: a cheap sign that it changed since the last read.
struct JournalStamp: Equatable {
    var size: Int64
    var modified: Double

    init(path: String) {
        var info = stat()
        if stat(path, &info) == 0 {
            size = Int64(info.st_size)
            modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        } else {
            size = -1
            modified = 0
        }
    }
}
