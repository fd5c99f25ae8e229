import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a `tune run` behaves beyond the config.
public struct RunOptions: Sendable {
    /// Copy every trial's output to the terminal, each line prefixed by its trial.
    public var verbose: Bool
    /// Seconds between SIGTERM and SIGKILL when trials are stopped.
    public var gracePeriod: TimeInterval
    /// Longest wait for trial output or exits between checks (interrupts, metric files).
    public var pollInterval: TimeInterval
    /// How often the cloudml-hypertune file of a running trial is re-read.
    public var metricFileInterval: TimeInterval
    /// The GPUs to share out with gpusPerTrial (see `GPUInventory`).
    public var gpus: [String] = []
    /// How often a cluster scheduler is asked where the trials stand (Slurm's `squeue`).
    public var schedulerPollInterval: TimeInterval = 2

    public init(verbose: Bool = false, gracePeriod: TimeInterval = 10, pollInterval: TimeInterval = 0.1, metricFileInterval: TimeInterval = 0.5) {
        self.verbose = verbose
        self.gracePeriod = gracePeriod
        self.pollInterval = pollInterval
        self.metricFileInterval = metricFileInterval
    }
}

/// What a `TuningRun` is asked to do with its job.
public enum RunPlan: Sendable, Equatable {
    /// A new job: propose and run trials until the budget is spent.
    case fresh
    /// `tune resume`: run again the trials that were interrupted or cancelled, then go on
    /// proposing until the job has maxTrials trials.
    case resume
    /// `tune retry`: run these trials again with their parameters, and nothing else.
    case retry([Int])
}

/// How a job run ended.
public enum JobOutcome: Sendable, Equatable {
    case succeeded
    case failed(String)
    case cancelled(String)
}

/// Runs a job's trials: asks the strategy for points, launches up to maxParallelTrials trials,
/// reads their output and metric files while they run, judges each as it ends, and records
/// every step in the journal before acting on it. Single-threaded: one `poll` loop over every
/// trial's pipes, so nothing here needs locks.
public final class TuningRun {
    public private(set) var job: JobRecord
    private let store: JobStore
    private let writer: JournalWriter
    private let executable: String
    private let strategy: any SearchStrategy
    private let launcher: any Launcher
    private let baseEnvironment: [String: String]
    private let options: RunOptions
    private let reporter: ProgressReporter
    private let plan: RunPlan
    private var running: [RunningTrial] = []
    /// Trials to run again before new ones are proposed; `cause` nil when the re-run is journaled already.
    private var reruns: [(trial: Int, cause: RerunCause?)] = []
    private var cancelReason: String?
    /// The completed trials' objective curves, for the median stopping rule.
    private var completedCurves: CompletedCurves
    /// GPUs no running trial holds.
    private var freeGPUs: [String]
    /// Wakes the loop when a trial's hypertune file is written (nil where inotify is not available).
    private let metricWatch = FileChangeWatch()
    /// A launch found the machine short of descriptors or processes: no more until a trial ends.
    private var launchBlocked = false
    private var announcedShortage = false

    public init(job: JobRecord, store: JobStore, writer: JournalWriter, executable: String, strategy: any SearchStrategy,
                launcher: any Launcher = LocalLauncher(), baseEnvironment: [String: String] = ProcessInfo.processInfo.environment,
                options: RunOptions = RunOptions(), reporter: ProgressReporter = ProgressReporter(), plan: RunPlan = .fresh) {
        self.job = job
        self.plan = plan
        self.completedCurves = CompletedCurves(job: job)
        self.freeGPUs = options.gpus
        self.store = store
        self.writer = writer
        self.executable = executable
        self.strategy = strategy
        self.launcher = launcher
        self.baseEnvironment = baseEnvironment
        self.options = options
        self.reporter = reporter
    }

    private var spec: TuningSpec { job.spec }

