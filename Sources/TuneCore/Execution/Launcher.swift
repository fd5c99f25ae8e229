#if canImport(Glibc)
import Glibc
#endif
/// What to start for one trial.
public struct LaunchRequest: Sendable {
    /// The resolved executable (an absolute path, or a path relative to `workingDirectory`).
    public var executable: String
    /// argv, starting with the command as the user typed it.
    public var arguments: [String]
    /// The whole environment of the trial.
    public var environment: [String: String]

    public init(executable: String, arguments: [String], environment: [String: String]) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
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
}

/// The seam between the tuning loop and where trials run: this machine now, a cluster later.
public protocol Launcher: Sendable {
    func launch(_ request: LaunchRequest) throws(LaunchError) -> any TrialProcess
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
