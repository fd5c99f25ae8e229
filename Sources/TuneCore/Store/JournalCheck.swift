import Foundation

/// A journal read line by line and checked: every intact event in order, and every damaged line
/// with what it takes with it. Replay applies only the intact events, so damage is never
/// misattributed (trial 9's result beside trial 5's parameters); it is reported instead.
///
/// A line is damaged when it is not an event tune can read, when its checksum fails (format 3),
/// when it has none (format 3), or when it contradicts the events before it: a trial created
/// twice or out of sequence, an event for a trial never created, a second end or a start after
/// the end of one attempt, an attempt out of sequence. The structural checks apply to every
/// format: they are what catches damage in formats 1 and 2. A last line without its newline (a
/// crash mid-write, or a line being written now) is not damage and is left out.
public struct JournalCheck: Sendable {
    /// One intact event and where it is.
    public struct Entry: Sendable {
        public var line: Int
        public var offset: Int
        /// The line's bytes in the file, without the newline.
        public var range: Range<Int>
        /// nil for an intact line of a kind this tune does not know (its checksum holds): kept, not applied.
        public var event: JournalEvent?
    }

    public var header: JobHeader
    /// Every intact event, the header first.
    public var entries: [Entry]
    public var damage: [JournalDamage]
    /// Lines in the file, the torn last one included.
    public var lineCount: Int
    /// Bytes of a last line without its newline, left out.
    public var tornBytes: Int

    public var events: [JournalEvent] { entries.compactMap(\.event) }

    /// Reads and checks the journal at `path` (never blocking, never reading without end).
    public static func read(path: String) throws(StoreError) -> JournalCheck {
        try check(JournalFile.contents(path), path: path)
    }

    /// Checks a journal's bytes; throws when there is no job to speak of (no readable header, or a
    /// newer format).
    public static func check(_ data: Data, path: String) throws(StoreError) -> JournalCheck {
        // Ranges below are offsets from the first byte.
        let data = data.startIndex == 0 ? data : Data(data)
        let scan = JournalLines.scan(data)
        guard let first = scan.lines.first else {
            throw StoreError.corrupt("journal \(path) is empty or has no complete line: it does not start with a job_created event")
        }
        guard case .jobCreated(let header)? = first.event, first.line == 1 else {
            throw StoreError.corrupt("journal \(path) does not start with a job_created event (line \(first.line) is not one): it is not a job tune can read")
        }
        // A newer format first: a newer tune may seal its lines otherwise.
        guard header.format <= JournalFormat.current else {
            throw StoreError.corrupt(
                "job \(header.id) was written by a newer tune (journal format \(header.format); this tune reads formats 1 to \(JournalFormat.current)): run it with that tune or a later one — nothing was changed"
            )
        }
        if first.checksum == .mismatch {
            throw StoreError.corrupt(
                "journal \(path): its first line, the job's header, is damaged (checksum mismatch): tune cannot read the job; its trials' output is still in \(URL(fileURLWithPath: path).deletingLastPathComponent().path)/trials"
            )
        }
        var structure = JournalStructure(lines: scan.lines)
        var entries = [Entry(line: first.line, offset: first.offset, range: first.range, event: .jobCreated(header))]
        var damage: [JournalDamage] = []
        for (index, line) in scan.lines.enumerated().dropFirst() {
            // What the line was about: only worked out for a damaged line.
            var about: JournalStructure.About { line.event.map(JournalStructure.About.init) ?? JournalStructure.About(guessingFrom: data[line.range]) }
            func damaged(_ problem: JournalDamage.Problem, _ affects: String? = nil) {
                let guess = about
                damage.append(
                    JournalDamage(
                        line: line.line, offset: line.offset, problem: problem, affects: affects ?? guess.lost,
                        trial: guess.trial, wasTrialEnd: guess.isTrialEnd))
            }
            guard let event = line.event else {
                // Intact (its checksum holds) but of a kind this tune does not know: kept, not applied.
                if line.checksum == .valid {
                    entries.append(Entry(line: line.line, offset: line.offset, range: line.range, event: nil))
                } else {
                    damaged(.notJSON)
                }
                continue
            }
            if line.checksum == .mismatch {
                // What the line says is not to be trusted: said as what it reads as.
                damaged(.checksumMismatch, "what reads as " + about.lost)
                continue
            }
            if line.checksum == .absent && header.format >= 3 {
                damaged(.missingChecksum)
                continue
            }
            if let contradiction = structure.contradiction(event, at: index, line: line.line) {
                damaged(.contradiction(contradiction.what), contradiction.affects)
                continue
            }
            entries.append(Entry(line: line.line, offset: line.offset, range: line.range, event: event))
        }
        return JournalCheck(header: header, entries: entries, damage: damage, lineCount: scan.lineCount, tornBytes: scan.tornBytes)
    }
}

/// A journal's bytes cut into lines, each decoded and its checksum checked.
enum JournalLines {
    struct Line {
        var line: Int
        var offset: Int
        var range: Range<Int>
        var event: JournalEvent?
        var checksum: JournalChecksum.Verdict
    }

    /// Blank lines (spaces, NULs: what some file systems leave after a crash) are left out, and so
    /// is a last line without its newline.
    static func scan(_ data: Data) -> (lines: [Line], lineCount: Int, tornBytes: Int) {
        let decoder = Journal.makeDecoder()
        var lines: [Line] = []
        var number = 0
        var tornBytes = 0
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            let bytes = buffer.bindMemory(to: UInt8.self)
            var start = 0
            while start < bytes.count {
                number += 1
                guard let end = bytes[start...].firstIndex(of: 0x0A) else {
                    tornBytes = bytes.count - start
                    break
                }
                defer { start = end + 1 }
                let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if text.allSatisfy({ $0 == 0x20 || $0 == 0 || $0 == 0x0D }) { continue }
                let checksum = JournalChecksum.verify(text)
                // Most lines of a big journal are `metrics` events: decoded by hand, the rest by JSONDecoder.
                var event = JournalEvent.decodeMetricsLine(text)
                if event == nil {
                    event = try? decoder.decode(JournalEvent.self, from: Data(buffer: text))
                }
                lines.append(Line(line: number, offset: start, range: start..<end, event: event, checksum: checksum))
            }
        }
        return (lines, number, tornBytes)
    }
}