    /// Runs until the budget is spent, the space is exhausted, too many trials failed, or the
    /// user interrupts. Throws only when the journal cannot be written (after stopping trials).
    public func run() throws(StoreError) -> JobOutcome {
        var stopReason: String?
        var handledInterrupts = Interrupts.count
        var killDeadline: Date?

        try prepare()
        do {
            while true {
                if Interrupts.count > handledInterrupts {
                    if cancelReason == nil {
                        cancelReason = "cancelled by \(Interrupts.lastSignalName)"
                        if !running.isEmpty {
                            reporter.note("\(Interrupts.lastSignalName): stopping \(running.count) running trial(s) — SIGTERM now, SIGKILL in \(Int(options.gracePeriod))s; interrupt again to kill them now")
                        }
                        stopAll(signal: SIGTERM, reason: cancelReason!)
                        killDeadline = Date().addingTimeInterval(options.gracePeriod)
                    } else {
                        stopAll(signal: SIGKILL, reason: cancelReason!)
                    }
                    handledInterrupts = Interrupts.count
                }
                if let deadline = killDeadline, Date() >= deadline {
                    stopAll(signal: SIGKILL, reason: cancelReason ?? "stopped")
                    killDeadline = nil
                }
                if cancelReason == nil && stopReason == nil {
                    try launchWhileSlotsFree()
                }
                if running.isEmpty && (reruns.isEmpty || cancelReason != nil || stopReason != nil) { break }
                enforceTimeouts(now: Date())
                waitForOutput()
                try collectFinished(stopReason: &stopReason)
                try trackScheduler()
                reporter.update(job, running: running.count)
            }
        } catch {
            stopAll(signal: SIGKILL, reason: "tune could not write its journal")
            launcher.finish()
            stopLeftovers()
            throw error
        }
        launcher.finish()
        stopLeftovers()
        reporter.finish()
        return try finishJob(stopReason: stopReason)
    }

    // MARK: launching

    /// Journals what a resume or retry starts from: trials that were running when tune died are
    /// recorded as interrupted (and any process of theirs still alive is stopped), and the trials
    /// to run again are queued.
    private func prepare() throws(StoreError) {
        guard plan != .fresh else { return }
        for trial in job.unfinishedTrials {
            var reason = trial.startTime == nil ? "not started: tune stopped before it could start the trial"
                                                : "interrupted: tune stopped while the trial ran"
            if trial.startTime != nil, let pid = trial.pid, StaleTrialProcess.stop(pid: pid, job: job.id, trial: trial.id) {
                reason += " (its processes, still running, were stopped)"
            }
            if trial.scheduler != nil { launcher.stopLeftovers(job: job.id, trial: trial.id) }
            try record(.trialFinished(TrialOutcome(trial: trial.id, state: .cancelled, time: Date(), reason: reason)))
        }
        switch plan {
        case .fresh:
            return
        case .resume:
            reruns = job.trials.filter { $0.state == .cancelled }.map { ($0.id, .resume) }
            try record(.jobStateChanged(.running, reason: "resumed", time: Date()))
        case .retry(let ids):
            // Journaled at once, so the failure budget no longer counts them while they wait.
            for id in ids {
                if let trial = job.trial(id) { try beginAttempt(of: trial, cause: .manual) }
            }
            reruns = ids.map { ($0, nil) }
            try record(.jobStateChanged(.running, reason: "retrying trial\(ids.count == 1 ? "" : "s") \(ids.map(String.init).joined(separator: ", "))", time: Date()))
        }
    }

    private var proposesNew: Bool {
        if case .retry = plan { return false }
        return true
    }

