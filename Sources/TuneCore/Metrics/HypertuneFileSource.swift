import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the metric file the `cloudml-hypertune` Python package writes (tune names it in
/// `CLOUD_ML_HP_METRIC_FILE`).
///
/// The package (0.1.0.dev6) keeps its last 100 reports and rewrites the whole file on every report,
/// one `json.dumps(…, sort_keys=True)` object a line:
///
///     {"checkpoint_path": "", "global_step": "3", "timestamp": 1700000000.5, "training/hptuning/metric": "0.97", "trial": "0"}
///
/// The value is `str(float(value))` (so `"nan"` and `"inf"` occur), and `global_step` is
/// `str(int(global_step))`, or `"0"` when the trial gave none. So the step is `global_step` when
/// it is above 0, else the count of readings of the tag so far. Any member other than `timestamp`,
/// `trial`, `global_step` and `checkpoint_path` is a metric (numbers are accepted as well as strings).
///
/// The file is read again whenever its size or modification time changes; lines already reported
/// are not reported again, so a poll gives only the reports made since the last one. A missing file
/// is no error (the trial may not use the package). A line that cannot be read gives one warning
/// naming the file and line, and the other lines are still read.
public struct HypertuneFileSource: MetricSource, Sendable {
    public let path: String

    /// The members that are not metrics.
    static let reservedKeys: Set<String> = ["timestamp", "trial", "global_step", "checkpoint_path"]
    /// How many lines are remembered as reported: far more than the package keeps in its file
    /// (100), so a line that fell out of memory cannot reappear in it.
    static let rememberedLines = 10_000
    /// A larger file is not read (the package's file holds at most 100 short lines, a few KB).
    static let maxFileSize: Int64 = 16 << 20

    /// The distinct lines read so far (one per report with cloudml-hypertune).
    public private(set) var linesRead = 0
    private var lastSignature: FileSignature?
    private var reported = BoundedSet(capacity: HypertuneFileSource.rememberedLines)
    private var warned = BoundedSet(capacity: 1_000)
    private var counts: [String: Int] = [:]
    private var warnings: [String] = []

    public init(path: String) {
        self.path = path
    }

    public mutating func poll() -> [MetricReading] {
        guard let signature = FileSignature(path: path) else { return [] }  // not there (yet)
        guard signature != lastSignature else { return [] }
        guard signature.isRegularFile else {
            warnOnce(key: "\u{0}not a file", "\(path): hypertune metric file is not a regular file")
            lastSignature = signature
            return []
        }
        guard signature.size <= Self.maxFileSize else {
            warnOnce(
                key: "\u{0}too large", "\(path): hypertune metric file is larger than \(Self.maxFileSize >> 20) MB; not read (cloudml-hypertune writes at most 100 short lines)")
            lastSignature = signature
            return []
        }
        // Read without blocking: the trial may replace the file by a FIFO between the stat and the open.
        let bytes: [UInt8]
        switch RegularFileContents.load(path, maxSize: Int(Self.maxFileSize)) {
        case .success(let contents):
            bytes = contents
        case .failure(.cannotOpen(ENOENT)):
            return []  // gone since the stat: seen at the next poll
        case .failure(.cannotOpen(let code)):
            warnOnce(key: "\u{0}unreadable", "\(path): cannot read the hypertune metric file: \(String(cString: strerror(code)))")
            return []
        case .failure(.notRegularFile):
            warnOnce(key: "\u{0}not a file", "\(path): hypertune metric file is not a regular file")
            return []
        case .failure(.tooLarge):
            return []  // grew since the stat: warned at the next poll
        case .failure(.readFailed(let problem)):
            warnOnce(key: "\u{0}unreadable", "\(path): cannot read the hypertune metric file: \(problem)")
            return []
        }
        lastSignature = signature
        return bytes.withUnsafeBufferPointer { read(contents: $0) }
    }

    public mutating func takeWarnings() -> [String] {
        defer { warnings.removeAll() }
        return warnings
    }

    /// Reads the lines of the whole file `p` (internal for tests: the fuzz tests feed it text directly).
    mutating func read(contents p: UnsafeBufferPointer<UInt8>) -> [MetricReading] {
        var readings: [MetricReading] = []
        var lineNumber = 0
        var start = 0
        while start < p.count {
            lineNumber += 1
            var end = start
            while end < p.count && p[end] != MetricLineScanner.newline { end += 1 }
            let terminated = end < p.count
            let line = UnsafeBufferPointer(rebasing: p[start..<end])
            start = end + 1
            let range = MetricLineScanner.trimmed(line)
            guard !range.isEmpty else { continue }
            let text = String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)
            guard !reported.contains(text) else { continue }
            guard let members = FlatJSON.parseObject(UnsafeBufferPointer(rebasing: line[range])) else {
                // An unterminated last line may be a report being written: read it next time.
                if terminated { warnOnce(key: text, "\(path):\(lineNumber): not a JSON object: \(Self.excerpt(text))") }
                continue
            }
            switch Self.readings(of: members) {
            case .failure(let problem):
                warnOnce(key: text, "\(path):\(lineNumber): \(problem): \(Self.excerpt(text))")
            case .success(let (metrics, globalStep)):
                for (tag, value) in metrics {
                    // Distinct tags counted are bounded, as the stdout parser's (`StdoutMetricParser`).
                    guard counts[tag] != nil || counts.count < 10 * BoundedReadings.maxTags else { continue }
                    let count = counts[tag, default: 0] + 1
                    counts[tag] = count
                    let step = globalStep.flatMap { $0 > 0 ? $0 : nil } ?? count
                    readings.append(MetricReading(tag: tag, value: value, step: step, source: .hypertune))
                }
            }
            reported.insert(text)
            linesRead += 1
        }
        return readings
    }

    private struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    private static func readings(of members: [FlatJSON.Member]) -> Result<([(String, Double)], Int?), Problem> {
        var metrics: [(String, Double)] = []
        var globalStep: Int?
        for (key, value) in members {
            if key == "global_step" {
                switch value {
                case .number(let number):
                    globalStep = MetricLineScanner.integralStep(number)
                case .string(let text):
                    globalStep =
                        Int(text.trimmingCharacters(in: .whitespaces))
                        ?? Double(text.trimmingCharacters(in: .whitespaces)).flatMap(MetricLineScanner.integralStep)
                default:
                    break
                }
                continue
            }
            guard !reservedKeys.contains(key) else { continue }
            switch value {
            case .number(let number):
                metrics.append((key, number))
            case .string(let text):
                guard let number = Double(text.trimmingCharacters(in: .whitespaces)) else {
                    return .failure(Problem(description: "value of '\(key)' is not a number"))
                }
                metrics.append((key, number))
            default:
                return .failure(Problem(description: "value of '\(key)' is not a number"))
            }
        }
        guard !metrics.isEmpty else { return .failure(Problem(description: "no metric in the line")) }
        return .success((metrics, globalStep))
    }

    private static func excerpt(_ text: String) -> String {
        text.count > 120 ? String(text.prefix(120)) + "…" : text
    }

    private mutating func warnOnce(key: String, _ message: String) {
        guard !warned.contains(key) else { return }
        warned.insert(key)
        warnings.append(message)
    }
}

/// What tells that the file changed: size and modification time (and identity, should it be replaced).
private struct FileSignature: Equatable, Sendable {
    var size: Int64
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int
    var inode: UInt64
    var isRegularFile: Bool

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        size = Int64(info.st_size)
        #if canImport(Darwin)
        modifiedSeconds = Int(info.st_mtimespec.tv_sec)
        modifiedNanoseconds = Int(info.st_mtimespec.tv_nsec)
        #else
        modifiedSeconds = Int(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
        #endif
        inode = UInt64(info.st_ino)
        isRegularFile = (info.st_mode & S_IFMT) == S_IFREG
    }
}

/// A set that forgets its oldest members beyond `capacity`.
struct BoundedSet: Sendable {
    let capacity: Int
    private var members: Set<String> = []
    private var order: [String] = []
    private var head = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    func contains(_ member: String) -> Bool { members.contains(member) }

    mutating func insert(_ member: String) {
        guard members.insert(member).inserted else { return }
        order.append(member)
        if members.count > capacity {
            members.remove(order[head])
            head += 1
            if head > capacity {
                order.removeFirst(head)
                head = 0
            }
        }
    }
}
