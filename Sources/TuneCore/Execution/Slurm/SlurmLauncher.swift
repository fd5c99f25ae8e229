import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs each trial as a Slurm job through `srun` (a job step when tune itself runs inside an
/// allocation, `SLURM_JOB_ID` set). `srun` is a local child of tune, so the trial's stdout and
/// stderr stream back through it and every metric source works as for local trials; the trial
/// folders must be on a file system the compute nodes share (checked on the node, see
/// `SlurmWrapper`). Stopping goes through Slurm (`scancel`), never through signals to `srun`, which
/// would kill the job at once instead of letting the trial end cleanly.
///
/// Not Sendable in practice: the tuning loop uses it from its one thread.
public final class SlurmLauncher: Launcher, @unchecked Sendable {
    public let settings: SlurmSettings
    public let gpusPerTrial: Int?
    public let job: String
    /// The job's folder, which names its Slurm jobs (`SlurmCommandLine.jobName`).
    public let jobDirectory: String
    /// The job was written by a release that named Slurm jobs `tune-<job>-<trial>`: leftovers are
    /// cancelled under that name too.
    public let legacyNames: Bool
    let queue: SlurmQueue
    private let watchdog: Watchdog?

    /// `environment` is tune's (for the helper commands); `pollInterval` is how often `squeue` runs.
    public init(
        settings: SlurmSettings, gpusPerTrial: Int?, job: String, jobDirectory: String, legacyNames: Bool = false, tools: SlurmTools,
        environment: [String: String], watchdog: Watchdog?, pollInterval: TimeInterval = 2
    ) {
        self.settings = settings
        self.gpusPerTrial = gpusPerTrial
        self.job = job
        self.jobDirectory = jobDirectory
        self.legacyNames = legacyNames
        self.watchdog = watchdog
        self.queue = SlurmQueue(tools: tools, environment: environment, allocation: Self.allocation(in: environment), interval: pollInterval)
    }

    /// The allocation tune runs in, when it does (`SLURM_JOB_ID`, also inside `sbatch` scripts).
    public static func allocation(in environment: [String: String]) -> String? {
        let id = environment["SLURM_JOB_ID"] ?? environment["SLURM_JOBID"]
        return id.flatMap { $0.isEmpty ? nil : $0 }
    }

    public var inAllocation: Bool { queue.allocation != nil }

    /// Slurm gives each trial its GPUs (`--gpus`).
    public var placesGPUs: Bool { true }
    public var queueName: String { "Slurm" }

    public func launch(_ request: LaunchRequest) throws(LaunchError) -> any TrialProcess {
        let name = SlurmCommandLine.jobName(job: job, trial: request.trial, jobDirectory: jobDirectory)
        let directory = request.commandDirectory ?? FileManager.default.currentDirectoryPath
        let options = SlurmCommandLine.options(
            settings: settings, gpusPerTrial: gpusPerTrial, jobName: name,
            workingDirectory: request.workingDirectory ?? directory, inAllocation: inAllocation)
        let srun = LaunchRequest(
            executable: queue.tools.srun,
            arguments: SlurmCommandLine.arguments(for: request, options: options, workingDirectory: directory),
            environment: request.environment, trial: request.trial, trialDirectory: request.trialDirectory)
        let process = try LocalLauncher(watchdog: watchdog).launch(srun)
        queue.watch(name)
        return SlurmProcess(srun: process, name: name, queue: queue, settings: settings)
    }

    /// Waits for the cancels sent so far to reach Slurm (at the end of a run).
    public func finish() {
        queue.finishCancels()
    }

    /// Cancels, by its name, a Slurm job left by an earlier attempt (tune was killed while it
    /// ran), and waits for the cancel: the new attempt's job has the same name.
    public func stopLeftovers(job: String, trial: Int) {
        queue.cancel(name: SlurmCommandLine.jobName(job: job, trial: trial, jobDirectory: jobDirectory), jobId: nil, signal: nil)
        if legacyNames { queue.cancel(name: SlurmCommandLine.legacyJobName(job: job, trial: trial), jobId: nil, signal: nil) }
        queue.finishCancels()
    }
}

/// One trial's `srun`, seen through Slurm.
final class SlurmProcess: TrialProcess {
    /// srun's and slurmstepd's lines on the trial's stderr, and the wrapper's own.
    static let queueLinePrefixes = ["srun: ", "slurmstepd", SlurmWrapper.messagePrefix]
    var queueLinePrefixes: [String] { Self.queueLinePrefixes }

    private let srun: any TrialProcess
    let name: String
    private let queue: SlurmQueue
    private let settings: SlurmSettings
    /// tune signalled the trial (stopped, timed out, cancelled): its job is cancelled at the end to be sure.
    private var signalled = false
    private var exit: TrialExit?
    private var sawStart = false

    init(srun: any TrialProcess, name: String, queue: SlurmQueue, settings: SlurmSettings) {
        self.srun = srun
        self.name = name
        self.queue = queue
        self.settings = settings
    }

    var pid: Int32 { srun.pid }
    var stdout: Int32 { srun.stdout }
    var stderr: Int32 { srun.stderr }
    var scheduler: SchedulerStatus? { queue.status(of: name) }

    /// The wrapper's `started` line makes the trial running at once, with its job id and node.
    func observe(schedulerLines: [String]) {
        guard !sawStart, let line = schedulerLines.first(where: { $0.hasPrefix(SlurmWrapper.startedPrefix) }) else { return }
        sawStart = true
        if let started = SlurmWrapper.started(line, inAllocation: queue.allocation != nil) {
            queue.markRunning(name, jobId: started.jobId, node: started.node)
        }
    }

    func checkExit() -> TrialExit? {
        queue.tick()
        if exit == nil { exit = srun.checkExit() }
        return exit
    }

    func send(_ signal: Int32) {
        let status = queue.status(of: name)
        let jobId = status?.jobId
        guard exit == nil else {
            // After srun ended: its local leftovers go, and a job tune had to stop (or whose srun was
            // killed) is cancelled once more, by its id, in case it is still queued or running. Not
            // by name: a retry of the trial may already have a job of that name.
            srun.send(signal)
            if signal == SIGKILL {
                if case .signaled = exit { signalled = true }
                if signalled, let jobId { queue.cancel(name: name, jobId: jobId, signal: nil) }
                queue.forget(name)
            }
            return
        }
        signalled = true
        let running = status.map { !$0.isPending } ?? false
        switch signal {
        case SIGKILL:
            if running, let jobId { queue.cancel(name: name, jobId: jobId, signal: "KILL") }
            queue.cancel(name: name, jobId: jobId, signal: nil)
            // srun itself goes too, so the loop sees the end now rather than after Slurm's KillWait.
            srun.send(SIGKILL)
        default:
            if running, let jobId {
                queue.cancel(name: name, jobId: jobId, signal: Self.signalName(signal))
            } else if queue.allocation != nil {
                // A step not created yet: only srun exists, waiting for room in the allocation.
                srun.send(signal)
            } else {
                // A pending job cannot be signalled (scancel would wait until it starts): cancel it.
                queue.cancel(name: name, jobId: jobId, signal: nil)
            }
        }
    }

    private static func signalName(_ signal: Int32) -> String {
        [SIGTERM: "TERM", SIGINT: "INT", SIGHUP: "HUP", SIGUSR1: "USR1", SIGUSR2: "USR2", SIGQUIT: "QUIT"][signal] ?? String(signal)
    }

    func schedulerEnd(exit: TrialExit, schedulerLines: [String]) -> SchedulerEnd? {
        let lines = schedulerLines
        if exit == .exited(SlurmWrapper.failureExitCode),
            let line = lines.last(where: { $0.hasPrefix(SlurmWrapper.messagePrefix) })
        {
            let message = String(line.dropFirst(SlurmWrapper.messagePrefix.count))
            return SchedulerEnd(
                reason:
                    "\(message): the job store must be on a file system the compute nodes share — put it there with --store (or TUNE_STORE), e.g. under your home or project folder",
                stopsJob: true)
        }
        if let line = lines.last(where: { $0.contains("Unable to allocate resources") }) {
            let message = line.components(separatedBy: "Unable to allocate resources:").last?.trimmingCharacters(in: .whitespaces) ?? line
            return SchedulerEnd(reason: "Slurm refused the trial's job: \(message)")
        }
        let state = queue.status(of: name)
        // A trial that ended within moments of starting may not be marked running yet: its job id
        // is then on the wrapper's `started` line.
        let started = lines.first { $0.hasPrefix(SlurmWrapper.startedPrefix) }.flatMap { SlurmWrapper.started($0, inAllocation: queue.allocation != nil) }
        if let jobId = state?.jobId ?? started?.jobId, exit != .exited(0) || !lines.filter({ $0.contains("error") || $0.contains("***") }).isEmpty,
            let end = queue.finalState(of: jobId),
            let judged = SlurmEndState.judge(state: end.state, reason: end.reason, settings: settings, node: state?.node ?? started?.node)
        {
            return judged
        }
        return SlurmEndState.judge(lines: lines, settings: settings, node: state?.node ?? started?.node)
    }
}