    private func launchWhileSlotsFree() throws(StoreError) {
        launchBlocked = false
        while running.count < slots && !launchBlocked {
            if !reruns.isEmpty {
                let next = reruns.removeFirst()
                try relaunch(next.trial, cause: next.cause)
                continue
            }
            guard proposesNew, job.trials.count < spec.maxTrials else { return }
            let nextId = (job.trials.last?.id ?? 0) + 1
            if let hyperband = strategy as? HyperbandScheduler {
                guard let run = hyperband.next(job: job) else { return }
                try record(.trialCreated(trial: nextId, parameters: run.assignment.textValues, time: Date(), placement: run.placement))
            } else {
                guard let point = strategy.propose(count: 1, firstTrialId: nextId, history: job.observations).first else { return }
                try record(.trialCreated(trial: nextId, parameters: point.textValues, time: Date()))
            }
            try start(nextId)
        }
    }

    /// Trials that may run at once: maxParallelTrials, and with gpusPerTrial no more than the GPUs
    /// allow (on this machine: Slurm shares out its GPUs itself).
    var slots: Int {
        guard let perTrial = spec.gpusPerTrial, spec.launcherKind == .local else { return spec.maxParallelTrials }
        return min(spec.maxParallelTrials, options.gpus.count / perTrial)
    }

    /// Runs trial `id` again with its parameters, as a new attempt (journaled unless `cause` is nil).
    private func relaunch(_ id: Int, cause: RerunCause?) throws(StoreError) {
        guard let trial = job.trial(id) else { return }
        if let cause { try beginAttempt(of: trial, cause: cause) }
        try start(id)
    }

    /// The trial's `--name=value` flags, and Hyperband's `--<resource>=<budget>` after them.
    private func flags(of trial: TrialRecord) -> [String]? {
        guard let assignment = Assignment(textValues: trial.parameters, spec: spec) else { return nil }
        var flags = assignment.flags
        if let placement = trial.placement, let resource = spec.hyperband {
            flags.append("--\(resource.resourceParameter)=\(placement.budget)")
        }
        return flags
    }

    /// Moves the trial's earlier output aside (`trials/3` → `trials/3.attempt-1`) and journals the new attempt.
    private func beginAttempt(of trial: TrialRecord, cause: RerunCause) throws(StoreError) {
        let directory = store.trialDirectory(job.id, trial: trial.id)
        var kept: String?
        if FileManager.default.fileExists(atPath: directory) {
            var suffix = "attempt-\(trial.attempt)"
            var n = 2
            while FileManager.default.fileExists(atPath: "\(directory).\(suffix)") {
                suffix = "attempt-\(trial.attempt)-\(n)"
                n += 1
            }
            if rename(directory, "\(directory).\(suffix)") == 0 {
                kept = "trials/\(trial.id).\(suffix)"
            } else {
                reporter.note("trial \(trial.id): cannot move its earlier output aside (\(String(cString: strerror(errno)))); the new attempt writes over it")
            }
        }
        try record(.trialRerun(TrialRerun(trial: trial.id, attempt: trial.attempt + 1, cause: cause, time: Date(), outputFolder: kept)))
    }

