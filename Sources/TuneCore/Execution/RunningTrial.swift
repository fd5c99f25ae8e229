import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One trial while it runs: its process, its log files, and the metric sources fed from its
/// output. Output goes to `stdout.log`/`stderr.log` in the trial folder as it arrives, and its
/// readings are kept and journaled within the bounds of `BoundedReadings`, so memory stays bounded
/// whatever the trial prints.
final class RunningTrial {
    let id: Int
    let process: any TrialProcess
    let startTime: Date
    private var logs: [Int32: Int32] = [:]
    private var parsers: [Int32: StdoutMetricParser] = [:]
    private var echoes: [Int32: LineEcho] = [:]
    /// The files the trial writes metrics to: its cloudml-hypertune file and TensorFlow event files.
    private var sources: [any MetricSource]
    private var lastFilePoll = Date.distantPast
    private var errorTail: LastLine

    /// The readings so far (thinned past `BoundedReadings.perTag` of a tag), and which to journal.
    private var bounded = BoundedReadings()
    private(set) var warnings: [String] = []
    /// What is said about the trial in its record when it ends (readings missed).
    private(set) var notes: [String] = []
    /// Set when tune itself stops the trial, and why: it decides how the trial's end is recorded.
    var stopCause: StopCause?
    /// The GPUs it holds (gpusPerTrial), given back when it ends.
    var gpus: [String] = []
    var exit: TrialExit?

    init(id: Int, process: any TrialProcess, directory: String, echo: Bool, startTime: Date, watcher: FileChangeWatch? = nil) {
        self.id = id
        self.process = process
        self.startTime = startTime
        errorTail = LastLine(queueLinePrefixes: process.queueLinePrefixes)
        for (fd, name, target) in [(process.stdout, "stdout.log", STDOUT_FILENO), (process.stderr, "stderr.log", STDERR_FILENO)] {
            // Neither through a link nor into a FIFO (whose open would wait for a reader): a folder
            // that could not be moved aside for a new attempt may hold what the last one left there.
            let log = open(directory + "/" + name, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
            logs[fd] = log
            if log < 0 {
                warnings.append("cannot open \(name): \(String(cString: strerror(errno))) — the trial's output is read for metrics but not kept")
            }
            parsers[fd] = StdoutMetricParser()
            if echo { echoes[fd] = LineEcho(prefix: "[trial \(id)] ", target: target) }
        }
        // Watched once tune's own logs are open, so that opening them does not wake the loop.
        sources = [
            WatchedHypertuneFile(folder: directory, name: TrialEnvironment.metricFileName, watcher: watcher),
            EventFilesSource(root: directory, unfollowedLinks: [TrialFolders.workingDirectoryName]),
        ]
    }

    /// The output streams still open.
    var openStreams: [Int32] { Array(logs.keys) }

    /// Reads at once the sources that know of new readings (a metric file was just written), before
    /// the trainer can write it again.
    func pollSourcesWithNews() {
        for index in sources.indices where sources[index].hasNews() {
            add(sources[index].poll())
            warnings.append(contentsOf: sources[index].takeWarnings())
        }
    }

    /// The stderr line that explains a failure (the last one, or the error above a usage text), for failure reasons.
    var lastErrorLine: String? { errorTail.line }
    /// The scheduler's last lines on stderr (Slurm's `srun: …`), for `TrialProcess.schedulerEnd`.
    var schedulerLines: [String] { errorTail.schedulerLines }
    /// When the trial really began to run: at its start locally; with a scheduler, when it first
    /// reported the trial running (trialTimeout counts from here, not from its time in the queue).
    var runningSince: Date?
    /// The scheduler status last journaled.
    var journaledScheduler: SchedulerStatus?

    /// Reused by every read of this trial's streams.
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Reads what is available on `fd` now; closes it at end of file.
    func read(_ fd: Int32) {
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                buffer.withUnsafeBytes { raw in
                    let chunk = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                    if let log = logs[fd], log >= 0 { writeLog(log, chunk, stream: fd) }
                    if let found = parsers[fd]?.consume(chunk) { add(found) }
                    warnAboutLongLines(fd)
                    if fd == process.stderr { errorTail.consume(chunk) }
                    echoes[fd]?.consume(chunk)
                }
                continue
            }
            if n < 0 && (errno == EINTR) { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            closeStream(fd)
            return
        }
    }

