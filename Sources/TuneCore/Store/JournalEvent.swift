import Foundation

/// How a trial ended, as the journal records it.
public struct TrialOutcome: Sendable, Equatable {
    public var trial: Int
    public var state: TrialState
    public var time: Date
    public var finalMetric: MetricReading?
    public var exitCode: Int32?
    public var signal: Int32?
    public var reason: String?
    /// Stopped by early stopping (Cloud ML's isTrialStoppedEarly): SUCCEEDED with its last value.
    public var stoppedEarly: Bool
    /// What tune noticed about the trial's reports, for people (`notes`, absent in earlier
    /// journals): readings the trial made that tune could not read in time.
    public var notes: [String]?

    public init(
        trial: Int, state: TrialState, time: Date, finalMetric: MetricReading? = nil,
        exitCode: Int32? = nil, signal: Int32? = nil, reason: String? = nil, stoppedEarly: Bool = false, notes: [String]? = nil
    ) {
        self.trial = trial
        self.state = state
        self.time = time
        self.finalMetric = finalMetric
        self.exitCode = exitCode
        self.signal = signal
        self.reason = reason
        self.stoppedEarly = stoppedEarly
        self.notes = notes
    }
}

/// Where a Hyperband trial sits: which configuration it runs, at which rung, with what budget.
public struct ResourcePlacement: Sendable, Equatable, Codable {
    /// 1-based; every run of one set of hyperparameters shares it.
    public var configuration: Int
    /// 0-based rung of the successive-halving ladder.
    public var rung: Int
    /// The resource passed to the trial (`--epochs=<budget>`).
    public var budget: Int

    public init(configuration: Int, rung: Int, budget: Int) {
        self.configuration = configuration
        self.rung = rung
        self.budget = budget
    }
}

/// One line of a job's journal. The journal is a log of these, replayed in order to rebuild the
/// job (`JobRecord.apply`); finished trials are never rewritten, only new events appended.
public enum JournalEvent: Sendable, Equatable {
    case jobCreated(JobHeader)
    /// `repeatOf`: a repeat of an earlier trial's configuration (`tune confirm`, format 5).
    /// `population`: a PBT member's interval (format 6).
    case trialCreated(
        trial: Int, parameters: [String: String], time: Date, placement: ResourcePlacement? = nil, repeatOf: TrialRepeat? = nil,
        population: PopulationLineage? = nil)
    case trialStarted(trial: Int, pid: Int32, time: Date, gpus: [String]? = nil)
    case metrics(trial: Int, readings: [MetricReading])
    case trialFinished(TrialOutcome)
    case jobStateChanged(JobState, reason: String?, time: Date)
    /// A trial runs again under the same id (resume, automatic retry, `tune retry`).
    case trialRerun(TrialRerun)
    /// `tune resume --max-trials N`: the job's budget is now N trials.
    case budgetChanged(maxTrials: Int, time: Date)
    /// Cloud ML's `resumePreviousJobId`: the earlier job's finished trials, copied in at creation.
    case warmStart(job: String, trials: [PriorTrial], time: Date)
    /// A running trial's place in the cluster scheduler changed (Slurm job id, PENDING → RUNNING).
    case trialScheduled(trial: Int, status: SchedulerStatus, time: Date)
    /// The job's folder now has another name than the journal knew (renamed, or a copy made a job
    /// of its own): from here on the job is `to` (format 3).
    case jobMoved(from: String, to: String, time: Date)
}

extension JournalEvent: Codable {
    /// One flat object per line with an `event` discriminator, so the file reads well with `jq`.
    private enum CodingKeys: String, CodingKey {
        case event, time, trial
        case job, spec, command, directory, configPath, configText, seed, strategy, format
        case parameters, pid, readings
        case state, finalMetric, exitCode, signal, reason
        case attempt, cause, outputFolder, maxTrials, trials
        case placement, stoppedEarly, gpus, scheduler, notes
        case from
        case repeatOf = "repeat"
        case population
    }

