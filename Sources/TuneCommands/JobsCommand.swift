import ArgumentParser
import Foundation
import TuneCore

/// `tune jobs`: every job in the store, newest first.
struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "List every job in the store, newest first.")

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let store = storeOptions.jobStore
        let listing = store.listing()
        guard !listing.isEmpty else {
            Console.out("no jobs in \(store.root) yet: start one with `tune run <command> --config <file>`")
            return
        }
        var table = TextTable(headers: ["job", "state", "trials", "best", "created", "command"])
        var unreadable: [String] = []
        for entry in listing {
            switch entry {
            case .unreadable(let name, let reason):
                unreadable.append(name)
                table.add([name, "UNREADABLE", "-", "-", "-", reason])
            case .readable(let header):
                let job: JobRecord
                do {
                    job = try store.load(header.id)
                } catch {
                    // A newer tune's job is sound, only not for this tune: listed, not an error.
                    if header.format > JournalFormat.current {
                        table.add([header.id, "NEWER FORMAT", "-", "-", JobView.localTime(header.createTime), error.description])
                    } else {
                        unreadable.append(header.id)
                        table.add([header.id, "UNREADABLE", "-", "-", JobView.localTime(header.createTime), error.description])
                    }
                    continue
                }
                storeOptions.warnIfDamaged(job)
                let done = job.trials.filter { $0.state.isFinished }.count
                let front = job.paretoFront.count
                let best =
                    job.spec.isMultiObjective
                    ? (front == 0 ? "-" : "front of \(front)") : job.bestTrial?.finalMetric.map { "\(job.spec.metricTag)=\(MetricReading.display($0.value))" } ?? "-"
                table.add([
                    job.id, JobView.state(of: job, store: store) + (job.journalDamage.isEmpty ? "" : " (DAMAGED)"), "\(done)/\(job.spec.plannedTrials)", best,
                    JobView.localTime(job.header.createTime), job.header.command.joined(separator: " "),
                ])
            }
        }
        Console.out(table.render())
        if !unreadable.isEmpty {
            let names = unreadable.joined(separator: ", ")
            throw CommandFailure.failed(
                "\(unreadable.count) job\(unreadable.count == 1 ? "" : "s") in \(store.root) cannot be read (\(names)): see the reason in the list, and `tune doctor JOB`")
        }
    }
}

/// Shared ways of showing a job.
enum JobView {
    /// The journal's state, except that a job journaled as running whose tune process is gone
    /// shows as INTERRUPTED.
    static func state(of job: JobRecord, store: JobStore) -> String {
        guard job.state == .running else { return job.state.rawValue }
        return store.runnerPid(job.id) == nil ? "INTERRUPTED" : "RUNNING"
    }

    static func localTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }
}
