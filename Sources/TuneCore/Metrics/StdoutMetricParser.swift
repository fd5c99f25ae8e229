import Foundation

/// Reads the metrics a trial prints, from the raw bytes of its stdout (or stderr) as they arrive.
///
/// Lines end at `\n` or `\r` (progress bars redraw with `\r`); backspaces and terminal escape
/// sequences are removed before a line is read. Recognised forms, all read as `.stdout` readings:
///
/// - Katib's `acc=0.97` and Guild's `acc: 0.97`, several per line (`epoch 3: acc=0.97 loss=0.2`,
///   `acc=0.97, loss=0.1`, `INFO:root:acc=0.9`, tqdm's `[…, loss=0.3]`);
/// - Keras progress lines (`… - 2s 4ms/step - loss: 0.31 - acc: 0.91`, Keras 3's `━━━` bars);
///   a line `Epoch 3/10` sets the step of the readings that follow, until the next such line;
/// - JSON object lines (`{"acc": 0.97, "step": 3}`): every numeric member is a reading.
///
/// Tags are `[A-Za-z_][A-Za-z0-9_./-]*` starting the line or after a byte that cannot be in a name.
/// Numbers are `[+-]`digits with optional fraction and exponent, or `nan` / `inf`, and must end at
/// the end of the line, a blank, or one of `, ; ) ] } |` — so `2s`, `0.001s`, `97%` are not readings.
///
/// Steps: a `step`, `global_step` or `epoch` key with an integral value gives the step of the other
/// readings of its line (it is no reading itself); a line holding only such a key (`step: 5`) sets
/// the step of the lines that follow, as `Epoch N/M` does. Otherwise a reading's step is the count
/// of readings of its tag so far (1, 2, 3, …).
///
/// Memory stays flat: at most `maxLineLength` bytes of an unterminated line are held; a longer line
/// is dropped whole (and counted in `droppedLines`); readings of tags past the first `maxTags`
/// distinct ones are not read (a trial keeps only `BoundedReadings.maxTags` tags anyway). Invalid UTF-8 is harmless (tags and numbers are
/// ASCII; the rest is skipped).
public struct StdoutMetricParser: Sendable {
    /// The longest line read; longer lines are dropped.
    public let maxLineLength: Int

    /// The unterminated end of what was consumed so far.
    private var pending: [UInt8] = []
    /// The pending line outgrew `maxLineLength`: drop the rest of it.
    private var droppingLine = false
    private var state = LineState()
    /// How many lines were longer than `maxLineLength`, and so not read.
    public private(set) var droppedLines = 0

    public init(maxLineLength: Int = 64 * 1024) {
        self.maxLineLength = max(1, maxLineLength)
    }

    /// The step that following lines get when they give none (from `Epoch N/M` or a `step: N` line).
    public var currentStep: Int? { state.currentStep }

    /// Reads the complete lines among the bytes; keeps the unterminated rest for the next call.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer) -> [MetricReading] {
        bytes.withMemoryRebound(to: UInt8.self) { consume(bytes: $0) }
    }

    public mutating func consume(_ bytes: [UInt8]) -> [MetricReading] {
        bytes.withUnsafeBufferPointer { consume(bytes: $0) }
    }

    public mutating func consume(_ data: Data) -> [MetricReading] {
        data.withUnsafeBytes { consume($0) }
    }

    /// Reads the last line when it had no line end (call once the trial has exited).
    public mutating func finish() -> [MetricReading] {
        var readings: [MetricReading] = []
        if !droppingLine && !pending.isEmpty {
            pending.withUnsafeBufferPointer { state.read(line: $0, into: &readings) }
        }
        pending.removeAll(keepingCapacity: false)
        droppingLine = false
        return readings
    }

    /// The readings of one line read on its own (a fresh parser: steps count from 1).
    public static func readings(inLine line: some StringProtocol) -> [MetricReading] {
        var parser = StdoutMetricParser()
        var readings = parser.consume(Array(line.utf8))
        readings += parser.finish()
        return readings
    }

    private mutating func consume(bytes p: UnsafeBufferPointer<UInt8>) -> [MetricReading] {
        var readings: [MetricReading] = []
        let n = p.count
        var lineStart = 0
        var i = 0
        while i < n {
            let b = p[i]
            if b == MetricLineScanner.newline || b == MetricLineScanner.carriageReturn {
                let segment = UnsafeBufferPointer(rebasing: p[lineStart..<i])
                if droppingLine {
                    droppingLine = false
                } else if pending.isEmpty {
                    if segment.count <= maxLineLength {
                        state.read(line: segment, into: &readings)
                    } else {
                        droppedLines += 1
                    }
                } else if append(segment) {
                    pending.withUnsafeBufferPointer { state.read(line: $0, into: &readings) }
                }
                pending.removeAll(keepingCapacity: pending.capacity <= 4096)
                droppingLine = false
                lineStart = i + 1
            }
            i += 1
        }
        if lineStart < n && !droppingLine {
            _ = append(UnsafeBufferPointer(rebasing: p[lineStart..<n]))
        }
        return readings
    }

    /// Adds to the pending line; false (and the line is dropped) when it would outgrow the limit.
    private mutating func append(_ segment: UnsafeBufferPointer<UInt8>) -> Bool {
        guard pending.count + segment.count <= maxLineLength else {
            pending.removeAll(keepingCapacity: false)
            droppingLine = true
            droppedLines += 1
            return false
        }
        pending.append(contentsOf: segment)
        return true
    }
}

