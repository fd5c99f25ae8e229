import Foundation

/// A job's lifecycle state.
public enum JobState: String, Sendable, Codable, CaseIterable {
    case running = "RUNNING"
    /// Finished its trials with at least one success.
    case succeeded = "SUCCEEDED"
    /// Every trial failed, or more than maxFailedTrials did.
    case failed = "FAILED"
    /// Stopped by the user (Ctrl-C, SIGTERM).
    case cancelled = "CANCELLED"
}

/// What a job was created with: the first journal event.
public struct JobHeader: Sendable, Equatable {
    public var id: String
    public var createTime: Date
    public var spec: TuningSpec
    /// The trial command and its own arguments (before the `--name=value` flags).
    public var command: [String]
    /// Where trials run (the directory tune was started in).
    public var workingDirectory: String
    /// The config file as given, and its text, so the job can be reproduced.
    public var configPath: String
    public var configText: String
    public var seed: UInt64
    public var strategy: String
    /// The journal format the job was written in (`JournalFormat`); 1 for journals without one.
    public var format: Int

    public init(
        id: String, createTime: Date, spec: TuningSpec, command: [String], workingDirectory: String,
        configPath: String, configText: String, seed: UInt64, strategy: String, format: Int = JournalFormat.current
    ) {
        self.id = id
        self.createTime = createTime
        self.spec = spec
        self.command = command
        self.workingDirectory = workingDirectory
        self.configPath = configPath
        self.configText = configText
        self.seed = seed
        self.strategy = strategy
        self.format = format
    }
}

/// A job as its journal tells it: the header, every trial, and the job's state.
public struct JobRecord: Sendable, Equatable {
    public var header: JobHeader
    public var trials: [TrialRecord]
    public var state: JobState
    public var stateReason: String?
    public var endTime: Date?
    /// The job whose finished trials warm-started this one (`resumePreviousJobId`), and those trials.
    public var warmStartJob: String?
    public var priorTrials: [PriorTrial] = []
    /// The prior trials' values typed, decoded once (nil where they do not fit this job's space).
    public private(set) var priorAssignments: [Assignment?] = []
    /// The journal's damaged lines, left out of the replay (`JournalCheck`); empty when it is sound.
    public var journalDamage: [JournalDamage] = []
    /// When the job's trial budget was last set: its creation, or the last `tune resume --max-trials`.
    public private(set) var budgetSetAt: Date
    /// The periods a tune ran the job: from its creation or a resume to its end, or (for a tune
    /// that died) to its last journaled event; the last one open while a tune runs it.
    public private(set) var activePeriods: [ActivePeriod]
    /// The time of the latest journaled event that carries one.
    public private(set) var lastEventTime: Date

    /// The name the journal gives the job: its header's, or the last `job_moved`'s. The job's own
    /// name (`id`) is its folder's, set by `JobStore.load`: the two differ when the folder was
    /// renamed or copied since the job last ran (`isMoved`).
    public private(set) var recordedName: String

    public init(header: JobHeader) {
        self.header = header
        self.trials = []
        self.state = .running
        self.recordedName = header.id
        self.budgetSetAt = header.createTime
        self.activePeriods = [ActivePeriod(start: header.createTime)]
        self.lastEventTime = header.createTime
    }

    /// The job's name: the name of its folder in the store.
    public var id: String { header.id }
    /// The folder is not where the journal was last written: renamed, or a copy of another job.
    public var isMoved: Bool { recordedName != header.id }
    public var spec: TuningSpec { header.spec }

    public func trial(_ id: Int) -> TrialRecord? {
        trials.firstIndex { $0.id == id }.map { trials[$0] }
    }

    public func count(_ state: TrialState) -> Int {
        trials.reduce(0) { $0 + ($1.state == state ? 1 : 0) }
    }

    /// Succeeded trials best first, then the rest by id.
    ///
    /// Feasible trials (within every safety bound) rank before infeasible ones. Then trials that
    /// ran their whole course rank before those stopped early, and in a Hyperband job larger
    /// budgets before smaller ones: the best trial is the best at the largest budget reached.
    /// With several objectives, trials are ordered by Pareto rank (the front first), and within a
    /// rank by the first objective (the stated tie-break), then by id. With one objective,
    /// configurations re-checked by `tune confirm` rank first, by the mean of their repeats. Each
    /// repeat follows the trial it repeats (by seed), and is never ranked on its own. In a PBT job
    /// each member's earlier intervals follow its latest one (see `groupingMembers`).
    public var trialsBestFirst: [TrialRecord] {
        let goal = spec.goal
        let ranks = paretoRanks
        let infeasible = spec.safety.isEmpty ? [] : Set(trials.filter { $0.state == .succeeded && !isFeasible($0) }.map(\.id))
        let confirmed = spec.isMultiObjective ? [:] : confirmedMeans
        let sorted = searchTrials.sorted { a, b in
            if (a.finalMetric != nil) == (b.finalMetric != nil) && a.finalMetric != nil {
                let (unsafeA, unsafeB) = (infeasible.contains(a.id), infeasible.contains(b.id))
                if unsafeA != unsafeB { return unsafeB }
                let (budgetA, budgetB) = (a.resourceBudget ?? 0, b.resourceBudget ?? 0)
                if budgetA != budgetB { return budgetA > budgetB }
                if a.stoppedEarly != b.stoppedEarly { return !a.stoppedEarly }
                let (rankA, rankB) = (ranks[a.id] ?? Int.max, ranks[b.id] ?? Int.max)
                if rankA != rankB { return rankA < rankB }
                if let first = goal.ranksFirst(confirmed[a.id], confirmed[b.id]) { return first }
            }
            return goal.ranksFirst(a.finalMetric?.value, b.finalMetric?.value) ?? (a.id < b.id)
        }
        return groupingMembers(groupingRepeats(sorted))
    }

