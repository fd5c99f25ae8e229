/// Reads the scalars a trial writes to TensorFlow summary-event files (`events.out.tfevents.*`),
/// as TensorBoard and Cloud ML's tuner do.
///
/// Every event file under `root` counts, at any depth (but not through links out of `root`: see
/// `EventFileFinder`), including files that appear while the trial runs (the folder is searched
/// again at most about once a second while polling, and always at `finish()`). Each file is read
/// incrementally as it grows; see `EventFileReader`.
///
/// A reading's tag is qualified by its run as TensorBoard shows it: the file's folder relative to
/// `root`, then "/", then the summary tag (`validation/epoch_accuracy` for a file in
/// `<root>/validation/`); a file directly in `root` gives the bare tag. The step is the Event's.
/// Several files in one folder are one run.
///
/// Bad content never throws: damaged records are skipped with one warning naming the file and the
/// record's offset (at most a few per file), and reading goes on.
public struct EventFilesSource: MetricSource, Sendable {
    public let root: String

    /// Bytes read from one file in one poll, at most (about: reading stops at the next record
    /// boundary past it), so that a poll stays short when a big file is first found; the rest is
    /// read by the next polls. `finish()` reads everything.
    static let pollBudgetPerFile = 64 << 20
    /// The least time between two searches of the folder while polling; a search that takes long
    /// (a huge tree) spaces the next ones further, to at most 5% of the time.
    var rescanInterval: Duration = .seconds(1)
    /// The next search waits at least this many times as long as the last one took.
    var rescanCostFactor = 20
    /// Event files read for one trial, at most; files found past them are not read (one warning).
    var maxFiles = 10_000

    private var files: [EventFileReader] = []
    private var known: Set<String> = []
    private var nextScan: ContinuousClock.Instant?
    private var warnings: [String] = []
    private var warnedStoppedEarly = false
    private var warnedTooManyFiles = false

    /// Root-relative folders whose symbolic links are not followed (a trial's `cwd/`, whose links
    /// lead into the user's working tree, where other runs' event files may lie).
    public let unfollowedLinks: Set<String>

    public init(root: String, unfollowedLinks: Set<String> = []) {
        self.root = root
        self.unfollowedLinks = unfollowedLinks
    }

    public mutating func poll() -> [MetricReading] {
        let now = ContinuousClock.now
        if nextScan.map({ now >= $0 }) ?? true { rescan() }
        return readFiles(budget: Self.pollBudgetPerFile)
    }

    public mutating func takeWarnings() -> [String] {
        defer { warnings.removeAll() }
        return warnings
    }

    /// What is still unread of a file when its trial has ended is read up to this much: the
    /// trial's end (and tune's answer to signals) waits for it.
    static let finishBudgetPerFile = 256 << 20

    public mutating func finish() -> [MetricReading] {
        rescan()
        var readings: [MetricReading] = []
        for i in files.indices {
            if files[i].read(budget: Self.finishBudgetPerFile, readings: &readings, warnings: &warnings) {
                warnings.append(
                    "\(files[i].path): more than \(Self.finishBudgetPerFile >> 20) MB were still unread when the trial ended; the rest (from offset \(files[i].offset)) is not read"
                )
            } else {
                files[i].warnIfCutShort(warnings: &warnings)
            }
        }
        return readings
    }

    private mutating func readFiles(budget: Int) -> [MetricReading] {
        var readings: [MetricReading] = []
        for i in files.indices {
            files[i].read(budget: budget, readings: &readings, warnings: &warnings)
        }
        return readings
    }

    private mutating func rescan() {
        let clock = ContinuousClock()
        let started = clock.now
        var added = false
        let scan = EventFileFinder.scan(root: root, unfollowedLinks: unfollowedLinks)
        if scan.stoppedEarly && !warnedStoppedEarly {
            warnedStoppedEarly = true
            warnings.append(
                "\(root): more than \(EventFileFinder.maxEntries) files and folders; event files are searched for only among the first \(EventFileFinder.maxEntries) — keep datasets and checkpoints out of the trial's folder, or put the event files near its top"
            )
        }
        for found in scan.found where !known.contains(found.path) {
            guard known.count < maxFiles else {
                if !warnedTooManyFiles {
                    warnedTooManyFiles = true
                    warnings.append("\(root): more than \(maxFiles) event files; those found after the first \(maxFiles) are not read (from \(found.path) on)")
                }
                break
            }
            known.insert(found.path)
            files.append(EventFileReader(path: found.path, run: found.run))
            added = true
        }
        if added { files.sort { $0.path < $1.path } }
        let took = clock.now - started
        nextScan = clock.now + max(rescanInterval, took * rescanCostFactor)
    }
}
