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
    let store: JobStore
    let writer: JournalWriter
    let executable: String
    let strategy: any SearchStrategy
    var scheduler: any TrialScheduler
    let launcher: any Launcher
    let baseEnvironment: [String: String]
    let options: RunOptions
    let reporter: ProgressReporter
    let plan: RunPlan
    var running: [RunningTrial] = []
    /// Trials to run again before new ones are proposed; `cause` nil when the re-run is journaled already.
    var reruns: [(trial: Int, cause: RerunCause?)] = []
    var cancelReason: String?
    /// A rule of `studyStoppingConfig` stopped new trials (`JobRecord.studyStop`): the job ends
    /// SUCCEEDED with this reason once its running trials are done.
    var studyStop: StudyStop?
    /// The convergence rule: finished trials when the model was last asked, and how many asks in a
    /// row found less than the threshold left.
    var convergenceAsked = 0
    var convergedStreak = 0
    var gpus: GPUPool
    var teardown: Teardown
    /// Wakes the loop when a trial's hypertune file is written (nil where inotify is not available).
    let metricWatch = FileChangeWatch()
    /// A launch found the machine short of descriptors or processes: no more until a trial ends.
    var launchBlocked = false
    /// Trials whose new attempt must not start, and why: their earlier output could not be moved aside.
    var unstartable: [Int: String] = [:]
    var announcedShortage = false
    /// Since when launches have failed for want of processes or descriptors with no trial running
    /// (nil when the last launch worked): they are tried again until `RunOptions.shortagePatience` has passed.
    var shortageSince: Date?
    /// Trials at once: maxParallelTrials, or fewer when the process or open-file limits leave room for fewer.
    var parallelLimit = 1
    var announcedStop = false
    /// A trial's end that every trial would share (the trial folders are not on the cluster's nodes).
    var launcherStop: String?
    /// Notes about where the metric came from, said once per job.
    var announcedNotes = Set<String>()
    /// Checkpoint folders removed as spent (`TrialScheduler.spentCheckpoints`), by trial.
    var removedCheckpoints = Set<Int>()
    /// Told every journaled event (TensorBoard's HParams files, MLflow).
    let observers: [any JobObserver]

    public init(
        job: JobRecord, store: JobStore, writer: JournalWriter, executable: String, strategy: any SearchStrategy,
        scheduler: (any TrialScheduler)? = nil, launcher: any Launcher = LocalLauncher(),
        baseEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        options: RunOptions = RunOptions(), reporter: ProgressReporter = ProgressReporter(), plan: RunPlan = .fresh,
        observers: [any JobObserver] = []
    ) {
        self.job = job
        self.observers = observers
        self.plan = plan
        var scheduler = scheduler ?? job.spec.makeScheduler()
        scheduler.learn(fromTrialsOf: job)
        self.scheduler = scheduler
        self.gpus = GPUPool(
            gpus: options.gpus, perTrial: launcher.placesGPUs ? nil : job.spec.gpusPerTrial, trialsPerGPU: job.spec.trialsPerGPU)
        self.teardown = Teardown(gracePeriod: options.effectiveGracePeriod)
        self.store = store
        self.writer = writer
        self.executable = executable
        self.strategy = strategy
        self.launcher = launcher
        self.baseEnvironment = baseEnvironment
        self.options = options
        self.reporter = reporter
    }

    var spec: TuningSpec { job.spec }

    /// Runs until the budget is spent, the space is exhausted, too many trials failed, or the
    /// user interrupts. Throws only when the journal cannot be written (after stopping trials).
    public func run() throws(StoreError) -> JobOutcome {
        var stopReason: String?
        var handledInterrupts = Interrupts.count

        for observer in observers { observer.runStarted(job) }
        defer { for observer in observers { observer.runEnded(job) } }
        try prepare()
        parallelLimit = spec.maxParallelTrials
        if let cap = (options.processLimits ?? ProcessLimits.current()).cap(spec.maxParallelTrials) {
            parallelLimit = cap.slots
            reporter.note(cap.note)
        }
        do {
            while true {
                if Interrupts.count > handledInterrupts {
                    if cancelReason == nil {
                        cancelReason = "cancelled by \(Interrupts.lastSignalName)"
                        if !running.isEmpty {
                            reporter.note(
                                "\(Interrupts.lastSignalName): stopping \(running.count) running trial(s) — SIGTERM now, SIGKILL in \(DurationText.format(options.effectiveGracePeriod)); interrupt again to kill them now"
                            )
                        }
                        stopAll(.cancelled(cancelReason!))
                    } else {
                        killAll()
                    }
                    handledInterrupts = Interrupts.count
                }
                checkStudyStopping()
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

    func launchWhileSlotsFree() throws(StoreError) {
        launchBlocked = false
        while running.count < gpus.slots(maxParallel: parallelLimit) && !launchBlocked {
            if !reruns.isEmpty {
                // A trial that ran out of GPU memory waits for room (`crowding`); new ones wait behind it.
                guard gpus.hasRoom(for: crowding(of: reruns[0].trial)) else { return }
                let next = reruns.removeFirst()
                if let trial = job.trial(next.trial) {
                    if let cause = next.cause { try beginAttempt(of: trial, cause: cause) }
                    try start(next.trial)
                }
                continue
            }
            guard proposesNew, studyStop == nil, gpus.hasRoom(), job.searchTrials.count < spec.maxTrials,
                let next = scheduler.next(job: job, strategy: strategy)
            else { return }
            let nextId = (job.trials.last?.id ?? 0) + 1
            try record(
                .trialCreated(trial: nextId, parameters: next.assignment.textValues, time: Date(), placement: next.placement, population: next.population))
            if let problem = setAsideUnrecordedOutput(of: nextId) {
                try launchFailed(nextId, reason: problem)
                continue
            }
            try start(nextId)
        }
    }

    func start(_ id: Int) throws(StoreError) {
        guard let trial = job.trial(id) else { return }
        if let problem = unstartable.removeValue(forKey: id) {
            try launchFailed(id, reason: problem)
            return
        }
        guard trial.assignment != nil else {
            try record(.trialFinished(TrialOutcome(trial: id, state: .failed, time: Date(), reason: "its parameters \(trial.parameters) no longer fit the job's search space")))
            return
        }
        let additions = scheduler.launchAdditions(for: trial)
        let folders = store.folders(of: trial, in: job.id)
        do {
            try folders.create(
                jobDir: spec.passesJobDir || TrialArguments.namesJobDir(job.header.command),
                workingDirectoryLinkingTo: spec.isolatesWorkingDirectory ? job.header.workingDirectory : nil,
                excluding: store.root)
            if let source = additions.checkpointFrom {
                try startCheckpoint(of: id, at: folders.checkpoints, from: source)
            }
        } catch {
            try launchFailed(id, reason: error.message)
            return
        }
        var delivery = ParameterDelivery(parameters: trial.parameters, spec: spec)
        if let repeated = trial.repeatOf, let flag = repeated.seedFlag { delivery.add(flag, value: String(repeated.seed), style: spec.parameterStyle) }
        do {
            try ParameterDelivery.paramsJSON(parameters: trial.parameters, spec: spec).write(to: URL(fileURLWithPath: folders.paramsFile))
        } catch {
            try launchFailed(id, reason: "cannot write \(folders.paramsFile): \(error.localizedDescription)")
            return
        }
        var environment = TrialEnvironment.make(base: baseEnvironment, job: job.id, trial: id, folders: folders, attempt: trial.attempt)
        environment.merge(delivery.environmentVariables) { $1 }
        if let repeated = trial.repeatOf { environment["TUNE_SEED"] = String(repeated.seed) }
        environment.merge(additions.environment) { $1 }
        guard let held = gpus.take(for: id, crowding: crowding(of: id)) else {
            // No GPU has room for it now: it waits, first in line, for a trial to end.
            reruns.insert((id, nil), at: 0)
            launchBlocked = true
            return
        }
        if !held.isEmpty { environment["CUDA_VISIBLE_DEVICES"] = held.joined(separator: ",") }
        let arguments = TrialArguments.make(
            command: job.header.command, flags: delivery.arguments + additions.flags, job: job.id, trial: id, folders: folders,
            passJobDir: spec.passesJobDir, template: delivery)
        let request = LaunchRequest(
            executable: executable, arguments: arguments, environment: environment, trial: id,
            trialDirectory: folders.trial,
            workingDirectory: spec.isolatesWorkingDirectory ? folders.workingDirectory : nil,
            commandDirectory: job.header.workingDirectory)
        let process: any TrialProcess
        // Before the spawn: what the trial writes is never older than this.
        let launched = Date()
        do {
            process = try launcher.launch(request)
        } catch {
            gpus.release(held, of: id, started: false)
            let now = Date()
            if error.isResourceShortage, !running.isEmpty || now.timeIntervalSince(shortageSince ?? now) < options.shortagePatience {
                // Out of descriptors or processes for now (EAGAIN, EMFILE): the trial waits (still
                // pending) until a running one ends, or with none running tries again each poll for a
                // while, rather than failing for want of a fork or a pipe.
                if running.isEmpty, shortageSince == nil { shortageSince = now }
                if !announcedShortage {
                    reporter.note(
                        "\(error.message): trial \(id) waits "
                            + (running.isEmpty
                                ? "and tries again for up to \(DurationText.format(options.shortagePatience))"
                                : "for a running trial to end (\(running.count) running)"))
                    announcedShortage = true
                }
                reruns.insert((id, nil), at: 0)
                launchBlocked = true
                return
            }
            shortageSince = nil
            try launchFailed(id, reason: error.message)
            return
        }
        shortageSince = nil
        let now = Date()
        let runningTrial = RunningTrial(
            id: id, process: process, directory: folders.trial, echo: options.verbose, startTime: launched,
            watcher: metricWatch)
        runningTrial.gpus = held
        // A trial in a queue is not running yet: trialTimeout waits for it to start.
        runningTrial.runningSince = process.scheduler == nil ? now : nil
        running.append(runningTrial)
        try record(.trialStarted(trial: id, pid: process.pid, time: now, gpus: held.isEmpty ? nil : held))
        try trackLauncherStatus(runningTrial)
        if let trial = job.trial(id) { reporter.trialStarted(trial, job: job) }
    }

    func launchFailed(_ id: Int, reason: String) throws(StoreError) {
        try record(.trialFinished(TrialOutcome(trial: id, state: .failed, time: Date(), reason: reason)))
        if let trial = job.trial(id) { reporter.trialFinished(trial, job: job, running: running.count) }
        try retryIfInfrastructure(id, sign: "tune could not start it")
    }

    func collectFinished(stopReason: inout String?) throws(StoreError) {
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
        for trial in running where trial.exit != nil { gpus.release(trial.gpus, of: trial.id) }
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
            reporter.note(
                "\(reason): launching no more trials" + (queued.isEmpty ? "" : ", cancelling the \(queued.count) still queued in \(launcher.queueName)")
                    + (waiting > 0 ? ", waiting for the \(waiting) running" : ""))
            announcedStop = true
        }
    }

    /// New readings: the scheduler may stop the trial (the median stopping rule). A trial it stops
    /// gets SIGTERM (SIGKILL after the grace period) and ends SUCCEEDED with the value it had reached.
    func askScheduler(about trial: RunningTrial) {
        // A repeat (`tune confirm`) measures its configuration's noise: it always runs its course.
        guard trial.stopCause == nil, let record = job.trial(trial.id), record.repeatOf == nil, let reason = scheduler.stopReason(for: record) else { return }
        stop(trial, .stoppedEarly(reason), now: Date())
        reporter.note("trial \(trial.id) \(reason)")
    }

    func recordEnd(of trial: RunningTrial, exit: TrialExit) throws(StoreError) {
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
        if let note = end.sourceNote { noteOnce(note) }
        if let stop = end.stopsJob, launcherStop == nil { launcherStop = stop }
        for note in trial.notes { reporter.note("trial \(trial.id): \(note)") }
        try self.record(.trialFinished(end.outcome))
        if let finished = job.trial(trial.id) {
            scheduler.learn(from: finished)
            reporter.trialFinished(finished, job: job, running: running.filter { $0.exit == nil }.count)
            removeSpentCheckpoints()
        }
        try retryIfInfrastructure(trial.id, sign: end.retrySign)
    }

    /// Says `note` unless this run has said it already.
    func noteOnce(_ note: String) {
        if announcedNotes.insert(note).inserted { reporter.note(note) }
    }

    func finishJob(stopReason: String?) throws(StoreError) -> JobOutcome {
        for trial in job.unfinishedTrials {
            try record(
                .trialFinished(
                    TrialOutcome(
                        trial: trial.id, state: .cancelled, time: Date(),
                        reason: "not started: the job stopped first")))
        }
        let outcome: JobOutcome
        if let cancelReason {
            outcome = .cancelled(cancelReason)
        } else if let stopReason {
            outcome = .failed(stopReason)
        } else {
            let end = job.endByResults
            outcome = end.state == .succeeded ? .succeeded : .failed(end.reason ?? "no trial succeeded")
        }
        switch outcome {
        case .succeeded: try record(.jobStateChanged(.succeeded, reason: studyStop.map { "stopped early: \($0.reason)" }, time: Date()))
        case .failed(let reason): try record(.jobStateChanged(.failed, reason: reason, time: Date()))
        case .cancelled(let reason): try record(.jobStateChanged(.cancelled, reason: reason, time: Date()))
        }
        return outcome
    }

    /// Journals an event, then applies it to the in-memory job: the job in memory is always what
    /// a replay of the journal would give.
    func record(_ event: JournalEvent) throws(StoreError) {
        try writer.append(event)
        job.apply(event)
        for observer in observers { observer.observe(event, in: job) }
    }
}
