import Foundation

/// A job opened to run trials: created new (`tune run`) or opened again (`tune resume`, `tune
/// retry`), its lock held and its journal open for appending, its strategy and scheduler made.
/// `run(_:)` runs the trials under the watchdog with interrupts handled. The commands are thin
/// callers of this type, and tests drive it in process: nothing here changes the process's working
/// directory (trials get theirs when they are spawned) or exits.
public final class JobSession {
    public private(set) var job: JobRecord
    public let store: JobStore
    public let strategy: any SearchStrategy
    public let scheduler: any TrialScheduler
    /// Where the trials run: checked before a new job is created; for an opened job, when it runs.
    public private(set) var launch: LaunchSetup?
    private let writer: JournalWriter
    /// Held from creation or opening until `close()` (or the session goes away).
    private var lock: JobLock?
    private let executable: String

    private init(
        job: JobRecord, store: JobStore, writer: JournalWriter, lock: JobLock, executable: String,
        strategy: any SearchStrategy, scheduler: any TrialScheduler, launch: LaunchSetup?
    ) {
        self.job = job
        self.store = store
        self.writer = writer
        self.lock = lock
        self.executable = executable
        self.strategy = strategy
        self.scheduler = scheduler
        self.launch = launch
    }

    /// What a new job is made of: the checked config, the trial command and where it was typed.
    public struct NewJob {
        /// The job's name; nil: a generated one (`tune_2026_11_22_161530123`).
        public var name: String?
        public var spec: TuningSpec
        /// The trial command as typed, and the program it resolved to (`CommandResolver`).
        public var command: [String]
        public var executable: String
        public var workingDirectory: String
        public var configPath: String
        public var configText: String
        /// nil: a random seed, journaled.
        public var seed: UInt64?
        /// A strategy or scheduler of the caller's own instead of the config's (tests, library users).
        public var strategy: (any SearchStrategy)?
        public var scheduler: (any TrialScheduler)?

        public init(
            name: String? = nil, spec: TuningSpec, command: [String], executable: String, workingDirectory: String,
            configPath: String, configText: String, seed: UInt64? = nil
        ) {
            self.name = name
            self.spec = spec
            self.command = command
            self.executable = executable
            self.workingDirectory = workingDirectory
            self.configPath = configPath
            self.configText = configText
            self.seed = seed
        }
    }

    /// The earlier job's trials that warm-started this one, and how many were left out (outside this config's bounds).
    public private(set) var warmStart: (job: String, trials: Int, leftOut: Int)?

