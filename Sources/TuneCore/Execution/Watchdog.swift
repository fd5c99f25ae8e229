import CTuneSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Stops trials even when tune itself dies without stopping them (SIGKILL, a crash, the OOM killer).
///
/// A small process forked from tune (see `CTuneSupport.h`), in its own session so terminal
/// signals do not reach it, holding nothing of tune's but its end of a socket pair. The launcher
/// registers each trial's process group right after starting it and unregisters it once the group
/// has been SIGKILLed after its leader exited. When tune's end of the socket closes — tune is
/// gone, whatever the way — the watchdog sends SIGTERM to every group still registered, waits up
/// to `gracePeriod` while any of them has members, SIGKILLs the rest and exits. When tune ends
/// normally no group is registered and the watchdog exits at once (`stop()` also reaps it).
///
/// Limits:
/// - Processes that leave the trial's process group (a `setsid` daemon, `setpgid`) are not tracked.
/// - Between `posix_spawn` returning and the registration (the next statement, a few
///   microseconds) a SIGKILL of tune would leave that one trial running.
/// - If the watchdog dies, tune carries on without it, with one note.
public final class Watchdog: @unchecked Sendable {
    /// The watchdog process (its name is `tune-watchdog`).
    public let pid: Int32
    public let gracePeriod: TimeInterval
    private let warn: (String) -> Void
    private let lock = NSLock()
    private var socket: Int32
    private var registered = Set<Int32>()
    private var broken = false

    /// Starts the watchdog. `warn` receives the one note said if it later goes away.
    public init(gracePeriod: TimeInterval, warn: @escaping (String) -> Void = Watchdog.writeToStderr) throws(LaunchError) {
        var fd: Int32 = -1
        let child = tune_watchdog_start(TimerSeconds.clamped(gracePeriod, to: RunOptions.gracePeriodRange, fallback: 10), &fd)
        guard child > 0 else { throw LaunchError("cannot start the watchdog: \(String(cString: strerror(errno)))") }
        pid = child
        socket = fd
        self.gracePeriod = gracePeriod
        self.warn = warn
    }

    /// Starts one, or says on `warn` why there is none (tune then runs without it).
    public static func start(gracePeriod: TimeInterval, warn: @escaping (String) -> Void = Watchdog.writeToStderr) -> Watchdog? {
        do {
            return try Watchdog(gracePeriod: gracePeriod, warn: warn)
        } catch {
            warn("\(error.message): if tune is killed, its running trials will not be stopped")
            return nil
        }
    }

    deinit {
        if socket >= 0 { close(socket) }
    }

    /// Watch the process group `pgid` (a trial's, just started).
    public func register(processGroup pgid: Int32) {
        lock.withLock {
            registered.insert(pgid)
            send(add: true, pgid)
        }
    }

    /// Stop watching `pgid` (its trial is over and nothing of it is left).
    public func unregister(processGroup pgid: Int32) {
        lock.withLock {
            guard registered.remove(pgid) != nil else { return }
            send(add: false, pgid)
        }
    }

    /// The groups registered now.
    public var processGroups: Set<Int32> { lock.withLock { registered } }

    /// Closes tune's end: the watchdog stops what is still registered (normally nothing) and
    /// exits. With nothing registered it exits at once, and is reaped here; otherwise it is left
    /// to its grace period (and to init).
    public func stop() {
        let (fd, idle) = lock.withLock { () -> (Int32, Bool) in
            defer { socket = -1 }
            return (socket, registered.isEmpty && !broken)
        }
        guard fd >= 0 else { return }
        close(fd)
        if idle {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
    }

    /// Called with the lock held.
    private func send(add: Bool, _ pgid: Int32) {
        guard socket >= 0, !broken else { return }
        if tune_watchdog_send(socket, add ? 1 : 0, pgid) != 0 {
            let reason = String(cString: strerror(errno))
            broken = true
            warn("the watchdog (pid \(pid)) no longer answers (\(reason)): if tune is killed, its running trials will not be stopped")
        }
    }

    public static func writeToStderr(_ text: String) {
        Console.progress(text)
    }
}
