import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a job's trials: asks the scheduler (and through it the strategy) what to run, launches up
/// to maxParallelTrials trials, reads their output and metric files while they run, judges each as
/// it ends (`TrialEnd`), and records every step in the journal before acting on it.
/// Single-threaded: one `poll` loop over every trial's pipes, so nothing here needs locks.
///
/// The loop holds its decisions behind protocols — `SearchStrategy`, `TrialScheduler`, `Launcher`,
/// `MetricSource` (in `RunningTrial`) — and never asks which concrete one it holds.
public final class TuningRun {
    public private(set) var job: JobRecord
    private let store: JobStore
    private let writer: JournalWriter
    private let executable: String
    private let strategy: any SearchStrategy
    private var scheduler: any TrialScheduler
    private let launcher: any Launcher
    private let baseEnvironment: [String: String]
    private let options: RunOptions
    private let reporter: ProgressReporter
    private let plan: RunPlan
    private var running: [RunningTrial] = []
    /// Trials to run again before new ones are proposed; `cause` nil when the re-run is journaled already.
    private var reruns: [(trial: Int, cause: RerunCause?)] = []
    private var cancelReason: String?
    private var gpus: GPUPool
    private var teardown: Teardown
    /// Wakes the loop when a trial's hypertune file is written (nil where inotify is not available).
    private let metricWatch = FileChangeWatch()
    /// A launch found the machine short of descriptors or processes: no more until a trial ends.
    private var launchBlocked = false
    private var announcedShortage = false
    private var announcedStop = false
    /// A trial's end that every trial would share (the trial folders are not on the cluster's nodes).
    private var launcherStop: String?
    /// Notes about where the metric came from, said once per job.
    private var announcedNotes = Set<String>()

