import CTuneSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs trials as child processes of tune on this machine, each in its own process group (so
/// teardown reaches the children of `train.sh` too), stdin from /dev/null, stdout and stderr on
/// pipes that the tuning loop drains, and no other descriptor. argv is passed as an array, never through a shell.
///
/// With a `watchdog`, each trial's process group is registered with it as soon as the trial is
/// started, so the trial and everything in its group is stopped even if tune is SIGKILLed; the
/// group is unregistered when the tuning loop SIGKILLs it after its leader exited. (Not
/// PR_SET_PDEATHSIG: posix_spawn cannot set it, and it would reach only the trial's first process.)
public struct LocalLauncher: Launcher {
    public let watchdog: Watchdog?

    public init(watchdog: Watchdog? = nil) {
        self.watchdog = watchdog
    }

    public func launch(_ request: LaunchRequest) throws(LaunchError) -> any TrialProcess {
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard LocalLauncher.makePipe(&outPipe) else {
            throw LaunchError("cannot create a pipe: \(String(cString: strerror(errno)))", isResourceShortage: LaunchError.isShortage(errno))
        }
        guard LocalLauncher.makePipe(&errPipe) else {
            let code = errno
            close(outPipe[0])
            close(outPipe[1])
            throw LaunchError("cannot create a pipe: \(String(cString: strerror(code)))", isResourceShortage: LaunchError.isShortage(code))
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        // Nothing else tune has open (inherited from whoever started tune) goes to the trial: a
        // trial that outlived tune could otherwise hold its parent's pipes open.
        _ = tune_spawn_close_from(&actions, 3)
        if let directory = request.workingDirectory ?? request.commandDirectory {
            let code = tune_spawn_chdir(&actions, directory)
            if code != 0 {
                close(outPipe[0])
                close(outPipe[1])
                close(errPipe[0])
                close(errPipe[1])
                throw LaunchError("cannot run the trial in \(directory): \(String(cString: strerror(code)))")
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT, SIGXFSZ] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = request.arguments.map { strdup($0) } + [nil]
        let envp = request.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, request.executable, &actions, &attributes, argv, envp)
        // First thing after the spawn: the window in which a SIGKILL of tune would orphan this
        // trial is from here to the watchdog's send (microseconds).
        if status == 0 { watchdog?.register(processGroup: pid) }
        close(outPipe[1])
        close(errPipe[1])
        guard status == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw LaunchError(
                "cannot start \(request.executable): \(String(cString: strerror(status)))",
                isResourceShortage: LaunchError.isShortage(status))
        }
        for fd in [outPipe[0], errPipe[0]] {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        return LocalProcess(pid: pid, stdout: outPipe[0], stderr: errPipe[0], watchdog: watchdog)
    }

    /// A pipe whose ends are not inherited by other trials (tune starts trials from one thread).
    private static func makePipe(_ ends: inout [Int32]) -> Bool {
        guard pipe(&ends) == 0 else { return false }
        for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }
}

/// A child process of tune, leader of its own process group.
final class LocalProcess: TrialProcess {
    let pid: Int32
    let stdout: Int32
    let stderr: Int32
    private var exit: TrialExit?
    /// Watches the process group until it is gone (nil once unregistered).
    private var watchdog: Watchdog?

    init(pid: Int32, stdout: Int32, stderr: Int32, watchdog: Watchdog? = nil) {
        self.pid = pid
        self.stdout = stdout
        self.stderr = stderr
        self.watchdog = watchdog
    }

    func checkExit() -> TrialExit? {
        if let exit { return exit }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return nil }
        // The W* macros are not visible to Swift: decode the wait status by hand.
        let signal = status & 0x7F
        exit = signal == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signal)
        return exit
    }

    func send(_ signal: Int32) {
        // The whole group: the trial and whatever it started (still there after the leader exits).
        if kill(-pid, signal) != 0, exit == nil {
            kill(pid, signal)
        }
        // SIGKILL to the group after the leader was reaped is the trial's last teardown (the tuning
        // loop does it when it sees the exit): nothing of the group can outlive it, so stop
        // watching it — before its number can be reused by an unrelated process group.
        if signal == SIGKILL, exit != nil, let watchdog {
            watchdog.unregister(processGroup: pid)
            self.watchdog = nil
        }
    }
}