    private enum Kind: String, Codable {
        case jobCreated = "job_created"
        case trialCreated = "trial_created"
        case trialStarted = "trial_started"
        case metrics
        case trialFinished = "trial_finished"
        case jobState = "job_state"
        case trialRerun = "trial_rerun"
        case budget = "job_budget"
        case warmStart = "warm_start"
        case trialScheduled = "trial_scheduled"
        case jobMoved = "job_moved"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .jobCreated(let h):
            try c.encode(Kind.jobCreated, forKey: .event)
            try c.encode(h.createTime.timeIntervalSince1970, forKey: .time)
            try c.encode(h.id, forKey: .job)
            try c.encode(h.spec, forKey: .spec)
            try c.encode(h.command, forKey: .command)
            try c.encode(h.workingDirectory, forKey: .directory)
            try c.encode(h.configPath, forKey: .configPath)
            try c.encode(h.configText, forKey: .configText)
            try c.encode(h.seed, forKey: .seed)
            try c.encode(h.strategy, forKey: .strategy)
            try c.encode(h.format, forKey: .format)
        case .trialCreated(let trial, let parameters, let time, let placement, let repeatOf, let population):
            try c.encode(Kind.trialCreated, forKey: .event)
            try c.encode(time.timeIntervalSince1970, forKey: .time)
            try c.encode(trial, forKey: .trial)
            try c.encode(parameters, forKey: .parameters)
            try c.encodeIfPresent(placement, forKey: .placement)
            try c.encodeIfPresent(repeatOf, forKey: .repeatOf)
            try c.encodeIfPresent(population, forKey: .population)
        case .trialStarted(let trial, let pid, let time, let gpus):
            try c.encode(Kind.trialStarted, forKey: .event)
            try c.encode(time.timeIntervalSince1970, forKey: .time)
            try c.encode(trial, forKey: .trial)
            try c.encode(pid, forKey: .pid)
            try c.encodeIfPresent(gpus, forKey: .gpus)
        case .metrics(let trial, let readings):
            try c.encode(Kind.metrics, forKey: .event)
            try c.encode(trial, forKey: .trial)
            try c.encode(readings, forKey: .readings)
        case .trialFinished(let o):
            try c.encode(Kind.trialFinished, forKey: .event)
            try c.encode(o.time.timeIntervalSince1970, forKey: .time)
            try c.encode(o.trial, forKey: .trial)
            try c.encode(o.state, forKey: .state)
            try c.encodeIfPresent(o.finalMetric, forKey: .finalMetric)
            try c.encodeIfPresent(o.exitCode, forKey: .exitCode)
            try c.encodeIfPresent(o.signal, forKey: .signal)
            try c.encodeIfPresent(o.reason, forKey: .reason)
            if o.stoppedEarly { try c.encode(true, forKey: .stoppedEarly) }
            if let notes = o.notes, !notes.isEmpty { try c.encode(notes, forKey: .notes) }
        case .jobStateChanged(let state, let reason, let time):
            try c.encode(Kind.jobState, forKey: .event)
            try c.encode(time.timeIntervalSince1970, forKey: .time)
            try c.encode(state, forKey: .state)
            try c.encodeIfPresent(reason, forKey: .reason)
        case .trialRerun(let r):
            try c.encode(Kind.trialRerun, forKey: .event)
            try c.encode(r.time.timeIntervalSince1970, forKey: .time)
            try c.encode(r.trial, forKey: .trial)
            try c.encode(r.attempt, forKey: .attempt)
            try c.encode(r.cause, forKey: .cause)
            try c.encodeIfPresent(r.outputFolder, forKey: .outputFolder)
        case .budgetChanged(let maxTrials, let time):
            try c.encode(Kind.budget, forKey: .event)
            try c.encode(time.timeIntervalSince1970, forKey: .time)
            try c.encode(maxTrials, forKey: .maxTrials)
        case .warmStart(let job, let trials, let time):
            try c.encode(Kind.warmStart, forKey: .event)
            try c.encode(time.timeIntervalSince1970, forKey: .time)
            try c.encode(job, forKey: .job)
            try c.encode(trials, forKey: .trials)
        case .trialScheduled(let trial, let status, let time):
            try c.encode(Kind.trialScheduled, forKey: .event)
            try c.encode(time.timeIntervalSince1970, forKey: .time)
            try c.encode(trial, forKey: .trial)
            try c.encode(status, forKey: .scheduler)
        case .jobMoved(let from, let to, let time):
            try c.encode(Kind.jobMoved, forKey: .event)
            try c.encode(time.timeIntervalSince1970, forKey: .time)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .job)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func time() throws -> Date {
            Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .time))
        }
        switch try c.decode(Kind.self, forKey: .event) {
        case .jobCreated:
            self = .jobCreated(
                JobHeader(
                    id: try c.decode(String.self, forKey: .job),
                    createTime: try time(),
                    spec: try c.decode(TuningSpec.self, forKey: .spec),
                    command: try c.decode([String].self, forKey: .command),
                    workingDirectory: try c.decode(String.self, forKey: .directory),
                    configPath: try c.decode(String.self, forKey: .configPath),
                    configText: try c.decode(String.self, forKey: .configText),
                    seed: try c.decode(UInt64.self, forKey: .seed),
                    strategy: try c.decode(String.self, forKey: .strategy),
                    format: try c.decodeIfPresent(Int.self, forKey: .format) ?? 1))
        case .trialCreated:
            self = .trialCreated(
                trial: try c.decode(Int.self, forKey: .trial),
                parameters: try c.decode([String: String].self, forKey: .parameters),
                time: try time(),
                placement: try c.decodeIfPresent(ResourcePlacement.self, forKey: .placement),
                repeatOf: try c.decodeIfPresent(TrialRepeat.self, forKey: .repeatOf),
                population: try c.decodeIfPresent(PopulationLineage.self, forKey: .population))
        case .trialStarted:
            self = .trialStarted(
                trial: try c.decode(Int.self, forKey: .trial),
                pid: try c.decode(Int32.self, forKey: .pid), time: try time(),
                gpus: try c.decodeIfPresent([String].self, forKey: .gpus))
        case .metrics:
            self = .metrics(
                trial: try c.decode(Int.self, forKey: .trial),
                readings: try c.decode([MetricReading].self, forKey: .readings))
        case .trialFinished:
            self = .trialFinished(
                TrialOutcome(
                    trial: try c.decode(Int.self, forKey: .trial),
                    state: try c.decode(TrialState.self, forKey: .state),
                    time: try time(),
                    finalMetric: try c.decodeIfPresent(MetricReading.self, forKey: .finalMetric),
                    exitCode: try c.decodeIfPresent(Int32.self, forKey: .exitCode),
                    signal: try c.decodeIfPresent(Int32.self, forKey: .signal),
                    reason: try c.decodeIfPresent(String.self, forKey: .reason),
                    stoppedEarly: try c.decodeIfPresent(Bool.self, forKey: .stoppedEarly) ?? false,
                    notes: try c.decodeIfPresent([String].self, forKey: .notes)))
        case .jobState:
            self = .jobStateChanged(
                try c.decode(JobState.self, forKey: .state),
                reason: try c.decodeIfPresent(String.self, forKey: .reason),
                time: try time())
        case .trialRerun:
            self = .trialRerun(
                TrialRerun(
                    trial: try c.decode(Int.self, forKey: .trial),
                    attempt: try c.decode(Int.self, forKey: .attempt),
                    cause: try c.decode(RerunCause.self, forKey: .cause),
                    time: try time(),
                    outputFolder: try c.decodeIfPresent(String.self, forKey: .outputFolder)))
        case .budget:
            self = .budgetChanged(maxTrials: try c.decode(Int.self, forKey: .maxTrials), time: try time())
        case .warmStart:
            self = .warmStart(
                job: try c.decode(String.self, forKey: .job),
                trials: try c.decode([PriorTrial].self, forKey: .trials), time: try time())
        case .trialScheduled:
            self = .trialScheduled(
                trial: try c.decode(Int.self, forKey: .trial),
                status: try c.decode(SchedulerStatus.self, forKey: .scheduler), time: try time())
        case .jobMoved:
            self = .jobMoved(from: try c.decode(String.self, forKey: .from), to: try c.decode(String.self, forKey: .job), time: try time())
        }
    }
}