    public init(job: JobRecord, store: JobStore, writer: JournalWriter, executable: String, strategy: any SearchStrategy,
                scheduler: (any TrialScheduler)? = nil, launcher: any Launcher = LocalLauncher(),
                baseEnvironment: [String: String] = ProcessInfo.processInfo.environment,
                options: RunOptions = RunOptions(), reporter: ProgressReporter = ProgressReporter(), plan: RunPlan = .fresh) {
        self.job = job
        self.plan = plan
        var scheduler = scheduler ?? job.spec.makeScheduler()
        scheduler.learn(fromTrialsOf: job)
        self.scheduler = scheduler
        self.gpus = GPUPool(gpus: options.gpus, perTrial: launcher.placesGPUs ? nil : job.spec.gpusPerTrial)
        self.teardown = Teardown(gracePeriod: options.gracePeriod)
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

        try prepare()
        do {
            while true {
                if Interrupts.count > handledInterrupts {
                    if cancelReason == nil {
                        cancelReason = "cancelled by \(Interrupts.lastSignalName)"
                        if !running.isEmpty {
                            reporter.note("\(Interrupts.lastSignalName): stopping \(running.count) running trial(s) — SIGTERM now, SIGKILL in \(Int(options.gracePeriod))s; interrupt again to kill them now")
                        }
                        stopAll(.cancelled(cancelReason!))
                    } else {
                        killAll()
                    }
                    handledInterrupts = Interrupts.count
                }
                if cancelReason == nil && stopReason == nil {
                    try launchWhileSlotsFree()
                }
                if running.isEmpty && (reruns.isEmpty || cancelReason != nil || stopReason != nil) { break }
                enforceTimeouts(now: Date())
                waitForOutput()
                try collectFinished(stopReason: &stopReason)
                try trackLauncherStatus()
                reporter.update(job, running: running.count)
            }
        } catch {
            killAll(reason: "tune could not write its journal")
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
        while running.count < gpus.slots(maxParallel: spec.maxParallelTrials) && !launchBlocked {
            if !reruns.isEmpty {
                let next = reruns.removeFirst()
                if let trial = job.trial(next.trial) {
                    if let cause = next.cause { try beginAttempt(of: trial, cause: cause) }
                    try start(next.trial)
                }
                continue
            }
            guard proposesNew, job.trials.count < spec.maxTrials,
                  let next = scheduler.next(job: job, strategy: strategy) else { return }
            let nextId = (job.trials.last?.id ?? 0) + 1
            try record(.trialCreated(trial: nextId, parameters: next.assignment.textValues, time: Date(), placement: next.placement))
            try start(nextId)
        }
    }

    /// Moves the trial's earlier output aside (`trials/3` → `trials/3.attempt-1`) and journals the new attempt.
    private func beginAttempt(of trial: TrialRecord, cause: RerunCause) throws(StoreError) {
        var kept: String?
        switch TrialFolders.moveAside(store.trialDirectory(job.id, trial: trial.id), attempt: trial.attempt) {
        case .moved(let name): kept = "trials/\(name)"
        case .nothingThere: break
        case .failed(let problem):
            reporter.note("trial \(trial.id): cannot move its earlier output aside (\(problem)); the new attempt writes over it")
        }
        try record(.trialRerun(TrialRerun(trial: trial.id, attempt: trial.attempt + 1, cause: cause, time: Date(), outputFolder: kept)))
    }

    private func start(_ id: Int) throws(StoreError) {
        guard let trial = job.trial(id) else { return }
        guard trial.assignment != nil else {
            try record(.trialFinished(TrialOutcome(trial: id, state: .failed, time: Date(), reason: "its parameters \(trial.parameters) no longer fit the job's search space")))
            return
        }
        let additions = scheduler.launchAdditions(for: trial)
        let folders = store.folders(of: trial, in: job.id)
        do {
            try folders.create(jobDir: spec.passesJobDir || TrialArguments.namesJobDir(job.header.command),
                               workingDirectoryLinkingTo: spec.isolatesWorkingDirectory ? job.header.workingDirectory : nil,
                               excluding: store.root)
        } catch {
            try launchFailed(id, reason: error.message)
            return
        }
        var environment = TrialEnvironment.make(base: baseEnvironment, job: job.id, trial: id, folders: folders, attempt: trial.attempt)
        environment.merge(additions.environment) { $1 }
        let held = gpus.take()
        if !held.isEmpty { environment["CUDA_VISIBLE_DEVICES"] = held.joined(separator: ",") }
        let flags = TrialArguments.flags(parameters: trial.parameters, spec: spec) + additions.flags
        let arguments = TrialArguments.make(command: job.header.command, flags: flags, job: job.id, trial: id, folders: folders,
                                            passJobDir: spec.passesJobDir)
        let request = LaunchRequest(executable: executable, arguments: arguments, environment: environment, trial: id,
                                    trialDirectory: folders.trial,
                                    workingDirectory: spec.isolatesWorkingDirectory ? folders.workingDirectory : nil,
                                    commandDirectory: job.header.workingDirectory)
        let process: any TrialProcess
        // Before the spawn: what the trial writes is never older than this.
        let launched = Date()
        do {
            process = try launcher.launch(request)
        } catch {
            gpus.putBack(held)
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
        let runningTrial = RunningTrial(id: id, process: process, directory: folders.trial, echo: options.verbose, startTime: launched,
                                        watcher: metricWatch)
        runningTrial.gpus = held
        // A trial in a queue is not running yet: trialTimeout waits for it to start.
        runningTrial.runningSince = process.scheduler == nil ? now : nil
        running.append(runningTrial)
        try record(.trialStarted(trial: id, pid: process.pid, time: now, gpus: held.isEmpty ? nil : held))
        try trackLauncherStatus(runningTrial)
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
                    for trial in running where trial.exit == nil { trial.pollSourcesWithNews() }
                }
            }
        }
        let now = Date()
        for trial in running { trial.pollFiles(now: now, interval: options.metricFileInterval) }
    }

    private func collectFinished(stopReason: inout String?) throws(StoreError) {
        for trial in running {
            if try flushReadings(trial), trial.exit == nil { askScheduler(about: trial) }
            guard trial.exit == nil, let exit = trial.process.checkExit() else { continue }
            trial.exit = exit
            trial.finishOutput()
            try flushReadings(trial)
            // Whatever the trial left behind in its process group goes with it.
            trial.process.send(SIGKILL)
            teardown.forget(trial.id)
            try recordEnd(of: trial, exit: exit)
        }
        for trial in running where trial.exit != nil { gpus.release(trial.gpus) }
        running.removeAll { $0.exit != nil }
        if stopReason == nil { stopReason = launcherStop ?? job.failureBudgetExceeded }
        if let reason = stopReason, !running.isEmpty, !announcedStop {
            // Trials still waiting in a queue have done nothing yet: they are cancelled, and only the
            // ones already running are waited for.
            let queued = running.filter { $0.exit == nil && $0.stopCause == nil && ($0.process.scheduler?.isPending ?? false) }
            for trial in queued {
                trial.stopCause = .cancelled("not started: the job stopped (\(reason)) while the trial waited in \(launcher.queueName)'s queue")
                trial.process.send(SIGTERM)
            }
            let waiting = running.count - queued.count
            reporter.note("\(reason): launching no more trials" + (queued.isEmpty ? "" : ", cancelling the \(queued.count) still queued in \(launcher.queueName)")
                          + (waiting > 0 ? ", waiting for the \(waiting) running" : ""))
            announcedStop = true
        }
    }

    /// Every trial has ended: whatever they left running outside their process groups goes too.
    private func stopLeftovers() {
        let stopped = TrialLeftovers.stop(jobDirectory: store.jobDirectory(job.id))
        guard !stopped.isEmpty else { return }
        reporter.note("stopped \(stopped.count) process\(stopped.count == 1 ? "" : "es") that trials left running outside their process groups (pid\(stopped.count == 1 ? "" : "s") \(stopped.map(String.init).joined(separator: ", ")); a `setsid` daemon?)")
    }

    /// Journals each running trial's status in the launcher's queue when it changes (a Slurm job
    /// id, PENDING → RUNNING), so `tune status` shows it; the trial's running time starts when it runs.
    private func trackLauncherStatus() throws(StoreError) {
        for trial in running where trial.exit == nil { try trackLauncherStatus(trial) }
    }

    private func trackLauncherStatus(_ trial: RunningTrial) throws(StoreError) {
        trial.process.observe(schedulerLines: trial.schedulerLines)
        guard let status = trial.process.scheduler else { return }
        // Running once the queue says so, or once the trial reports (the queue may lag or fail).
        if trial.runningSince == nil, !status.isPending || !trial.readings.isEmpty { trial.runningSince = Date() }
        guard status != trial.journaledScheduler else { return }
        trial.journaledScheduler = status
        try record(.trialScheduled(trial: trial.id, status: status, time: Date()))
    }

    /// Journals the readings that arrived; true when there were any.
    @discardableResult
    private func flushReadings(_ trial: RunningTrial) throws(StoreError) -> Bool {
        for warning in trial.takeWarnings() { reporter.note("trial \(trial.id): \(warning)") }
        let readings = trial.takeUnrecorded()
        guard !readings.isEmpty else { return false }
        try record(.metrics(trial: trial.id, readings: readings))
        return true
    }

    /// New readings: the scheduler may stop the trial (the median stopping rule). A trial it stops
    /// gets SIGTERM (SIGKILL after the grace period) and ends SUCCEEDED with the value it had reached.
    private func askScheduler(about trial: RunningTrial) {
        guard trial.stopCause == nil, let record = job.trial(trial.id), let reason = scheduler.stopReason(for: record) else { return }
        stop(trial, .stoppedEarly(reason), now: Date())
        reporter.note("trial \(trial.id) \(reason)")
    }

    private func recordEnd(of trial: RunningTrial, exit: TrialExit) throws(StoreError) {
        let record = job.trial(trial.id)
        let facts = TrialEnd.Facts(
            trial: trial.id, exit: exit, stopCause: trial.stopCause, readings: trial.readings,
            objectiveReadings: record?.readings(ofMetric: spec.metricTag) ?? [],
            ranItsCourse: record.map { scheduler.ranItsCourse($0) } ?? false,
            launcherEnd: trial.process.schedulerEnd(exit: exit, schedulerLines: trial.schedulerLines),
            lastErrorLine: trial.lastErrorLine, notes: trial.notes, time: Date())
        let end = TrialEnd.judge(facts, spec: spec) {
            // No metric: were its event files written somewhere tune does not look?
            let stray = StrayEventFiles.find(under: job.header.workingDirectory, since: trial.startTime, excluding: [store.root])
            return stray.isEmpty ? nil : StrayEventFiles.hint(stray, workingDirectory: job.header.workingDirectory)
        }
        if let note = end.sourceNote, announcedNotes.insert(note).inserted { reporter.note(note) }
        if let stop = end.stopsJob, launcherStop == nil { launcherStop = stop }
        for note in trial.notes { reporter.note("trial \(trial.id): \(note)") }
        try self.record(.trialFinished(end.outcome))
        if let finished = job.trial(trial.id) {
            scheduler.learn(from: finished)
            reporter.trialFinished(finished, job: job, running: running.filter { $0.exit == nil }.count)
        }
        try retryIfInfrastructure(trial.id, sign: end.retrySign)
    }

    // MARK: stopping

    /// trialTimeout: a trial past its limit is stopped; any trial past its grace period gets SIGKILL.
    private func enforceTimeouts(now: Date) {
        if let limit = spec.trialTimeout {
            for trial in running where trial.exit == nil {
                guard let since = trial.runningSince, now.timeIntervalSince(since) > limit else { continue }
                switch trial.stopCause {
                case .timedOut, .cancelled: continue
                case .stoppedEarly, nil: stop(trial, .timedOut("timed out after \(DurationText.format(limit)) (trialTimeout)"), now: now)
                }
            }
        }
        for id in teardown.due(now: now) {
            running.first { $0.id == id && $0.exit == nil }?.process.send(SIGKILL)
        }
    }

    /// Starts stopping `trial` for `cause`: SIGTERM now, SIGKILL after the grace period.
    private func stop(_ trial: RunningTrial, _ cause: StopCause, now: Date) {
        trial.stopCause = StopCause.raise(trial.stopCause, to: cause)
        trial.process.send(teardown.begin(trial.id, now: now))
    }

    /// Starts stopping every running trial for `cause`.
    private func stopAll(_ cause: StopCause) {
        let now = Date()
        for trial in running where trial.exit == nil { stop(trial, cause, now: now) }
    }

    /// Kills every running trial now (a second interrupt, a journal that cannot be written).
    private func killAll(reason: String? = nil) {
        for trial in running where trial.exit == nil {
            if let reason { trial.stopCause = StopCause.raise(trial.stopCause, to: .cancelled(reason)) }
            trial.process.send(SIGKILL)
            teardown.forget(trial.id)
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