    /// The best succeeded trial that is feasible, if any: with several objectives, the first of
    /// the Pareto front by the tie-break (see `trialsBestFirst`).
    public var bestTrial: TrialRecord? {
        trialsBestFirst.first { $0.state == .succeeded && $0.finalMetric != nil && isFeasible($0) }
    }

    /// Trials the journal shows as started or waiting, though no tune process runs the job:
    /// tune died (SIGKILL, power loss) while they ran.
    public var unfinishedTrials: [TrialRecord] {
        trials.filter { !$0.state.isFinished }
    }

    /// Applies one journal event (replay). Events about unknown trials are ignored.
    public mutating func apply(_ event: JournalEvent) {
        let before = lastEventTime
        if let time = event.time { lastEventTime = max(lastEventTime, time) }
        switch event {
        case .jobCreated:
            break
        case .trialCreated(let id, let parameters, let time, let placement, let repeatOf, let population):
            if trials.last.map({ $0.id < id }) ?? true {
                var trial = TrialRecord(id: id, parameters: parameters, createTime: time)
                trial.assignment = Assignment(textValues: parameters, spec: spec)
                trial.placement = placement
                trial.repeatOf = repeatOf
                trial.population = population
                trials.append(trial)
            }
        case .trialStarted(let id, let pid, let time, let gpus):
            update(id) {
                $0.state = .running
                $0.startTime = time
                $0.pid = pid
                $0.gpus = gpus
            }
        case .metrics(let id, let readings):
            update(id) { $0.readings.append(contentsOf: readings) }
        case .trialFinished(let outcome):
            update(outcome.trial) {
                $0.state = outcome.state
                $0.endTime = outcome.time
                $0.finalMetric = outcome.finalMetric
                $0.exitCode = outcome.exitCode
                $0.signal = outcome.signal
                $0.failureReason = outcome.reason
                $0.stoppedEarly = outcome.stoppedEarly
                $0.notes = outcome.notes ?? []
            }
        case .jobStateChanged(let state, let reason, let time):
            if activePeriods.last?.end == nil { activePeriods[activePeriods.count - 1].end = state == .running ? before : time }
            if state == .running { activePeriods.append(ActivePeriod(start: time)) }
            self.state = state
            self.stateReason = reason
            self.endTime = state == .running ? nil : time
        case .trialRerun(let rerun):
            update(rerun.trial) { $0.startAttempt(rerun) }
        case .budgetChanged(let maxTrials, let time):
            header.spec.maxTrials = maxTrials
            budgetSetAt = time
        case .warmStart(let job, let trials, _):
            warmStartJob = job
            priorTrials = trials
            priorAssignments = trials.map { Assignment(textValues: $0.parameters, spec: spec) }
        case .trialScheduled(let id, let status, _):
            update(id) { $0.scheduler = status }
        case .jobMoved(_, let to, _):
            recordedName = to
            header.id = to
        }
    }

    private mutating func update(_ id: Int, _ change: (inout TrialRecord) -> Void) {
        // Trials are created in id order, so the index is usually id - 1.
        if id >= 1, id <= trials.count, trials[id - 1].id == id {
            change(&trials[id - 1])
        } else if let index = trials.firstIndex(where: { $0.id == id }) {
            change(&trials[index])
        }
    }
}

/// A period a tune ran the job (`JobRecord.activePeriods`).
public struct ActivePeriod: Sendable, Equatable {
    public var start: Date
    /// nil while it runs.
    public var end: Date?
}

extension JournalEvent {
    /// When the event happened, for the events that say.
    var time: Date? {
        switch self {
        case .jobCreated(let header): return header.createTime
        case .trialCreated(_, _, let time, _, _, _), .trialStarted(_, _, let time, _), .jobStateChanged(_, _, let time),
            .budgetChanged(_, let time), .warmStart(_, _, let time), .trialScheduled(_, _, let time), .jobMoved(_, _, let time):
            return time
        case .trialFinished(let outcome): return outcome.time
        case .trialRerun(let rerun): return rerun.time
        case .metrics: return nil
        }
    }
}
