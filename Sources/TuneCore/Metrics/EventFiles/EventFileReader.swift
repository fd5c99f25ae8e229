#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One event file read incrementally as its writer appends to it.
///
/// Keeps the offset of the first byte not yet read; each read `pread`s from there in chunks, decodes
/// the complete records, and leaves the offset at the first incomplete one (the writer is still
/// going). A record longer than a chunk grows the buffer up to `maxRecordInMemory`; a longer one
/// (a huge image summary) is skipped by its length, never read into memory.
///
/// Checksums: a record whose data checksum fails is skipped (its length is trusted: the length's
/// own checksum passed). A length whose checksum fails starts a resynchronisation: the bytes are
/// searched one at a time for a position where a whole record checks out, and reading goes on from
/// there; while none is found the offset stays where the search stopped.
struct EventFileReader: Sendable {
    static let chunkSize = 4 << 20
    static let maxRecordInMemory = 64 << 20
    /// Problems reported per file; past that, one line says the rest are not.
    static let maxWarnings = 20
    /// How far a resynchronisation searches for a good record before it gives the file up: no
    /// writer leaves this much garbage, and a search one byte at a time through gigabytes (a sparse
    /// file of zeros) would hold tune for hours.
    static let maxResync = 16 << 20

    let path: String
    let run: String
    private(set) var tags: TagTable
    private var identity: FileID?
    /// The first byte not read yet.
    private(set) var offset = 0
    /// The file's size when last looked at.
    private(set) var knownSize = 0
    /// Searching for the next good record after a length with a bad checksum.
    private(set) var resyncing = false
    /// Bytes searched in the current resynchronisation.
    private var resyncedBytes = 0
    /// Given up: no good record within `maxResync` bytes. Not read again unless it is replaced or rewritten.
    private(set) var abandoned = false
    private var warnedRewritten = false
    private var warnedCutShort = false
    private var warningCount = 0

    init(path: String, run: String) {
        self.path = path
        self.run = run
        tags = TagTable(run: run)
    }

    /// Reads the records added since the last read, until the end of the file as it is now, or,
    /// at a record boundary, once about `budget` bytes have been read (then it returns true).
    @discardableResult
    mutating func read(budget: Int, readings: inout [MetricReading], warnings: inout [String]) -> Bool {
        // Non-blocking: the file may have been replaced by a FIFO (whose open would wait for a
        // writer) or a device; only a regular file is read.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { return false }  // gone, or not readable yet
        defer { close(fd) }
        guard let status = PathStatus(descriptor: fd), status.isRegularFile else { return false }
        if let identity, identity != status.id {
            startOver(because: "the file was replaced", warnings: &warnings)
        } else if status.size < knownSize || status.size < offset {
            startOver(because: "the file shrank (rewritten)", warnings: &warnings)
        }
        identity = status.id
        knownSize = status.size
        guard offset < status.size, !abandoned else { return false }

        var fileEnd = status.size
        var capacity = max(min(Self.chunkSize, fileEnd - offset), TFRecord.headerSize + TFRecord.footerSize)
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var start = offset  // the file position of buffer[0]
        var filled = 0
        var left = budget
        while true {
            let want = min(capacity - filled, fileEnd - (start + filled))
            if want > 0 {
                let got = Self.readFully(fd, into: buffer + filled, count: want, at: start + filled)
                if got < want { fileEnd = start + filled + got }  // shrank meanwhile: seen next time
                filled += got
            }
            let atEnd = start + filled >= fileEnd
            let (consumed, stop) = parse(
                UnsafeRawBufferPointer(start: buffer, count: filled), at: start,
                readings: &readings, warnings: &warnings)
            start += consumed
            filled -= consumed
            offset = start
            left -= consumed
            if consumed > 0 && filled > 0 { memmove(buffer, buffer + consumed, filled) }
            if abandoned { return false }
            switch stop {
            case .need(let bytes):
                if atEnd { return false }
                if left <= 0 { return true }
                if bytes > capacity {
                    let grown = min(max(bytes, capacity * 2), Self.maxRecordInMemory + TFRecord.headerSize + TFRecord.footerSize)
                    let larger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
                    larger.copyMemory(from: buffer, byteCount: filled)
                    buffer.deallocate()
                    buffer = larger
                    capacity = grown
                }
            case .skip(let total):
                guard total <= fileEnd - start else { return false }  // not all written yet
                start += total  // not read: does not count against the budget
                offset = start
                filled = 0
            }
        }
    }