    /// Creates a new job: checks where its trials run and its warm start (usage errors, nothing
    /// created), then creates its journal, takes its lock and journals the warm start.
    /// `notes` hears what tune substitutes or decides (a strategy, a grid's size).
    public static func create(_ new: NewJob, in store: JobStore, notes: (String) -> Void = Console.note) throws(SessionError) -> JobSession {
        let spec = new.spec
        let id: String
        if let name = new.name {
            do { try JobStore.validate(jobName: name) } catch { throw .usage(error.description) }
            id = name
        } else {
            id = store.generateJobId()
        }
        let seed = new.seed ?? spec.seed ?? UInt64.random(in: 0...UInt64(UInt32.max))
        var strategy = new.strategy
        if strategy == nil {
            let made = spec.makeStrategy(seed: seed)
            if let note = made.note { notes(note) }
            strategy = made.strategy
        }
        if spec.algorithm == .grid, let grid = Grid(spec: spec), let size = grid.count, size != spec.maxTrials {
            let runs = min(size, spec.maxTrials)
            let budget = spec.trialBudgetText == "the whole grid" ? "no maxTrials" : "maxTrials is \(spec.maxTrials)"
            notes("the grid has \(size) combination\(size == 1 ? "" : "s") and \(budget): running \(runs) trial\(runs == 1 ? "" : "s")")
        }
        let scheduler = new.scheduler ?? spec.makeScheduler()
        let launch = try LaunchSetup.prepare(spec: spec, store: store)
        var prior: WarmStart.Carried?
        if let previous = spec.resumePreviousJobId {
            let old: JobRecord
            do { old = try store.load(previous) } catch { throw .usage("resumePreviousJobId: \(error.description)") }
            if !old.journalDamage.isEmpty {
                let warning = JournalDamageText.warning(old.journalDamage, journal: store.journalPath(old.id), job: old.id)
                notes("resumePreviousJobId: \(warning); its intact trials warm-start this job")
            }
            do { prior = try WarmStart.carry(from: old, for: spec) } catch { throw .usage(error.description) }
            if let removed = prior?.removed, !removed.isEmpty {
                notes(
                    "resumePreviousJobId: job \(old.id) searched \(removed.joined(separator: ", ")), which this config does not: its trials are taken without \(removed.count == 1 ? "it" : "them") (projected)"
                )
            }
        }

        let header = JobHeader(
            id: id, createTime: Date(), spec: spec, command: new.command, workingDirectory: new.workingDirectory,
            configPath: new.configPath, configText: new.configText, seed: seed,
            strategy: scheduler.describe(strategy: strategy!.name))
        var job = JobRecord(header: header)
        let writer: JournalWriter
        let lock: JobLock
        do {
            (writer, lock) = try store.createJob(header)
        } catch {
            if case .jobExists = error { throw .usage(error.description) }
            throw .failed(error.description)
        }
        do {
            if let prior, let previous = spec.resumePreviousJobId {
                let event = JournalEvent.warmStart(job: previous, trials: prior.trials, time: Date())
                try writer.append(event)
                job.apply(event)
            }
        } catch {
            throw .failed(error.description)
        }
        let session = JobSession(
            job: job, store: store, writer: writer, lock: lock, executable: new.executable,
            strategy: strategy!, scheduler: scheduler, launch: launch)
        if let prior, let previous = spec.resumePreviousJobId {
            session.warmStart = (previous, prior.trials.count, prior.leftOut)
        }
        return session
    }