extension JournalEvent {
    /// Decodes a `metrics` line without JSONDecoder, or returns nil and leaves the line to it.
    ///
    /// A slow trial writes one `metrics` event per reading, so they are most of a big journal, and
    /// JSONDecoder's per-line overhead made replay of 1,000 trials × 100 readings take over half a second.
    /// This path takes only what JournalWriter writes for them — an object with `event`, `readings`
    /// and `trial` (and format 3's `crc`), ASCII strings without escapes, plain JSON numbers or `"nan"`/`"inf"`/`"-inf"` for
    /// values — and answers nil for anything else (escapes, non-ASCII, unknown or repeated keys, other
    /// events), so every line it accepts decodes exactly as JSONDecoder would decode it.
    static func decodeMetricsLine(_ line: UnsafeBufferPointer<UInt8>) -> JournalEvent? {
        var parser = MetricsLineParser(bytes: line)
        return parser.event()
    }
}

/// The hand-written decoder behind `JournalEvent.decodeMetricsLine`.
private struct MetricsLineParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func event() -> JournalEvent? {
        var trial: Int?
        var readings: [MetricReading]?
        var isMetrics = false
        var hasChecksum = false
        guard consume(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let key = string() else { return nil }
            guard consume(UInt8(ascii: ":")) else { return nil }
            if matches(key, "event") {
                guard !isMetrics, let value = string(), matches(value, "metrics") else { return nil }
                isMetrics = true
            } else if matches(key, "trial") {
                guard trial == nil, let value = integer() else { return nil }
                trial = value
            } else if matches(key, "readings") {
                guard readings == nil, let value = readingList() else { return nil }
                readings = value
            } else if matches(key, "crc") {
                // Format 3's checksum, verified by the caller (JournalChecksum); JSONDecoder ignores it too.
                guard !hasChecksum, string() != nil else { return nil }
                hasChecksum = true
            } else {
                return nil
            }
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "}")), atEnd(), isMetrics, let trial, let readings else { return nil }
        return .metrics(trial: trial, readings: readings)
    }

    private mutating func readingList() -> [MetricReading]? {
        guard consume(UInt8(ascii: "[")) else { return nil }
        var list: [MetricReading] = []
        if consume(UInt8(ascii: "]")) { return list }
        repeat {
            guard let reading = reading() else { return nil }
            list.append(reading)
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "]")) else { return nil }
        return list
    }

    private mutating func reading() -> MetricReading? {
        var tag: String?
        var value: Double?
        var step: Int?
        var source: MetricSourceKind?
        guard consume(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let key = string(), consume(UInt8(ascii: ":")) else { return nil }
            if matches(key, "tag") {
                guard tag == nil, let text = string() else { return nil }
                tag = String(decoding: UnsafeBufferPointer(rebasing: bytes[text]), as: UTF8.self)
            } else if matches(key, "value") {
                guard value == nil, let number = floatingPoint() else { return nil }
                value = number
            } else if matches(key, "step") {
                guard step == nil, let number = integer() else { return nil }
                step = number
            } else if matches(key, "source") {
                guard source == nil, let text = string() else { return nil }
                if matches(text, "stdout") {
                    source = .stdout
                } else if matches(text, "hypertune") {
                    source = .hypertune
                } else if matches(text, "events") {
                    source = .events
                } else {
                    return nil
                }
            } else {
                return nil
            }
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "}")), let tag, let value, let step, let source else { return nil }
        return MetricReading(tag: tag, value: value, step: step, source: source)
    }

    // MARK: Tokens

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard i < bytes.count, bytes[i] == byte else { return false }
        i += 1
        return true
    }

    private mutating func atEnd() -> Bool {
        skipSpace()
        return i == bytes.count
    }

    /// The byte range of a string's contents: printable ASCII without escapes only.
    private mutating func string() -> Range<Int>? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = i
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                i += 1
                return start..<(i - 1)
            }
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
            i += 1
        }
        return nil
    }

    private func matches(_ range: Range<Int>, _ text: StaticString) -> Bool {
        guard range.count == text.utf8CodeUnitCount else { return false }
        let expected = text.utf8Start
        for k in 0..<range.count where bytes[range.lowerBound + k] != expected[k] { return false }
        return true
    }

    private func isDigit(_ index: Int) -> Bool {
        index < bytes.count && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9")
    }

    /// A plain JSON integer (`-?(0|[1-9][0-9]*)`) of at most 18 digits, so it cannot overflow.
    private mutating func integer() -> Int? {
        skipSpace()
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        let start = i
        var value = 0
        while isDigit(i) {
            guard i - start < 18 else { return nil }
            value = value * 10 + Int(bytes[i] - UInt8(ascii: "0"))
            i += 1
        }
        let digits = i - start
        guard digits >= 1, digits <= 18, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
        // A fraction or exponent is left to JSONDecoder.
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            return nil
        }
        return negative ? -value : value
    }

    /// A JSON number, or the encoder's `"nan"`, `"inf"` and `"-inf"` strings for non-finite values.
    private mutating func floatingPoint() -> Double? {
        skipSpace()
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "\"") {
            guard let text = string() else { return nil }
            if matches(text, "nan") { return .nan }
            if matches(text, "inf") { return .infinity }
            if matches(text, "-inf") { return -.infinity }
            return nil
        }
        // Check the JSON grammar -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? before converting.
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        while isDigit(i) { i += 1 }
        guard i > intStart, i - intStart == 1 || bytes[intStart] != UInt8(ascii: "0") else { return nil }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while isDigit(i) { i += 1 }
            guard i > fractionStart else { return nil }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            let exponentStart = i
            while isDigit(i) { i += 1 }
            guard i > exponentStart else { return nil }
        }
        // Swift's Double(_:) rounds correctly, as JSONDecoder does; an out-of-range literal is left to JSONDecoder.
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }
}