    private func start(_ id: Int) throws(StoreError) {
        guard let trial = job.trial(id) else { return }
        guard let flags = flags(of: trial) else {
            try record(.trialFinished(TrialOutcome(trial: id, state: .failed, time: Date(), reason: "its parameters \(trial.parameters) no longer fit the job's search space")))
            return
        }
        let folders = store.folders(of: trial, in: job.id)
        let directory = folders.trial
        do {
            try folders.create(jobDir: spec.passesJobDir || TrialArguments.namesJobDir(job.header.command),
                               workingDirectoryLinkingTo: spec.isolatesWorkingDirectory ? job.header.workingDirectory : nil,
                               excluding: store.root)
        } catch {
            try launchFailed(id, reason: error.message)
            return
        }
        var environment = TrialEnvironment.make(base: baseEnvironment, job: job.id, trial: id, folders: folders, attempt: trial.attempt)
        if let placement = trial.placement {
            environment["TUNE_RESOURCE"] = String(placement.budget)
            environment["TUNE_CONFIGURATION"] = String(placement.configuration)
        }
        var gpus: [String] = []
        if let perTrial = spec.gpusPerTrial, spec.launcherKind == .local {
            // Only called with a slot free, so the pool has enough: no GPU ever serves two trials.
            gpus = Array(freeGPUs.prefix(perTrial))
            freeGPUs.removeFirst(gpus.count)
            environment["CUDA_VISIBLE_DEVICES"] = gpus.joined(separator: ",")
        }
        let arguments = TrialArguments.make(command: job.header.command, flags: flags, job: job.id, trial: id, folders: folders,
                                            passJobDir: spec.passesJobDir)
        let request = LaunchRequest(executable: executable, arguments: arguments, environment: environment, trial: id,
                                    trialDirectory: directory,
                                    workingDirectory: spec.isolatesWorkingDirectory ? folders.workingDirectory : nil)
        let process: any TrialProcess
        // Before the spawn: what the trial writes is never older than this.
        let launched = Date()
        do {
            process = try launcher.launch(request)
        } catch {
            freeGPUs.insert(contentsOf: gpus, at: 0)
            if error.isResourceShortage, !running.isEmpty {
                // Out of descriptors or processes for now: the trial waits (still pending) until a
                // running one ends, rather than failing for want of a pipe.
                if !announcedShortage {
                    reporter.note("\(error.message): trial \(id) waits for a running trial to end (\(running.count) running)")
                    announcedShortage = true
                }
                reruns.insert((id, nil), at: 0)
                launchBlocked = true
                return
            }
            try launchFailed(id, reason: error.message)
            return
        }
        let now = Date()
        let runningTrial = RunningTrial(id: id, process: process, directory: directory, echo: options.verbose, startTime: launched,
                                        watcher: metricWatch)
        runningTrial.gpus = gpus
        // A trial in a scheduler's queue is not running yet: trialTimeout waits for it to start.
        runningTrial.runningSince = process.scheduler == nil ? now : nil
        running.append(runningTrial)
        try record(.trialStarted(trial: id, pid: process.pid, time: now, gpus: gpus.isEmpty ? nil : gpus))
        try trackScheduler(runningTrial)
        if let trial = job.trial(id) { reporter.trialStarted(trial, job: job) }
    }

    private func launchFailed(_ id: Int, reason: String) throws(StoreError) {
        try record(.trialFinished(TrialOutcome(trial: id, state: .failed, time: Date(), reason: reason)))
        if let trial = job.trial(id) { reporter.trialFinished(trial, job: job, running: running.count) }
        try retryIfInfrastructure(id, sign: "tune could not start it")
    }

    /// maxTrialRetries: a trial that failed with signs of infrastructure trouble runs again at once
    /// (a new attempt of the same id), unless the job is being stopped or its retries are spent.
    private func retryIfInfrastructure(_ id: Int, sign: String?) throws(StoreError) {
        guard let sign, cancelReason == nil, let trial = job.trial(id), trial.state == .failed else { return }
        let allowed = spec.maxTrialRetries ?? 0
        guard trial.automaticRetries < allowed else {
            if allowed > 0 { reporter.note("trial \(id): not retried again, its \(allowed) retr\(allowed == 1 ? "y is" : "ies are") spent (maxTrialRetries)") }
            return
        }
        reporter.note("trial \(id) failed, \(sign): running it again (retry \(trial.automaticRetries + 1) of \(allowed), maxTrialRetries)")
        try beginAttempt(of: trial, cause: .retry)
        reruns.insert((id, nil), at: 0)
    }

    // MARK: watching