    /// Opens an existing job to run more of it: its lock first, then its journal, so what is read
    /// cannot change underneath. `launcher`, when given, is where this run's trials go (the journal
    /// keeps the job's own); `notes` hears that it differs.
    public static func open(
        _ reference: String, in store: JobStore, launcher: LauncherSpec.Kind? = nil,
        notes: (String) -> Void = Console.note
    ) throws(SessionError) -> JobSession {
        let id: String
        do { id = try store.resolve(reference) } catch { throw .usage(error.description) }
        let lock: JobLock
        var job: JobRecord
        let writer: JournalWriter
        do {
            lock = try JobLock(path: store.lockPath(id), job: id)
            job = try store.load(id)
        } catch {
            throw .failed(error.description)
        }
        // Running a trial whose end was lost again can waste hours and duplicate its results.
        if !job.journalDamage.isEmpty {
            throw .usage(JournalDamageText.refusal(job.journalDamage, journal: store.journalPath(id), job: id))
        }
        do {
            writer = try JournalWriter(path: store.journalPath(id), format: job.header.format)
            if job.isMoved {
                let event = JournalEvent.jobMoved(from: job.recordedName, to: id, time: Date())
                notes(JobSession.movedNote(job, in: store))
                try writer.append(event)
                job.apply(event)
            }
        } catch {
            throw .failed(error.description)
        }
        // Trials run where the job was started, whatever the current directory is now.
        let directory = job.header.workingDirectory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .failed("job \(id) ran its trials in \(directory), which is gone: recreate it (with the training script) to go on")
        }
        guard let program = job.header.command.first else {
            throw .failed("job \(id) has no trial command in its journal")
        }
        let executable: String
        do { executable = try CommandResolver.resolve(program, in: directory) } catch { throw .failed("job \(id): \(error.message)") }
        if let launcher, launcher != job.spec.launcherKind {
            notes("job \(job.id) was set up for \(job.spec.launcherKind.rawValue) trials: this run starts its trials with --launcher \(launcher.rawValue)")
            job.header.spec.launcher = LauncherSpec(kind: launcher, slurm: job.spec.launcher?.slurm ?? SlurmSettings())
        }
        return JobSession(
            job: job, store: store, writer: writer, lock: lock, executable: executable,
            strategy: job.spec.makeStrategy(seed: job.header.seed).strategy, scheduler: job.spec.makeScheduler(),
            launch: nil)
    }

    /// What tune says when it opens a job whose folder was renamed or copied since it last ran.
    static func movedNote(_ job: JobRecord, in store: JobStore) -> String {
        let original = try? store.load(job.recordedName)
        if let original, original.header.createTime == job.header.createTime, original.header.seed == job.header.seed {
            return
                "job folder \(job.id) is a copy of job \(job.recordedName): it is now a job of its own, named \(job.id) — its trials run and write in \(store.jobDirectory(job.id)), never in \(job.recordedName)'s folders, and \(job.recordedName) is left as it was"
        }
        return "job \(job.recordedName) was renamed to \(job.id) (its folder's name): it is job \(job.id) from now on"
    }

    /// Lets the job go: another session (or process) may open it. The session runs nothing more.
    public func close() {
        lock = nil
    }

    /// `tune resume --max-trials N`: the job's budget becomes `maxTrials` trials in all (journaled).
    public func setBudget(_ maxTrials: Int) throws(SessionError) {
        let searched = job.searchTrials.count
        guard maxTrials >= searched, maxTrials >= 1 else {
            throw .usage(
                "--max-trials \(maxTrials) is below the \(searched) trials job \(job.id) already has: the budget counts every trial of the job (but not tune confirm's repeats)")
        }
        guard maxTrials <= ConfigLimits.maxTrials.value else {
            throw .usage("--max-trials \(maxTrials) is above \(ConfigLimits.maxTrials.value): \(ConfigLimits.maxTrials.reason)")
        }
        guard maxTrials != job.spec.maxTrials else { return }
        try append(.budgetChanged(maxTrials: maxTrials, time: Date()))
    }

    /// Journals the end of a job whose tune stopped after its last trial, before journaling the
    /// job's end (`JobRecord.unrecordedEnd`); the state it recorded, or nil when there was none to record.
    public func recordUnrecordedEnd() throws(SessionError) -> JobState? {
        guard let end = job.unrecordedEnd else { return nil }
        try append(.jobStateChanged(end.state, reason: end.reason, time: Date()))
        return end.state
    }

    private func append(_ event: JournalEvent) throws(SessionError) {
        guard lock != nil else { throw .failed("job \(job.id): its session was closed; open it again to change it") }
        do { try writer.append(event) } catch { throw .failed(error.description) }
        job.apply(event)
    }

    /// Runs `plan` until the job's trials are done, it is stopped, or it is interrupted: with
    /// interrupts handled (SIGINT, SIGTERM) and a watchdog that stops the trials' process groups
    /// even if tune itself is SIGKILLed. Throws only when the journal cannot be written (the
    /// trials are stopped first; what was journaled before is kept).
    /// `observers` follow the run (`JobObserver`).
    public func run(_ plan: RunPlan, options: RunOptions, reporter: ProgressReporter, observers: [any JobObserver] = []) throws(SessionError) -> JobOutcome {
        guard lock != nil else { throw .failed("job \(job.id): its session was closed; open it again to run it") }
        let launch: LaunchSetup
        if let prepared = self.launch { launch = prepared } else { launch = try LaunchSetup.prepare(spec: job.spec, store: store) }
        self.launch = launch
        Interrupts.install()
        let watchdog = Watchdog.start(gracePeriod: options.effectiveGracePeriod, warn: { reporter.note($0) })
        defer { watchdog?.stop() }
        let tuning = TuningRun(
            job: job, store: store, writer: writer, executable: executable, strategy: strategy,
            scheduler: scheduler, launcher: launch.launcher(for: job, in: store, watchdog: watchdog, options: options),
            options: options, reporter: reporter, plan: plan,
            observers: JobObservers.standard(for: job, store: store, options: options, reporter: reporter) + observers)
        defer { job = tuning.job }
        do {
            let outcome = try tuning.run()
            withExtendedLifetime(lock) {}
            return outcome
        } catch {
            throw .failed("\(error) — the job's trials were stopped; what was journaled before is kept")
        }
    }
}
