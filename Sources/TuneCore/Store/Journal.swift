import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A job's append-only journal: one JSON event per line, each written with a single `write`
/// and flushed with `fsync`, replayed on load (the design of Optuna's JournalStorage: it survives
/// crashes and works on network file systems).
///
/// A torn last line (a crash mid-write) is ignored on replay; before appending again the writer
/// ends it with a newline, so the fragment never merges with a new event.
public final class JournalWriter {
    public let path: String
    private let fd: Int32
    private let encoder: JSONEncoder

    public init(path: String) throws(StoreError) {
        self.path = path
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.io("cannot open journal \(path): \(String(cString: strerror(errno)))") }
        encoder = Journal.makeEncoder()
        try terminateTornLine()
    }

    deinit {
        close(fd)
    }

    /// Appends one event and makes it durable before returning.
    public func append(_ event: JournalEvent) throws(StoreError) {
        var data: Data
        do {
            data = try encoder.encode(event)
        } catch {
            throw StoreError.io("cannot encode journal event: \(error)")
        }
        data.append(0x0A)
        try write(data)
        fsync(fd)
    }

    private func write(_ data: Data) throws(StoreError) {
        let failure: Int32? = data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
        guard let failure else { return }
        // Out of room (a full disk, a quota, `ulimit -f`): say what to do.
        let room = [ENOSPC, EDQUOT, EFBIG].contains(failure) ? " (the disk is full, or a file size limit is set: free some space)" : ""
        throw StoreError.io("cannot write journal \(path): \(String(cString: strerror(failure)))\(room)")
    }

    private func terminateTornLine() throws(StoreError) {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return }
        let reader = open(path, O_RDONLY | O_CLOEXEC)
        guard reader >= 0 else { return }
        defer { close(reader) }
        var last: UInt8 = 0
        if pread(reader, &last, 1, off_t(info.st_size - 1)) == 1, last != 0x0A {
            try write(Data([0x0A]))
        }
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

    static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// Every complete event in the file, in order. A last line without its newline (torn by a
    /// crash, or being written right now) is left out; an unreadable line in the middle is skipped
    /// and counted in `skipped`.
    public static func read(path: String) throws(StoreError) -> (events: [JournalEvent], skipped: Int) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError.io("cannot read journal \(path)")
        }
        return decode(data)
    }

    public static func decode(_ data: Data) -> (events: [JournalEvent], skipped: Int) {
        let decoder = makeDecoder()
        var events: [JournalEvent] = []
        var skipped = 0
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            let bytes = buffer.bindMemory(to: UInt8.self)
            var start = 0
            while let end = bytes[start...].firstIndex(of: 0x0A) {
                defer { start = end + 1 }
                guard end > start else { continue }
                // Most lines of a big journal are `metrics` events: decoded by hand, the rest by JSONDecoder.
                if let event = JournalEvent.decodeMetricsLine(UnsafeBufferPointer(rebasing: bytes[start..<end])) {
                    events.append(event)
                    continue
                }
                let line = Data(bytes: buffer.baseAddress! + start, count: end - start)
                if let event = try? decoder.decode(JournalEvent.self, from: line) {
                    events.append(event)
                } else if !line.allSatisfy({ $0 == 0x20 || $0 == 0 }) {
                    skipped += 1
                }
            }
        }
        return (events, skipped)
    }

    /// Rebuilds a job by replaying its journal.
    public static func replay(path: String) throws(StoreError) -> JobRecord {
        let (events, _) = try read(path: path)
        guard case .jobCreated(let header)? = events.first else {
            throw StoreError.corrupt("journal \(path) does not start with a job_created event")
        }
        guard header.format <= JournalFormat.current else {
            throw StoreError.corrupt(
                "job \(header.id) was written by a newer tune (journal format \(header.format); this tune reads formats 1 to \(JournalFormat.current)): run it with that tune or a later one — nothing was changed"
            )
        }
        var job = JobRecord(header: header)
        for event in events.dropFirst() { job.apply(event) }
        return job
    }

    /// Only the first event (the header), without reading the rest: for listing jobs.
    public static func readHeader(path: String) -> JobHeader? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var buffer = Data()
        while !buffer.contains(0x0A) {
            guard let chunk = try? handle.read(upToCount: 64 * 1024), !chunk.isEmpty else { return nil }
            buffer.append(chunk)
        }
        let line = buffer.prefix(upTo: buffer.firstIndex(of: 0x0A)!)
        guard case .jobCreated(let header)? = try? makeDecoder().decode(JournalEvent.self, from: line) else { return nil }
        return header
    }
}