    /// Waits until some trial writes or ends (or the poll interval passes), then reads all output.
    private func waitForOutput() {
        var fds: [pollfd] = []
        var owners: [Int32: RunningTrial] = [:]
        for trial in running {
            for fd in trial.openStreams {
                fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
                owners[fd] = trial
            }
        }
        if let metricWatch, !running.isEmpty { fds.append(pollfd(fd: metricWatch.descriptor, events: Int16(POLLIN), revents: 0)) }
        let timeout = Int32(options.pollInterval * 1000)
        let ready = fds.isEmpty ? Int32(usleep(UInt32(timeout) * 1000)) : poll(&fds, nfds_t(fds.count), timeout)
        if ready > 0 {
            for entry in fds where entry.revents != 0 {
                owners[entry.fd]?.read(entry.fd)
                if let metricWatch, entry.fd == metricWatch.descriptor {
                    metricWatch.drain()
                    for trial in running where trial.exit == nil {
                        if let id = trial.hypertuneWatch, metricWatch.hasWrites(id) { trial.metricFileChanged() }
                    }
                }
            }
        }
        let now = Date()
        for trial in running { trial.pollFiles(now: now, interval: options.metricFileInterval) }
    }

    private func collectFinished(stopReason: inout String?) throws(StoreError) {
        for trial in running {
            if try flushReadings(trial), trial.exit == nil { applyEarlyStopping(to: trial) }
            guard trial.exit == nil, let exit = trial.process.checkExit() else { continue }
            trial.exit = exit
            trial.finishOutput()
            try flushReadings(trial)
            // Whatever the trial left behind in its process group goes with it.
            trial.process.send(SIGKILL)
            try recordEnd(of: trial, exit: exit)
        }
        for trial in running where trial.exit != nil { freeGPUs.append(contentsOf: trial.gpus) }
        running.removeAll { $0.exit != nil }
        if stopReason == nil { stopReason = schedulerStop ?? job.failureBudgetExceeded }
        if let reason = stopReason, !running.isEmpty, !announcedStop {
            // Trials still waiting in a scheduler's queue have done nothing yet: they are cancelled,
            // and only the ones already running are waited for.
            let queued = running.filter { $0.exit == nil && $0.cancelReason == nil && ($0.process.scheduler?.isPending ?? false) }
            for trial in queued {
                trial.cancelReason = "not started: the job stopped (\(reason)) while the trial waited in Slurm's queue"
                trial.process.send(SIGTERM)
            }
            let waiting = running.count - queued.count
            reporter.note("\(reason): launching no more trials" + (queued.isEmpty ? "" : ", cancelling the \(queued.count) still queued in Slurm")
                          + (waiting > 0 ? ", waiting for the \(waiting) running" : ""))
            announcedStop = true
        }
    }

    private var announcedStop = false
    /// A scheduler ended a trial in a way every trial would end (the trial folders are not on its nodes).
    private var schedulerStop: String?

    /// Every trial has ended: whatever they left running outside their process groups goes too.
    private func stopLeftovers() {
        let stopped = TrialLeftovers.stop(jobDirectory: store.jobDirectory(job.id))
        guard !stopped.isEmpty else { return }
        reporter.note("stopped \(stopped.count) process\(stopped.count == 1 ? "" : "es") that trials left running outside their process groups (pid\(stopped.count == 1 ? "" : "s") \(stopped.map(String.init).joined(separator: ", ")); a `setsid` daemon?)")
    }

    /// Journals each running trial's scheduler status when it changes (Slurm job id, PENDING →
    /// RUNNING), so `tune status` shows it; the trial's running time starts when the scheduler runs it.
    private func trackScheduler() throws(StoreError) {
        for trial in running where trial.exit == nil { try trackScheduler(trial) }
    }

    private func trackScheduler(_ trial: RunningTrial) throws(StoreError) {
        trial.process.observe(schedulerLines: trial.schedulerLines)
        guard let status = trial.process.scheduler else { return }
        // Running once the scheduler says so, or once the trial reports (squeue may lag or fail).
        if trial.runningSince == nil, !status.isPending || !trial.readings.isEmpty { trial.runningSince = Date() }
        guard status != trial.journaledScheduler else { return }
        trial.journaledScheduler = status
        try record(.trialScheduled(trial: trial.id, status: status, time: Date()))
    }
    /// Notes about where the metric came from, said once per job.
    private var announcedNotes = Set<String>()

