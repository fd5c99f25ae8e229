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

    /// Creates the job's folder (failing if it exists), writes its header and returns the writer.
    public func createJob(_ header: JobHeader) throws(StoreError) -> JournalWriter {
        try makeRoot()
        // mkdir is atomic: two tune processes cannot both create the same job.
        guard mkdir(jobDirectory(header.id), 0o755) == 0 else {
            if errno == EEXIST { throw StoreError.jobExists(name: header.id, store: root) }
            throw StoreError.io("cannot create \(jobDirectory(header.id)): \(String(cString: strerror(errno)))")
        }
        do {
            let writer = try JournalWriter(path: journalPath(header.id))
            try writer.append(.jobCreated(header))
            return writer
        } catch {
            // No job without its header: leave nothing behind (a full disk, a file size limit).
            unlink(journalPath(header.id))
            rmdir(jobDirectory(header.id))
            throw error
        }
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

    /// Every job in the store with its header, newest first.
    public func headers() -> [JobHeader] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.compactMap { Journal.readHeader(path: journalPath($0)) }
            .sorted { ($0.createTime, $0.id) > ($1.createTime, $1.id) }
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
        guard FileManager.default.fileExists(atPath: journalPath(reference)) else {
            throw StoreError.noSuchJob(name: reference, store: root, known: headers().map(\.id))
        }
        return reference
    }

    /// Replays a job's journal.
    public func load(_ reference: String) throws(StoreError) -> JobRecord {
        try Journal.replay(path: journalPath(resolve(reference)))
    }

    /// The pid of the tune process running `job` now, if one is.
    public func runnerPid(_ job: String) -> Int32? {
        JobLock.holder(path: lockPath(job))
    }
}
