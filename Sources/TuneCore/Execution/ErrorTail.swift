import Foundation

/// Keeps the last lines of a stream (the last `capacity` non-empty ones, at most 300 bytes each),
/// and apart from them the last lines the launcher's system wrote there (lines starting with one of
/// its `TrialProcess.queueLinePrefixes`: Slurm's `srun: …`, `slurmstepd-node: …`), so that a failure
/// reason quotes the line that explains the trial's failure and the launcher can read how its
/// system ended it.
///
/// The quoted `line` is the last line, unless only usage or help boilerplate follows the last
/// line that reads as an error — python-fire prints `ERROR: …` and then its usage, flags and
/// `For detailed information on this command, run:` / `train.py --help`; absl prints
/// `FATAL Flags parsing error: …` and then `Pass --helpshort or --helpfull …` — and then it is
/// that error line. A line saying the GPU ran out of memory (`GPUOutOfMemory`) among the kept
/// lines is quoted whatever follows it (TensorFlow's hints, a logger's last words), so that the
/// failure reads, and is retried, as what it is.
struct LastLine {
    /// How many of the stream's last lines are kept to choose from.
    static let capacity = 30

    private struct Kept {
        var text: String
        /// Whether it began with a blank or a tab (flag lists, traceback frames, wrapped usage).
        var indented: Bool
    }

    private var current: [UInt8] = []
    private var kept: [Kept] = []
    private(set) var schedulerLines: [String] = []
    /// How the launcher's system begins its lines (none for a local trial).
    let queueLinePrefixes: [String]

    init(queueLinePrefixes: [String] = []) {
        self.queueLinePrefixes = queueLinePrefixes
    }

    func isSchedulerLine(_ text: String) -> Bool {
        queueLinePrefixes.contains { text.hasPrefix($0) }
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            if byte == 0x0A || byte == 0x0D {
                let text = String(decoding: current, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                if isSchedulerLine(text) {
                    schedulerLines.append(text)
                    if schedulerLines.count > 20 { schedulerLines.removeFirst() }
                } else if !text.isEmpty {
                    kept.append(Kept(text: text, indented: current.first == 0x20 || current.first == 0x09))
                    if kept.count > Self.capacity { kept.removeFirst() }
                }
                current.removeAll(keepingCapacity: true)
            } else if current.count < 300 {
                current.append(byte)
            }
        }
    }

    /// The line that explains the failure (see the type's comment); nil when the stream had none.
    var line: String? {
        var lines = kept
        // An unterminated last line counts, unless it may yet become a scheduler's line.
        let text = String(decoding: current, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, !isSchedulerLine(text), !queueLinePrefixes.contains(where: { $0.hasPrefix(text) }) {
            lines.append(Kept(text: text, indented: current.first == 0x20 || current.first == 0x09))
        }
        guard let last = lines.last else { return nil }
        if let outOfMemory = lines.last(where: { GPUOutOfMemory.matches($0.text) }) { return outOfMemory.text }
        let afterTraceback = Self.tracebackEnd(in: lines)
        for index in lines.indices.reversed() {
            let candidate = lines[index]
            if index == afterTraceback || Self.looksLikeError(candidate.text) { return candidate.text }
            if !Self.isBoilerplate(candidate) { break }
        }
        return last.text
    }

    /// The index of the exception line that ends the last Python traceback: the first line
    /// without indentation after `Traceback (most recent call last):`.
    private static func tracebackEnd(in lines: [Kept]) -> Int? {
        guard let start = lines.lastIndex(where: { $0.text.hasPrefix("Traceback (most recent call last)") }) else { return nil }
        return lines.indices.first { $0 > start && !lines[$0].indented }
    }

    /// `ERROR: …`, `Error: …`, `error: …`, `prog: error: …` (argparse), `FATAL …`, and
    /// `ValueError: …`, `torch.cuda.OutOfMemoryError: …`, `java.lang.IllegalStateException: …`.
    static func looksLikeError(_ text: String) -> Bool {
        for prefix in ["ERROR", "Error:", "error:", "FATAL", "Fatal error", "fatal error", "fatal:"] where text.hasPrefix(prefix) {
            if prefix != "ERROR" { return true }
            // `ERROR:`, `ERROR `, `ERROR]`, not `ERRORS_SEEN=3`.
            let next = text.dropFirst(prefix.count).first
            return next == nil || next == ":" || next == " " || next == "]"
        }
        if text.contains(": error: ") { return true }
        // An exception's name: a word ending in a colon, or the whole line (`raise SomeError`).
        let words = text.split(separator: " ")
        let names = words.count == 1 ? words : words.filter { $0.hasSuffix(":") }.map { $0.dropLast() }
        return names.contains { name in
            (name.hasSuffix("Error") || name.hasSuffix("Exception")) && name.count > 5
                && (name.first?.isLetter == true || name.first == "_")
                && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
        }
    }

    /// What a command-line parser prints around its error: usage, indented flag lists, pointers
    /// to `--help`.
    private static func isBoilerplate(_ line: Kept) -> Bool {
        let text = line.text
        if line.indented { return true }
        for prefix in ["Usage:", "usage:", "USAGE:", "For detailed information", "Try '", "Try \"", "See '"] where text.hasPrefix(prefix) {
            return true
        }
        return text.contains("--help")
    }
}