    /// After the writer stopped: says so when the file ends inside a record.
    mutating func warnIfCutShort(warnings: inout [String]) {
        guard offset < knownSize, !resyncing, !abandoned, !warnedCutShort else { return }
        warnedCutShort = true
        warnings.append("\(path): the last record at offset \(offset) is cut short (the writer stopped mid-record); its data is ignored")
    }

    private enum Stop {
        /// The record at the stop needs this many bytes from its start.
        case need(Int)
        /// The record at the stop is too long to hold and is this many bytes in all.
        case skip(Int)
    }

    /// Decodes the complete records in `bytes` (which start at file position `position`); returns
    /// how many bytes were used up and why it stopped.
    private mutating func parse(
        _ bytes: UnsafeRawBufferPointer, at position: Int,
        readings: inout [MetricReading], warnings: inout [String]
    ) -> (Int, Stop) {
        let frame = TFRecord.headerSize + TFRecord.footerSize
        guard let base = bytes.baseAddress else { return (0, .need(TFRecord.headerSize)) }
        let count = bytes.count
        var p = 0
        while true {
            guard count - p >= TFRecord.headerSize else { return (p, .need(TFRecord.headerSize)) }
            let lengthField = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p, as: UInt64.self))
            let lengthCRC = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: p + 8, as: UInt32.self))
            guard CRC32C.masked(CRC32C.update(0, base + p, 8)) == lengthCRC else {
                if !resyncing {
                    resyncing = true
                    resyncedBytes = 0
                    warn("record at offset \(position + p) has a bad length checksum; looking for the next good record", &warnings)
                }
                if giveUpResync(at: position + p, &warnings) { return (p, .need(TFRecord.headerSize)) }
                p += 1
                continue
            }
            guard lengthField <= UInt64(Self.maxRecordInMemory) else {
                // While resynchronising, a position is taken only once its data checks out too.
                if resyncing {
                    if giveUpResync(at: position + p, &warnings) { return (p, .need(TFRecord.headerSize)) }
                    p += 1
                    continue
                }
                let total = lengthField > UInt64(Int.max - frame) ? Int.max : Int(lengthField) + frame
                return (p, .skip(total))
            }
            let length = Int(lengthField)
            guard count - p >= length + frame else { return (p, .need(length + frame)) }
            let data = base + p + TFRecord.headerSize
            let dataCRC = UInt32(littleEndian: data.loadUnaligned(fromByteOffset: length, as: UInt32.self))
            guard CRC32C.masked(CRC32C.update(0, data, length)) == dataCRC else {
                if resyncing {
                    if giveUpResync(at: position + p, &warnings) { return (p, .need(TFRecord.headerSize)) }
                    p += 1
                    continue
                }
                warn("record at offset \(position + p) has a bad checksum; skipped", &warnings)
                p += length + frame
                continue
            }
            resyncing = false
            let before = readings.count
            do {
                try EventDecoding.decode(UnsafeRawBufferPointer(start: data, count: length), tags: &tags, into: &readings)
            } catch {
                readings.removeSubrange(before...)
                warn("record at offset \(position + p) is not a valid Event (\(error)); skipped", &warnings)
            }
            p += length + frame
        }
    }

    /// Counts one more byte searched; past `maxResync`, gives the file up (and says so once).
    private mutating func giveUpResync(at position: Int, _ warnings: inout [String]) -> Bool {
        resyncedBytes += 1
        guard resyncedBytes > Self.maxResync else { return false }
        abandoned = true
        resyncing = false
        warnings.append(
            "\(path): no good record in the \(Self.maxResync >> 20) MB before offset \(position) (not an event file, or damaged beyond repair); the rest of it is not read")
        return true
    }

    private mutating func startOver(because reason: String, warnings: inout [String]) {
        if !warnedRewritten {
            warnedRewritten = true
            warnings.append("\(path): \(reason); reading it again from the start")
        }
        offset = 0
        knownSize = 0
        resyncing = false
        abandoned = false
        warnedCutShort = false
        tags = TagTable(run: run)
    }

    private mutating func warn(_ problem: String, _ warnings: inout [String]) {
        warningCount += 1
        if warningCount < Self.maxWarnings {
            warnings.append("\(path): \(problem)")
        } else if warningCount == Self.maxWarnings {
            warnings.append("\(path): \(problem) (further problems in this file are not reported)")
        }
    }

    private static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, at position: Int) -> Int {
        var done = 0
        while done < count {
            let got = pread(fd, buffer + done, count - done, off_t(position + done))
            if got > 0 {
                done += got
            } else if got < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        return done
    }
}
