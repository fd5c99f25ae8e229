/// A running trial's cloudml-hypertune file: read the moment a write ends where the run's
/// `FileChangeWatch` sees the trial folder (polled otherwise), with its writes counted, so that
/// reports the trainer overwrote before tune could read them are said in the trial's record.
struct WatchedHypertuneFile: MetricSource {
    private var file: HypertuneFileSource
    private let watcher: FileChangeWatch?
    /// This trial's watch in `watcher`.
    private let watch: Int32?
    private var writes = 0
    private var notes: [String] = []

    init(folder: String, name: String, watcher: FileChangeWatch?) {
        file = HypertuneFileSource(path: folder + "/" + name)
        self.watcher = watcher
        watch = watcher?.watch(folder: folder, name: name)
    }

    mutating func poll() -> [MetricReading] {
        countWrites()
        return file.poll()
    }

    mutating func takeWarnings() -> [String] { file.takeWarnings() }

    func hasNews() -> Bool {
        guard let watcher, let watch else { return false }
        return watcher.hasWrites(watch)
    }

    mutating func finish() -> [MetricReading] {
        let readings = file.finish()
        countWrites()
        if let watcher, let watch { watcher.unwatch(watch) }
        let missed = writes - file.linesRead
        if missed > 0 {
            notes.append(
                "\(missed) of its \(writes) cloudml-hypertune reports were not seen: each one replaced the file before tune could read the one before (the trainer makes a new HyperTune() for every report, so the file holds only the latest) — create one HyperTune() and reuse it to keep every report"
            )
        }
        return readings
    }

    mutating func takeNotes() -> [String] {
        defer { notes.removeAll() }
        return notes
    }

    private mutating func countWrites() {
        if let watcher, let watch { writes += watcher.takeWrites(watch) }
    }
}