    /// Journals the readings that arrived; true when there were any.
    @discardableResult
    private func flushReadings(_ trial: RunningTrial) throws(StoreError) -> Bool {
        for warning in trial.takeWarnings() { reporter.note("trial \(trial.id): \(warning)") }
        let readings = trial.takeUnrecorded()
        guard !readings.isEmpty else { return false }
        try record(.metrics(trial: trial.id, readings: readings))
        return true
    }

    /// The median stopping rule (`enableTrialEarlyStopping`): a trial that fell behind gets SIGTERM
    /// (SIGKILL after the grace period) and ends SUCCEEDED with the value it had reached.
    private func applyEarlyStopping(to trial: RunningTrial) {
        guard let rule = spec.earlyStoppingRule, trial.earlyStopReason == nil, trial.cancelReason == nil,
              trial.timeoutReason == nil, let record = job.trial(trial.id) else { return }
        let readings = record.readings(ofMetric: spec.metricTag)
        guard let reason = MedianStoppingRule.verdict(readings: readings, completed: completedCurves, rule: rule, goal: spec.goal) else { return }
        trial.earlyStopReason = reason
        trial.process.send(SIGTERM)
        trial.killAt = Date().addingTimeInterval(options.gracePeriod)
        reporter.note("trial \(trial.id) \(reason)")
    }

    private func recordEnd(of trial: RunningTrial, exit: TrialExit) throws(StoreError) {
        var outcome: TrialOutcome
        var (exitCode, signal): (Int32?, Int32?) = (nil, nil)
        switch exit {
        case .exited(let code): exitCode = code
        case .signaled(let number): signal = number
        }
        // How a scheduler ended it, unless tune itself stopped it.
        let stoppedByTune = trial.cancelReason != nil || trial.timeoutReason != nil || trial.earlyStopReason != nil
        let schedulerEnd = stoppedByTune ? nil : trial.process.schedulerEnd(exit: exit, schedulerLines: trial.schedulerLines)
        if let reason = trial.cancelReason {
            outcome = TrialOutcome(trial: trial.id, state: .cancelled, time: Date(), exitCode: exitCode, signal: signal, reason: reason)
        } else if let reason = trial.timeoutReason {
            outcome = TrialOutcome(trial: trial.id, state: .failed, time: Date(), exitCode: exitCode, signal: signal, reason: reason)
        } else if let reason = trial.earlyStopReason, !ranItsCourse(trial, exit: exit) {
            let readings = job.trial(trial.id)?.readings(ofMetric: spec.metricTag) ?? []
            let objective = ObjectiveSelection.select(from: readings, tag: readings.last?.tag ?? spec.metricTag, goal: spec.goal, selection: spec.measurementSelection)
            if let objective, objective.value.isFinite {
                outcome = TrialOutcome(trial: trial.id, state: .succeeded, time: Date(), finalMetric: objective,
                                       exitCode: exitCode, signal: signal, reason: reason, stoppedEarly: true)
            } else {
                outcome = TrialOutcome(trial: trial.id, state: .failed, time: Date(), exitCode: exitCode, signal: signal,
                                       reason: reason + "; its last value was not a finite number")
            }
        } else if let end = schedulerEnd {
            outcome = TrialOutcome(trial: trial.id, state: .failed, time: Date(), exitCode: exitCode, signal: signal, reason: end.reason)
            if end.stopsJob, schedulerStop == nil { schedulerStop = "trial \(trial.id): \(end.reason)" }
        } else {
            let verdict = TrialVerdict.judge(exit: exit, readings: trial.readings, spec: spec, lastErrorLine: trial.lastErrorLine)
            var reason = verdict.reason
            if verdict.state == .failed, exit == .exited(0), verdict.finalMetric == nil {
                // No metric: were its event files written somewhere tune does not look?
                let stray = StrayEventFiles.find(under: job.header.workingDirectory, since: trial.startTime, excluding: [store.root])
                if !stray.isEmpty { reason = (reason ?? "") + " — " + StrayEventFiles.hint(stray, workingDirectory: job.header.workingDirectory) }
            }
            outcome = TrialOutcome(trial: trial.id, state: verdict.state, time: Date(), finalMetric: verdict.finalMetric,
                                   exitCode: exitCode, signal: signal, reason: reason)
            if let note = verdict.sourceNote, announcedNotes.insert(note).inserted {
                reporter.note(note)
            }
        }
        outcome.notes = trial.notes.isEmpty ? nil : trial.notes
        for note in trial.notes { reporter.note("trial \(trial.id): \(note)") }
        try record(.trialFinished(outcome))
        if let finished = job.trial(trial.id) {
            completedCurves.add(finished)
            reporter.trialFinished(finished, job: job, running: running.filter { $0.exit == nil }.count)
        }
        if outcome.state == .failed, trial.timeoutReason == nil, trial.cancelReason == nil {
            if let schedulerEnd, !schedulerEnd.isInfrastructure { return }
            try retryIfInfrastructure(trial.id, sign: schedulerEnd?.reason ?? InfrastructureFailure.sign(exit: exit, reason: outcome.reason))
        }
    }

