import Foundation

/// The job store: a folder (`.tune/` by default) with one folder per job, each holding the job's
/// journal, its lock, and one folder per trial for its output.
///
/// ```
/// .tune/<job>/journal.jsonl
/// .tune/<job>/lock
/// .tune/<job>/trials/<trial>/stdout.log, stderr.log, hypertune.metric, … whatever the trial writes
/// ```
public struct JobStore: Sendable {
    /// Absolute path of the store folder.
    public let root: String

    public static let defaultFolder = ".tune"
    public static let environmentVariable = "TUNE_STORE"

    public init(root: String) {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
    }

    /// `--store` if given, else `$TUNE_STORE`, else `.tune` in the current directory.
    public init(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let chosen = option ?? environment[Self.environmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultFolder
        self.init(root: chosen)
    }

    public func jobDirectory(_ job: String) -> String { root + "/" + job }

    /// Why `destination` (a file or folder a command would write, given as `option`) may not be
    /// written: it is the store or inside it, where tune's own files are (a report over the journal, a
    /// trial's folder copied into itself), or (with `orHolding`) it holds the store, which replacing it
    /// would delete. nil when it is elsewhere. Links and `..` are resolved on both sides.
    public func refusal(toWrite destination: String, option: String, orHolding: Bool = true) -> String? {
        if ResolvedPath.isWithin(destination, root) {
            return "\(option) \(destination) is inside the job store \(root), which holds tune's journals and trial folders: write it outside the store"
        }
        if orHolding, ResolvedPath.isWithin(root, destination) {
            return "\(option) \(destination) holds the job store \(root): writing there could replace it; choose a folder outside the store"
        }
        return nil
    }
    public func journalPath(_ job: String) -> String { jobDirectory(job) + "/journal.jsonl" }
    public func lockPath(_ job: String) -> String { jobDirectory(job) + "/lock" }
    public func trialDirectory(_ job: String, trial: Int) -> String { jobDirectory(job) + "/trials/\(trial)" }
    /// `$TUNE_CHECKPOINT_DIR`: one per Hyperband configuration, or per trial (kept across its attempts).
    public func checkpointDirectory(_ job: String, key: Int) -> String { jobDirectory(job) + "/checkpoints/\(key)" }

    /// Checks a user-chosen job name.
    public static func validate(jobName name: String) throws(StoreError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
        guard !name.isEmpty, name.count <= 128, name != "latest", name.allSatisfy(allowed.contains),
            let first = name.first, first != ".", first != "-"
        else {
            throw StoreError.invalidJobName(name)
        }
    }

    /// A Cloud ML style id for a new job, `tune_2026_11_22_161530123`, unique in this store.
    public func generateJobId(now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy_MM_dd_HHmmssSSS"
        let base = "tune_" + formatter.string(from: now)
        var id = base
        var n = 2
        while FileManager.default.fileExists(atPath: jobDirectory(id)) {
            id = "\(base)_\(n)"
            n += 1
        }
        return id
    }

    /// Creates the job's folder (failing if it exists), takes its lock, then writes its header and
    /// returns the writer and the lock. The lock comes before the journal: a `tune resume` of the
    /// same name sees no job, or a job that is running, never a new job it could take over.
    public func createJob(_ header: JobHeader) throws(StoreError) -> (writer: JournalWriter, lock: JobLock) {
        try makeRoot()
        // mkdir is atomic: two tune processes cannot both create the same job.
        var lock: JobLock?
        if mkdir(jobDirectory(header.id), 0o755) != 0 {
            guard errno == EEXIST else {
                throw StoreError.io("cannot create \(jobDirectory(header.id)): \(String(cString: strerror(errno)))")
            }
            // A creation that was killed before its header was written left the folder and its
            // lock only: the name is free again (taken under the lock, so only one tune takes it).
            guard let abandoned = takeAbandonedCreation(header.id) else { throw StoreError.jobExists(name: header.id, store: root) }
            lock = abandoned
        }
        if lock == nil {
            // Another tune took the folder as abandoned between our mkdir and now: it is its job.
            guard let taken = try? JobLock(path: lockPath(header.id), job: header.id) else { throw StoreError.jobExists(name: header.id, store: root) }
            lock = taken
        }
        var info = stat()
        if lstat(journalPath(header.id), &info) == 0, !Self.isUnwritten(info) { throw StoreError.jobExists(name: header.id, store: root) }
        do {
            let writer = try JournalWriter(path: journalPath(header.id), format: header.format)
            try writer.append(.jobCreated(header))
            // The journal's name in the job folder, and the folder in the store, durable too.
            try Self.syncFolder(jobDirectory(header.id))
            try Self.syncFolder(root)
            return (writer, lock!)
        } catch {
            // No job without its header: leave nothing behind (a full disk, a file size limit).
            unlink(journalPath(header.id))
            unlink(lockPath(header.id))
            lock = nil
            rmdir(jobDirectory(header.id))
            throw error
        }
    }

    /// An empty regular journal: its creation was killed before the header was written, so it is no job.
    static func isUnwritten(_ journal: stat) -> Bool {
        (journal.st_mode & S_IFMT) == S_IFREG && journal.st_size == 0
    }

    /// The lock of a job folder that holds nothing but its lock and an empty journal (a `tune run`
    /// killed between creating the folder and writing the header), or nil.
    private func takeAbandonedCreation(_ job: String) -> JobLock? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: jobDirectory(job))) ?? ["?"]
        guard Set(entries).isSubset(of: ["lock", "journal.jsonl"]), let lock = try? JobLock(path: lockPath(job), job: job) else { return nil }
        var info = stat()
        if lstat(journalPath(job), &info) == 0 {
            guard Self.isUnwritten(info) else { return nil }
            unlink(journalPath(job))
        }
        return lock
    }

    /// Creates the store folder and its parents, saying which one could not be made and why.
    private func makeRoot() throws(StoreError) {
        var path = ""
        for component in root.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o755) == 0 || errno == EEXIST {
                var info = stat()
                if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { continue }
                let what = path == root ? "it exists and is not a folder" : "\(path) is not a folder"
                throw StoreError.io("cannot create the store \(root): \(what) — choose another --store (or $\(Self.environmentVariable))")
            }
            let reason = String(cString: strerror(errno))
            let place = path == root ? "" : " (at \(path))"
            throw StoreError.io("cannot create the store \(root)\(place): \(reason) — choose a folder you can write with --store (or $\(Self.environmentVariable))")
        }
    }

    /// `fsync` of a folder, so that the names made in it last; a failure is an I/O error (a file
    /// system that cannot sync folders at all, EINVAL, is taken at its word).
    public static func syncFolder(_ path: String) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.io("cannot open \(path) to sync it: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while fsync(fd) != 0 {
            if errno == EINTR { continue }
            if errno == EINVAL || errno == ENOTSUP { return }
            throw StoreError.io("cannot sync \(path) to disk: \(String(cString: strerror(errno)))")
        }
    }

    /// One job of the store as `tune jobs` finds it: its header, or why it cannot be read.
    public enum Listing: Sendable, Equatable {
        case readable(JobHeader)
        case unreadable(job: String, reason: String)
    }

    /// Every folder of the store that holds a journal (a file, a link, anything named so),
    /// readable ones newest first, then the unreadable ones by name. Never blocks: a journal that is
    /// not a regular file is unreadable, not read.
    public func listing() -> [Listing] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
        var readable: [JobHeader] = []
        var unreadable: [Listing] = []
        // A hidden name is never a job: a folder being deleted (`remove`), or anything else.
        for name in names where !name.hasPrefix(".") {
            var info = stat()
            guard lstat(journalPath(name), &info) == 0 else { continue }
            // An empty journal: a creation killed before its header, no job (`createJob` takes the name).
            if Self.isUnwritten(info) { continue }
            do {
                var header = try Journal.header(path: journalPath(name))
                // Named for its folder (a renamed or copied job), as `load` names it.
                header.id = name
                readable.append(header)
            } catch {
                unreadable.append(.unreadable(job: name, reason: error.description))
            }
        }
        return readable.sorted { ($0.createTime, $0.id) > ($1.createTime, $1.id) }.map(Listing.readable) + unreadable
    }

    /// Every job in the store whose header reads, newest first.
    public func headers() -> [JobHeader] {
        listing().compactMap {
            if case .readable(let header) = $0 { return header }
            return nil
        }
    }

    /// The job id a user's reference means: `latest` is the newest job, anything else a job name
    /// (never a path: `../other/job` is refused, not read).
    public func resolve(_ reference: String) throws(StoreError) -> String {
        if reference == "latest" {
            guard let newest = headers().first else {
                throw StoreError.noSuchJob(name: reference, store: root, known: [])
            }
            return newest.id
        }
        try Self.validate(jobName: reference)
        // An empty journal is a creation killed before its header: no job (`createJob` takes the name).
        var info = stat()
        guard stat(journalPath(reference), &info) == 0, !Self.isUnwritten(info) else {
            throw StoreError.noSuchJob(name: reference, store: root, known: headers().map(\.id))
        }
        return reference
    }

    /// Replays a job's journal. The job is named for its folder, whatever its journal calls it: a
    /// renamed folder is the job under its new name, and a copy is a job of its own, never the
    /// original (its trials, its lock, its processes stay the original's).
    public func load(_ reference: String) throws(StoreError) -> JobRecord {
        let name = try resolve(reference)
        var job = try Journal.replay(path: journalPath(name))
        job.header.id = name
        // Finished, though its tune died before journaling so: shown as it ends.
        if job.state == .running, runnerPid(name) == nil { job.settleUnrecordedEnd() }
        return job
    }

    /// The pid of the tune process running `job` now, if one is.
    public func runnerPid(_ job: String) -> Int32? {
        JobLock.holder(path: lockPath(job))
    }
}
