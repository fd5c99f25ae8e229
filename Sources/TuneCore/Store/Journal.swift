import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A job's append-only journal: one JSON event per line, each written with a single `write`
/// and flushed with `fsync`, replayed on load (the design of Optuna's JournalStorage: it survives
/// crashes and works on network file systems). From format 3 on, every line ends with its
/// checksum (`JournalChecksum`); a job of an earlier format keeps its format, and its lines get none.
///
/// A torn last line (a crash mid-write) is ignored on replay; before appending again the writer
/// removes it (it was never a whole event), or ends it with a newline when it is one whole event
/// that lost only its newline.
public final class JournalWriter {
    public let path: String
    /// The journal format of the job: 3 and later seal every line with its checksum.
    public let format: Int
    private let fd: Int32
    private let encoder: JSONEncoder

    public init(path: String, format: Int = JournalFormat.current) throws(StoreError) {
        self.path = path
        self.format = format
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0o644)
        guard fd >= 0 else { throw StoreError.io("cannot open journal \(path): \(String(cString: strerror(errno)))") }
        encoder = Journal.makeEncoder()
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw StoreError.corrupt("journal \(path) is \(JournalFile.kind(info.st_mode)), not a regular file: tune does not write to it")
        }
        do { try endTornLine() } catch {
            close(fd)
            throw error
        }
    }

    deinit {
        close(fd)
    }

    /// Appends one event and makes it durable before returning.
    public func append(_ event: JournalEvent) throws(StoreError) {
        try write(Journal.line(for: event, format: format, encoder: encoder))
        try sync()
    }

    private func write(_ data: Data) throws(StoreError) {
        if let failure = FullWrite.write(data, to: fd) { throw Self.failure(failure, writing: path) }
    }

    /// A failed `fsync` is a failed write: the event may not be on the disk.
    private func sync() throws(StoreError) {
        if let failure = FullWrite.sync(fd) { throw Self.failure(failure, writing: path) }
    }

    static func failure(_ code: Int32, writing path: String) -> StoreError {
        // Out of room (a full disk, a quota, `ulimit -f`): say what to do.
        let room = [ENOSPC, EDQUOT, EFBIG].contains(code) ? " (the disk is full, or a file size limit is set: free some space)" : ""
        return StoreError.io("cannot write journal \(path): \(String(cString: strerror(code)))\(room)")
    }

    /// A last line without its newline: removed when it is not one whole, sound event (a crash cut
    /// it), or ended with its newline when it is.
    private func endTornLine() throws(StoreError) {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return }
        let size = Int(info.st_size)
        guard let (keep, fragment) = lastLine(size: size) else {
            // The start of the last line cannot be found (unreadable, or longer than any event):
            // never cut what cannot be seen whole; end it, so it does not merge with the next event.
            try write(Data([0x0A]))
            try sync()
            return
        }
        guard keep < size else { return }
        let whole = fragment.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Bool in
            let line = buffer.bindMemory(to: UInt8.self)
            guard (try? Journal.makeDecoder().decode(JournalEvent.self, from: fragment)) != nil else { return false }
            let verdict = JournalChecksum.verify(line)
            return format < 3 ? verdict != .mismatch : verdict == .valid
        }
        if whole {
            try write(Data([0x0A]))
        } else if ftruncate(fd, off_t(keep)) != 0 {
            throw StoreError.io("cannot remove the torn last line of journal \(path): \(String(cString: strerror(errno)))")
        }
        try sync()
    }

    /// Where the last line starts (just after the last newline) and its bytes, read backwards a
    /// block at a time; nil when there is no newline within `JournalFile.maxHeaderBytes` of the end.
    private func lastLine(size: Int) -> (start: Int, bytes: Data)? {
        let reader = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard reader >= 0 else { return nil }
        defer { close(reader) }
        var blocks: [Data] = []
        var position = size
        while position > 0, size - position < JournalFile.maxHeaderBytes {
            let count = min(64 * 1024, position)
            var block = Data(count: count)
            let n = block.withUnsafeMutableBytes { pread(reader, $0.baseAddress!, count, off_t(position - count)) }
            guard n == count else { return nil }
            position -= count
            blocks.append(block)
            if let index = block.lastIndex(of: 0x0A) {
                let start = position + index + 1
                let tail = Data(blocks.reversed().joined())
                return (start, tail.suffix(size - start))
            }
        }
        return nil
    }
}

/// Reading a journal back.
public enum Journal {
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// One journal line as a writer of `format` writes it: the event's JSON, sealed with its
    /// checksum from format 3 on, and the newline.
    public static func line(for event: JournalEvent, format: Int = JournalFormat.current) throws(StoreError) -> Data {
        try line(for: event, format: format, encoder: makeEncoder())
    }

    static func line(for event: JournalEvent, format: Int, encoder: JSONEncoder) throws(StoreError) -> Data {
        var data: Data
        do {
            data = try encoder.encode(event)
        } catch {
            throw StoreError.io("cannot encode journal event: \(error)")
        }
        if format >= 3 { data = JournalChecksum.seal(data) }
        data.append(0x0A)
        return data
    }

    static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// Every line of the file that decodes to an event (and whose checksum, where it has one,
    /// holds), in order, and how many do not: the line decoder alone, without the header or the
    /// structural checks (`JournalCheck` has those). A last line without its newline (torn by a
    /// crash, or being written right now) is left out.
    public static func read(path: String) throws(StoreError) -> (events: [JournalEvent], skipped: Int) {
        decode(try JournalFile.contents(path))
    }

    /// The lines of `data` that decode to events (and whose checksum, where they have one, holds),
    /// and how many do not: the line decoder alone, without the header or the structural checks.
    public static func decode(_ data: Data) -> (events: [JournalEvent], skipped: Int) {
        let lines = JournalLines.scan(data).lines
        let events = lines.compactMap { $0.checksum == .mismatch ? nil : $0.event }
        return (events, lines.count - events.count)
    }

    /// Rebuilds a job by replaying the intact events of its journal; the damaged lines are in
    /// `journalDamage`.
    public static func replay(path: String) throws(StoreError) -> JobRecord {
        replay(try JournalCheck.read(path: path))
    }

    public static func replay(_ check: JournalCheck) -> JobRecord {
        var job = JobRecord(header: check.header)
        for entry in check.entries.dropFirst() {
            if let event = entry.event { job.apply(event) }
        }
        job.journalDamage = check.damage
        return job
    }

    /// Only the first event (the header), without reading the rest: for listing jobs. Never
    /// blocks, never reads more than the first line (at most `JournalFile.maxHeaderBytes`).
    public static func header(path: String) throws(StoreError) -> JobHeader {
        guard let line = try JournalFile.firstLine(path) else {
            throw StoreError.corrupt("journal \(path) has no complete first line: it does not start with a job_created event")
        }
        let verdict = line.withUnsafeBytes { JournalChecksum.verify($0.bindMemory(to: UInt8.self)) }
        guard case .jobCreated(let header)? = try? makeDecoder().decode(JournalEvent.self, from: line) else {
            throw StoreError.corrupt("journal \(path) does not start with a job_created event: it is not a job tune can read")
        }
        if verdict == .mismatch {
            throw StoreError.corrupt("journal \(path): its first line, the job's header, is damaged (checksum mismatch)")
        }
        return header
    }

    public static func readHeader(path: String) -> JobHeader? {
        try? header(path: path)
    }
}
