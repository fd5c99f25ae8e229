#if canImport(Glibc)
import Glibc
#endif
/// What to start for one trial.
public struct LaunchRequest: Sendable {
    /// The resolved executable (an absolute path, or a path relative to the working directory).
    public var executable: String
    /// argv, starting with the command as the user typed it.
    public var arguments: [String]
    /// The whole environment of the trial.
    public var environment: [String: String]
    /// The trial it runs (0 for helper commands), and its folder: launchers that name or check
    /// what they start (Slurm's job name, the shared-filesystem check) use them.
    public var trial: Int
    public var trialDirectory: String?
    /// Where the trial runs (an absolute path) when it has a folder of its own; nil: `commandDirectory`.
    public var workingDirectory: String?
    /// Where the command was typed (the job's working directory): the command's relative paths are
    /// relative to it, and the trial runs there unless `workingDirectory` says otherwise. nil:
    /// tune's own working directory.
    public var commandDirectory: String?

    public init(
        executable: String, arguments: [String], environment: [String: String], trial: Int = 0, trialDirectory: String? = nil,
        workingDirectory: String? = nil, commandDirectory: String? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.trial = trial
        self.trialDirectory = trialDirectory
        self.workingDirectory = workingDirectory
        self.commandDirectory = commandDirectory
    }
}

/// How a cluster scheduler ended a trial, when it did (a time limit, preemption, a failed node).
public struct SchedulerEnd: Sendable, Equatable {
    /// For the trial's failure reason: `Slurm stopped it at its time limit (2 min)`.
    public var reason: String
    /// Preemption, node failure: not the trial's fault, so maxTrialRetries runs it again.
    public var isInfrastructure: Bool
    /// Every trial would end the same way (the trial folders are not on the nodes): the job stops.
    public var stopsJob: Bool

    public init(reason: String, isInfrastructure: Bool = false, stopsJob: Bool = false) {
        self.reason = reason
        self.isInfrastructure = isInfrastructure
        self.stopsJob = stopsJob
    }
}

/// How a trial process ended.
public enum TrialExit: Sendable, Equatable {
    case exited(Int32)
    case signaled(Int32)
}

/// A started trial, as the tuning loop drives it: its output streams, its end, and teardown.
public protocol TrialProcess: AnyObject {
    var pid: Int32 { get }
    /// Read ends of the trial's stdout and stderr (non-blocking); the loop reads and closes them.
    var stdout: Int32 { get }
    var stderr: Int32 { get }
    /// The exit, once the process has ended (never blocks).
    func checkExit() -> TrialExit?
    /// Sends `signal` to the trial and every process it started (its process group).
    func send(_ signal: Int32)
    /// Where a scheduler has the trial (nil for local processes); may change while it runs.
    var scheduler: SchedulerStatus? { get }
    /// After the exit: whether the scheduler ended the trial, judged from its exit and the
    /// scheduler's own lines on stderr (`srun: …`, `slurmstepd: …`). nil: the trial's own end.
    func schedulerEnd(exit: TrialExit, schedulerLines: [String]) -> SchedulerEnd?
    /// While it runs: the scheduler's lines the trial's stderr has shown so far (a launcher may
    /// learn from them where and since when the trial runs).
    func observe(schedulerLines: [String])
    /// How the lines its system writes on the trial's stderr begin (Slurm's `srun: `): kept apart
    /// from the trial's own, for `schedulerEnd` and `observe`, and never quoted as the trial's error.
    var queueLinePrefixes: [String] { get }
}

extension TrialProcess {
    public var scheduler: SchedulerStatus? { nil }
    public func schedulerEnd(exit: TrialExit, schedulerLines: [String]) -> SchedulerEnd? { nil }
    public func observe(schedulerLines: [String]) {}
    public var queueLinePrefixes: [String] { [] }
}

/// The seam between the tuning loop and where trials run: this machine now, a cluster later.
public protocol Launcher: Sendable {
    func launch(_ request: LaunchRequest) throws(LaunchError) -> any TrialProcess
    /// Called once when the run ends, every trial ended: finish what is still on its way (Slurm's cancels).
    func finish()
    /// Before a resume runs trial `trial` of `job` again: stops whatever of its earlier attempt the
    /// launcher's system may still hold (a Slurm job of a tune that was killed). Returns when done.
    func stopLeftovers(job: String, trial: Int)
    /// Whether the launcher's system gives trials their GPUs itself (Slurm's `--gpus`): then tune
    /// shares out none of its own.
    var placesGPUs: Bool { get }
    /// The system whose queue trials may wait in, for messages (`Slurm`).
    var queueName: String { get }
}

extension Launcher {
    public func finish() {}
    public func stopLeftovers(job: String, trial: Int) {}
    public var placesGPUs: Bool { false }
    public var queueName: String { "the launcher" }
}

/// A trial that could not be started.
public struct LaunchError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The machine was short of something for a moment (file descriptors, processes, memory):
    /// the launch can succeed once running trials end.
    public var isResourceShortage: Bool
    public init(_ message: String, isResourceShortage: Bool = false) {
        self.message = message
        self.isResourceShortage = isResourceShortage
    }

    /// Whether an errno value means a passing shortage rather than a broken command.
    public static func isShortage(_ code: Int32) -> Bool {
        code == EMFILE || code == ENFILE || code == EAGAIN || code == ENOMEM
    }
    public var description: String { message }
}