    /// Polls the metric files at most every `interval` seconds.
    func pollFiles(now: Date, interval: TimeInterval) {
        guard now.timeIntervalSince(lastFilePoll) >= interval else { return }
        lastFilePoll = now
        for index in sources.indices { add(sources[index].poll()) }
        takeSourceWarnings()
    }

    private func takeSourceWarnings() {
        for index in sources.indices { warnings.append(contentsOf: sources[index].takeWarnings()) }
    }

    /// After the process ended: reads what is left in the pipes, flushes parsers, closes logs.
    func finishOutput() {
        for fd in openStreams { read(fd) }
        for fd in openStreams { closeStream(fd) }
        for index in sources.indices { add(sources[index].finish()) }
        takeSourceWarnings()
        for index in sources.indices { notes.append(contentsOf: sources[index].takeNotes()) }
    }

    /// The readings kept, in the order they came (every one, below `BoundedReadings.perTag` of a tag).
    var readings: [MetricReading] { bounded.kept }
    /// Whether the trial reported anything yet.
    var hasReported: Bool { !bounded.isEmpty }

    /// The readings to journal now; once the trial has exited, every deciding reading not journaled yet.
    func takeUnrecorded() -> [MetricReading] {
        bounded.take(final: exit != nil)
    }

    func takeWarnings() -> [String] {
        warnings.append(contentsOf: bounded.takeWarnings())
        defer { warnings.removeAll() }
        return warnings
    }

    private func add(_ found: [MetricReading]) {
        guard !found.isEmpty else { return }
        bounded.add(found)
    }

    /// Appends to a log file; the first failure (a full disk, `ulimit -f`) is one warning, and the
    /// trial goes on: its metrics are still read, only the log misses the rest.
    private func writeLog(_ log: Int32, _ chunk: UnsafeRawBufferPointer, stream fd: Int32) {
        guard let code = FullWrite.write(chunk, to: log), !failedLogs.contains(fd) else { return }
        failedLogs.insert(fd)
        let name = fd == process.stderr ? "stderr.log" : "stdout.log"
        warnings.append("cannot write \(name): \(String(cString: strerror(code))) — the rest of the trial's output is not kept (is the disk full?)")
    }

    /// The streams whose log could not be written (warned once each).
    private var failedLogs: Set<Int32> = []

    /// The streams already warned about a line too long to read.
    private var warnedLongLine: Set<Int32> = []

    /// One warning per stream, the first time a line is too long to be read for metrics.
    private func warnAboutLongLines(_ fd: Int32) {
        guard let parser = parsers[fd], parser.droppedLines > 0, warnedLongLine.insert(fd).inserted else { return }
        let stream = fd == process.stderr ? "stderr" : "stdout"
        warnings.append(
            "a line on \(stream) is longer than \(parser.maxLineLength / 1024) KB: not read for metrics (\(stream).log has it whole) — print each metric on a line of its own")
    }

    private func closeStream(_ fd: Int32) {
        if let found = parsers[fd]?.finish() { add(found) }
        echoes[fd]?.flush()
        if let log = logs[fd], log >= 0 { close(log) }
        logs[fd] = nil
        parsers[fd] = nil
        echoes[fd] = nil
        close(fd)
    }
}

/// `--verbose`: copies a trial's output to tune's own stdout/stderr, whole lines, each prefixed by the trial.
struct LineEcho {
    let prefix: [UInt8]
    let target: Int32
    private var partial: [UInt8] = []

    init(prefix: String, target: Int32) {
        self.prefix = Array(prefix.utf8)
        self.target = target
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            if byte == 0x0A {
                emit()
            } else if partial.count < 16 * 1024 {
                partial.append(byte)
            }
        }
    }

    mutating func flush() {
        if !partial.isEmpty { emit() }
    }

    private mutating func emit() {
        let line = prefix + partial + [0x0A]
        line.withUnsafeBytes { Console.write(target, $0) }
        partial.removeAll(keepingCapacity: true)
    }
}
