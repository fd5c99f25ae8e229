import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Slurm's commands, found on the PATH of the machine tune runs on (a login node).
public struct SlurmTools: Sendable {
    public var srun: String
    public var squeue: String
    public var scancel: String
    public var scontrol: String
    public var sinfo: String

    /// The tools on `environment`'s PATH; an error naming what is missing and what to do.
    public static func find(environment: [String: String]) throws(LaunchError) -> SlurmTools {
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        let names = ["srun", "squeue", "scancel", "scontrol", "sinfo"]
        let found = names.map { CommandResolver.onPath($0, path: path) }
        let missing = zip(names, found).filter { $0.1 == nil }.map(\.0)
        guard missing.isEmpty else {
            throw LaunchError(
                "the Slurm launcher needs \(missing.joined(separator: ", ")) on the PATH, and \(missing.count == 1 ? "it is" : "they are") not there: run tune on a Slurm login node (or `module load slurm`), or run trials here with --launcher local"
            )
        }
        return SlurmTools(srun: found[0]!, squeue: found[1]!, scancel: found[2]!, scontrol: found[3]!, sinfo: found[4]!)
    }
}

/// What tune knows of its trials' Slurm jobs, kept fresh without blocking the tuning loop: one
/// `squeue` for all of them every `interval` seconds, run in the background and read on later
/// ticks; `scancel`s are fired the same way. Inside an allocation the trials are job steps, which
/// `squeue --steps` lists only while they run: a step not listed yet is waiting to be created.
final class SlurmQueue {
    let tools: SlurmTools
    let environment: [String: String]
    /// The allocation tune runs in (`SLURM_JOB_ID`), whose steps the trials are; nil: one job each.
    let allocation: String?
    let interval: TimeInterval
    private var statuses: [String: SchedulerStatus] = [:]
    private var query: BackgroundCommand?
    private var lastQuery = Date.distantPast
    private var helpers: [BackgroundCommand] = []

    init(tools: SlurmTools, environment: [String: String], allocation: String?, interval: TimeInterval) {
        self.tools = tools
        self.environment = environment
        self.allocation = allocation
        self.interval = interval
    }

    func watch(_ name: String) {
        statuses[name] = SchedulerStatus(state: "PENDING", reason: allocation == nil ? "submitted" : "waiting for a job step")
        lastQuery = .distantPast
    }

    /// The trial said it runs (see `SlurmWrapper`): a later `squeue` answer that still has it
    /// pending (asked before it started) does not undo that.
    func markRunning(_ name: String, jobId: String, node: String) {
        guard statuses[name] != nil else { return }
        statuses[name] = SchedulerStatus(jobId: jobId, state: "RUNNING", node: node)
    }

    func forget(_ name: String) {
        statuses[name] = nil
    }

    func status(of name: String) -> SchedulerStatus? {
        statuses[name]
    }

    /// Reads a finished `squeue`, starts the next one when due, and reaps finished `scancel`s.
    func tick(now: Date = Date()) {
        helpers.removeAll { $0.poll() }
        if let query {
            guard query.poll() else { return }
            self.query = nil
            if let result = query.result, result.succeeded { apply(result.stdout) }
        }
        guard !statuses.isEmpty, now.timeIntervalSince(lastQuery) >= interval else { return }
        lastQuery = now
        let names = statuses.keys.sorted().joined(separator: ",")
        let arguments: [String]
        if let allocation {
            arguments = ["--noheader", "--steps", "--jobs=\(allocation)", "--format=%i|%j|%N"]
        } else {
            arguments = ["--noheader", "--user=\(getuid())", "--name=\(names)", "--format=%i|%j|%T|%r|%N"]
        }
        query = BackgroundCommand.start(tools.squeue, arguments, environment: environment, timeout: 30)
    }

    private func apply(_ listing: String) {
        // Oldest first, so that when an earlier attempt's job of the same name is still listed
        // (completing), the newest job is the one kept.
        let rows = listing.split(separator: "\n").sorted { Self.order($0).lexicographicallyPrecedes(Self.order($1)) }
        for line in rows {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 3, statuses[fields[1]] != nil else { continue }
            let known = statuses[fields[1]]
            if allocation != nil {
                statuses[fields[1]] = SchedulerStatus(jobId: fields[0], state: "RUNNING", node: fields[2])
            } else if fields.count >= 5 {
                let seen = SchedulerStatus(jobId: fields[0], state: fields[2], reason: fields[3], node: fields[4])
                if seen.isPending, let known, !known.isPending, known.jobId == seen.jobId { continue }
                statuses[fields[1]] = seen
            }
        }
    }

    /// A job or step id as numbers (`123.4` → [123, 4]), for ordering.
    private static func order(_ line: Substring) -> [Int] {
        (line.split(separator: "|").first ?? "").split(separator: ".").map { Int($0) ?? 0 }
    }

    /// Sends `signal` (a name such as `TERM`) to a running job or step, or cancels it (nil), by
    /// its id or, while the id is unknown, by its name. In the background: `scancel` can take
    /// its time on a busy controller.
    func cancel(name: String, jobId: String?, signal: String?) {
        var arguments: [String] = []
        if let signal { arguments.append("--signal=\(signal)") }
        if let jobId {
            arguments.append(jobId)
        } else {
            arguments += ["--user=\(getuid())", "--name=\(name)"]
        }
        if let helper = BackgroundCommand.start(tools.scancel, arguments, environment: environment, timeout: 60) {
            helpers.append(helper)
        }
    }

    /// Waits (a few seconds at most) for the `scancel`s fired so far, so tune does not exit before
    /// its cancels reached Slurm.
    func finishCancels() {
        for helper in helpers { _ = helper.wait() }
        helpers.removeAll()
    }

    /// `scontrol show job` for a job that ended: its state and reason (`TIMEOUT`, `TimeLimit`), as
    /// long as Slurm still remembers it (MinJobAge). nil inside an allocation or when unknown.
    /// The job's end state once Slurm has settled it: srun can exit (its step killed by a
    /// preemption, say) while `scontrol` still says RUNNING or COMPLETING, so a state that is not
    /// final yet is asked again, for up to `patience` seconds.
    func finalState(of jobId: String, patience: TimeInterval = 5) -> (state: String, reason: String?)? {
        let settling: Set<String> = ["RUNNING", "COMPLETING", "PENDING", "CONFIGURING", "SUSPENDED", "STAGE_OUT", "SIGNALING"]
        let deadline = Date().addingTimeInterval(patience)
        while true {
            let end = endState(of: jobId)
            guard let state = end?.state, settling.contains(state), Date() < deadline else { return end }
            usleep(250_000)
        }
    }

    func endState(of jobId: String) -> (state: String, reason: String?)? {
        guard allocation == nil, !jobId.contains("."),
            let result = BackgroundCommand.run(tools.scontrol, ["show", "job", jobId, "--oneliner"], environment: environment, timeout: 10),
            result.succeeded
        else { return nil }
        let fields = Dictionary(
            result.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { field -> (String, String)? in
                guard let equals = field.firstIndex(of: "=") else { return nil }
                return (String(field[..<equals]), String(field[field.index(after: equals)...]))
            }, uniquingKeysWith: { first, _ in first })
        guard let state = fields["JobState"] else { return nil }
        return (state, fields["Reason"])
    }
}