/// What the parser remembers between lines.
private struct LineState: Sendable {
    /// Distinct tags counted, at most: far more than a trial keeps (`BoundedReadings.maxTags`),
    /// so that the reading which passes that limit still reaches it and is warned about.
    static let maxTags = 10 * BoundedReadings.maxTags
    var currentStep: Int?
    var counts: [String: Int] = [:]
    /// Reused between lines.
    var pairs: [MetricLineScanner.Pair] = []

    mutating func read(line: UnsafeBufferPointer<UInt8>, into readings: inout [MetricReading]) {
        // One pass decides whether the line can hold anything at all.
        var hasSeparator = false
        var hasControls = false
        for b in line {
            if b == MetricLineScanner.equals || b == MetricLineScanner.colon {
                hasSeparator = true
            } else if b == MetricLineScanner.escape || b == MetricLineScanner.backspace {
                hasControls = true
            }
        }
        if hasControls {
            let clean = MetricLineScanner.stripControls(line)
            clean.withUnsafeBufferPointer { readClean(line: $0, hasSeparator: hasSeparator, into: &readings) }
        } else {
            readClean(line: line, hasSeparator: hasSeparator, into: &readings)
        }
    }

    private mutating func readClean(line: UnsafeBufferPointer<UInt8>, hasSeparator: Bool, into readings: inout [MetricReading]) {
        guard hasSeparator else {
            if let epoch = MetricLineScanner.kerasEpoch(line) { currentStep = epoch }
            return
        }
        pairs.removeAll(keepingCapacity: true)
        let range = MetricLineScanner.trimmed(line)
        var readAsJSON = false
        if range.count >= 2, line[range.lowerBound] == MetricLineScanner.openBrace,
            line[range.upperBound - 1] == MetricLineScanner.closeBrace,
            let members = FlatJSON.parseObject(UnsafeBufferPointer(rebasing: line[range]))
        {
            readAsJSON = true
            for member in members where !member.key.isEmpty {
                if case .number(let value) = member.value {
                    pairs.append(.init(name: member.key, value: value))
                }
            }
        }
        if !readAsJSON {
            MetricLineScanner.scanPairs(line, into: &pairs)
        }
        guard !pairs.isEmpty else { return }

        var lineStep: Int?
        var lineStepRank = Int.max
        var hasReadings = false
        for pair in pairs {
            if let rank = MetricLineScanner.stepKeyRank(pair.name), let step = MetricLineScanner.integralStep(pair.value) {
                if rank < lineStepRank {
                    lineStep = step
                    lineStepRank = rank
                }
            } else {
                hasReadings = true
            }
        }
        guard hasReadings else {
            // `step: 5` alone: the step of the lines that follow.
            if let lineStep { currentStep = lineStep }
            return
        }
        for pair in pairs {
            if MetricLineScanner.stepKeyRank(pair.name) != nil, MetricLineScanner.integralStep(pair.value) != nil { continue }
            guard let count = counts[pair.name].map({ $0 + 1 }) ?? (counts.count < Self.maxTags ? 1 : nil) else { continue }
            counts[pair.name] = count
            readings.append(MetricReading(tag: pair.name, value: pair.value, step: lineStep ?? currentStep ?? count, source: .stdout))
        }
    }
}