    /// A trial told to stop early that still exited 0 having got to where completed trials end (it
    /// ignored SIGTERM, or finished first) ran its whole course: it is judged as any other.
    private func ranItsCourse(_ trial: RunningTrial, exit: TrialExit) -> Bool {
        exit == .exited(0) && completedCurves.reachedTypicalEnd(job.trial(trial.id)?.readings(ofMetric: spec.metricTag) ?? [])
    }

    /// trialTimeout: a trial past its limit gets SIGTERM, then SIGKILL after the grace period.
    private func enforceTimeouts(now: Date) {
        for trial in running where trial.exit == nil {
            if let limit = spec.trialTimeout, trial.timeoutReason == nil, trial.cancelReason == nil,
               let since = trial.runningSince, now.timeIntervalSince(since) > limit {
                trial.timeoutReason = "timed out after \(ProgressReporter.duration(limit)) (trialTimeout)"
                trial.process.send(SIGTERM)
                trial.killAt = now.addingTimeInterval(options.gracePeriod)
            }
            if let killAt = trial.killAt, now >= killAt {
                trial.process.send(SIGKILL)
                trial.killAt = nil
            }
        }
    }

    /// Stops every running trial with `signal` (its whole process group).
    private func stopAll(signal: Int32, reason: String) {
        for trial in running where trial.exit == nil {
            if trial.cancelReason == nil { trial.cancelReason = reason }
            trial.process.send(signal)
        }
    }

    // MARK: ending

    private func finishJob(stopReason: String?) throws(StoreError) -> JobOutcome {
        for trial in job.unfinishedTrials {
            try record(.trialFinished(TrialOutcome(trial: trial.id, state: .cancelled, time: Date(),
                                                   reason: "not started: the job stopped first")))
        }
        let outcome: JobOutcome
        if let cancelReason {
            outcome = .cancelled(cancelReason)
        } else if let stopReason {
            outcome = .failed(stopReason)
        } else if job.count(.succeeded) == 0 {
            outcome = .failed(job.trials.isEmpty ? "no trial could be proposed" : "no trial succeeded")
        } else {
            outcome = .succeeded
        }
        switch outcome {
        case .succeeded: try record(.jobStateChanged(.succeeded, reason: nil, time: Date()))
        case .failed(let reason): try record(.jobStateChanged(.failed, reason: reason, time: Date()))
        case .cancelled(let reason): try record(.jobStateChanged(.cancelled, reason: reason, time: Date()))
        }
        return outcome
    }

    /// Journals an event, then applies it to the in-memory job: the job in memory is always what
    /// a replay of the journal would give.
    private func record(_ event: JournalEvent) throws(StoreError) {
        try writer.append(event)
        job.apply(event)
    }
}
