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

    public init(trial: Int, state: TrialState, time: Date, finalMetric: MetricReading? = nil,
                exitCode: Int32? = nil, signal: Int32? = nil, reason: String? = nil) {
        self.trial = trial
        self.state = state
        self.time = time
        self.finalMetric = finalMetric
        self.exitCode = exitCode
        self.signal = signal
        self.reason = reason
    }
}

/// One line of a job's journal. The journal is a log of these, replayed in order to rebuild the
/// job (`JobRecord.apply`); finished trials are never rewritten, only new events appended.
public enum JournalEvent: Sendable, Equatable {
    case jobCreated(JobHeader)
    case trialCreated(trial: Int, parameters: [String: String], time: Date)
    case trialStarted(trial: Int, pid: Int32, time: Date)
    case metrics(trial: Int, readings: [MetricReading])
    case trialFinished(TrialOutcome)
    case jobStateChanged(JobState, reason: String?, time: Date)
}

extension JournalEvent: Codable {
    /// One flat object per line with an `event` discriminator, so the file reads well with `jq`.
    private enum CodingKeys: String, CodingKey {
        case event, time, trial
        case job, spec, command, directory, configPath, configText, seed, strategy
        case parameters, pid, readings
        case state, finalMetric, exitCode, signal, reason
    }

    private enum Kind: String, Codable {
        case jobCreated = "job_created"
        case trialCreated = "trial_created"
        case trialStarted = "trial_started"
        case metrics
        case trialFinished = "trial_finished"
        case jobState = "job_state"
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
        case .trialCreated(let trial, let parameters, let time):
            try c.encode(Kind.trialCreated, forKey: .event)
            try c.encode(time.timeIntervalSince1970, forKey: .time)
            try c.encode(trial, forKey: .trial)
            try c.encode(parameters, forKey: .parameters)
        case .trialStarted(let trial, let pid, let time):
            try c.encode(Kind.trialStarted, forKey: .event)
            try c.encode(time.timeIntervalSince1970, forKey: .time)
            try c.encode(trial, forKey: .trial)
            try c.encode(pid, forKey: .pid)
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
        case .jobStateChanged(let state, let reason, let time):
            try c.encode(Kind.jobState, forKey: .event)
            try c.encode(time.timeIntervalSince1970, forKey: .time)
            try c.encode(state, forKey: .state)
            try c.encodeIfPresent(reason, forKey: .reason)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func time() throws -> Date {
            Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .time))
        }
        switch try c.decode(Kind.self, forKey: .event) {
        case .jobCreated:
            self = .jobCreated(JobHeader(
                id: try c.decode(String.self, forKey: .job),
                createTime: try time(),
                spec: try c.decode(TuningSpec.self, forKey: .spec),
                command: try c.decode([String].self, forKey: .command),
                workingDirectory: try c.decode(String.self, forKey: .directory),
                configPath: try c.decode(String.self, forKey: .configPath),
                configText: try c.decode(String.self, forKey: .configText),
                seed: try c.decode(UInt64.self, forKey: .seed),
                strategy: try c.decode(String.self, forKey: .strategy)))
        case .trialCreated:
            self = .trialCreated(trial: try c.decode(Int.self, forKey: .trial),
                                 parameters: try c.decode([String: String].self, forKey: .parameters),
                                 time: try time())
        case .trialStarted:
            self = .trialStarted(trial: try c.decode(Int.self, forKey: .trial),
                                 pid: try c.decode(Int32.self, forKey: .pid), time: try time())
        case .metrics:
            self = .metrics(trial: try c.decode(Int.self, forKey: .trial),
                            readings: try c.decode([MetricReading].self, forKey: .readings))
        case .trialFinished:
            self = .trialFinished(TrialOutcome(
                trial: try c.decode(Int.self, forKey: .trial),
                state: try c.decode(TrialState.self, forKey: .state),
                time: try time(),
                finalMetric: try c.decodeIfPresent(MetricReading.self, forKey: .finalMetric),
                exitCode: try c.decodeIfPresent(Int32.self, forKey: .exitCode),
                signal: try c.decodeIfPresent(Int32.self, forKey: .signal),
                reason: try c.decodeIfPresent(String.self, forKey: .reason)))
        case .jobState:
            self = .jobStateChanged(try c.decode(JobState.self, forKey: .state),
                                    reason: try c.decodeIfPresent(String.self, forKey: .reason),
                                    time: try time())
        }
    }
}
