import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The process and open-file limits tune runs under (`ulimit -u`, `ulimit -n`), and how many trials
/// they leave room for: a job whose maxParallelTrials is above that runs fewer at a time, and says
/// so once, instead of trials failing with "Cannot fork" or "Too many open files".
public struct ProcessLimits: Sendable, Equatable {
    /// RLIMIT_NPROC (processes and threads of this user), nil when unlimited or not enforced (root).
    public var processLimit: Int?
    /// This user's processes and threads now.
    public var processesInUse: Int
    /// RLIMIT_NOFILE (descriptors of this process), nil when unlimited.
    public var fileLimit: Int?
    /// Descriptors tune has open now.
    public var filesInUse: Int

    /// What one running trial takes at least: its process and one it starts (a shell and the
    /// trainer), and in tune its two pipes and two logs.
    public static let processesPerTrial = 2
    public static let filesPerTrial = 4
    /// Descriptors kept for tune itself (the journal, the lock, the watchdog, metric watches).
    public static let filesReserved = 24

    public init(processLimit: Int?, processesInUse: Int, fileLimit: Int?, filesInUse: Int) {
        self.processLimit = processLimit
        self.processesInUse = processesInUse
        self.fileLimit = fileLimit
        self.filesInUse = filesInUse
    }

    /// The limits of this process now.
    public static func current() -> ProcessLimits {
        var processes = rlimit()
        var files = rlimit()
        // The kernel does not hold root to RLIMIT_NPROC.
        let processLimit = getuid() != 0 && getrlimit(RLIMIT_NPROC_VALUE, &processes) == 0 ? finite(processes.rlim_cur) : nil
        let fileLimit = getrlimit(RLIMIT_NOFILE_VALUE, &files) == 0 ? finite(files.rlim_cur) : nil
        return ProcessLimits(
            processLimit: processLimit, processesInUse: processLimit == nil ? 0 : tasksOfThisUser(),
            fileLimit: fileLimit, filesInUse: DirectoryEntries.list("/proc/self/fd")?.count ?? 16)
    }

    /// The trials that fit at once when fewer than `wanted`, and a note saying why and what to do;
    /// nil when `wanted` fit (never fewer than 1: a single trial is always tried).
    public func cap(_ wanted: Int) -> (slots: Int, note: String)? {
        var slots = wanted
        var reasons: [String] = []
        if let limit = processLimit {
            let room = max((limit - processesInUse) / Self.processesPerTrial, 1)
            if room < slots {
                slots = room
                reasons.append(
                    "the process limit (ulimit -u) is \(limit) with \(processesInUse) in use, room for \(room) trial\(room == 1 ? "" : "s") of at least \(Self.processesPerTrial) processes — raise it with ulimit -u"
                )
            }
        }
        if let limit = fileLimit {
            let room = max((limit - filesInUse - Self.filesReserved) / Self.filesPerTrial, 1)
            if room < slots {
                slots = room
                reasons.append(
                    "the open-file limit (ulimit -n) is \(limit), room for \(room) trial\(room == 1 ? "" : "s") of \(Self.filesPerTrial) descriptors — raise it with ulimit -n")
            }
        }
        guard slots < wanted else { return nil }
        return (
            slots,
            "running at most \(slots) trial\(slots == 1 ? "" : "s") at a time, not maxParallelTrials \(wanted): " + reasons.joined(separator: "; ") + ", or lower maxParallelTrials"
        )
    }

    private static func finite(_ value: rlim_t) -> Int? {
        // RLIM_INFINITY is all ones, above Int.max.
        value > rlim_t(Int.max) ? nil : Int(value)
    }

    /// Threads of every process of this user, as RLIMIT_NPROC counts them (from /proc).
    private static func tasksOfThisUser() -> Int {
        let uid = getuid()
        var total = 0
        for entry in DirectoryEntries.list("/proc") ?? [] where entry.name.first?.isNumber == true {
            guard let status = try? String(contentsOfFile: "/proc/\(entry.name)/status", encoding: .utf8) else { continue }
            var owner: UInt32?
            var threads = 1
            for line in status.split(separator: "\n") {
                if line.hasPrefix("Uid:") { owner = line.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap { UInt32($0) } }
                if line.hasPrefix("Threads:") { threads = line.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap { Int($0) } ?? 1 }
            }
            if owner == uid { total += threads }
        }
        return total
    }
}

#if canImport(Glibc)
private let RLIMIT_NPROC_VALUE = __rlimit_resource_t(__RLIMIT_NPROC.rawValue)
private let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#else
private let RLIMIT_NPROC_VALUE = RLIMIT_NPROC
private let RLIMIT_NOFILE_VALUE = RLIMIT_NOFILE
#endif
