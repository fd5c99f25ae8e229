import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A short helper command (`squeue`, `scancel`, `scontrol`) run beside the tuning loop without
/// blocking it: started at once, its output gathered on each `poll`, killed when it runs past its
/// deadline. Its stdin is /dev/null and it gets no descriptor of tune's but its own pipes.
final class BackgroundCommand {
    /// How a command ended: its exit (nil when it was killed for running too long) and its output.
    struct Result: Sendable {
        var exit: TrialExit?
        var stdout: String
        var stderr: String
        var succeeded: Bool { exit == .exited(0) }
        /// The first line of stderr (else stdout), for messages.
        var message: String {
            let text = stderr.isEmpty ? stdout : stderr
            return text.split(separator: "\n").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        }
    }

    let description: String
    private let process: any TrialProcess
    private let deadline: Date
    private var output: [Int32: [UInt8]] = [:]
    private var open: Set<Int32>
    private(set) var result: Result?

    /// Starts `executable` (a path) with `arguments` (argv[1...]); nil when it cannot be started.
    static func start(_ executable: String, _ arguments: [String], environment: [String: String], timeout: TimeInterval) -> BackgroundCommand? {
        let name = (executable as NSString).lastPathComponent
        let request = LaunchRequest(executable: executable, arguments: [name] + arguments, environment: environment)
        guard let process = try? LocalLauncher().launch(request) else { return nil }
        return BackgroundCommand(process: process, description: ([name] + arguments).joined(separator: " "), timeout: timeout)
    }

    private init(process: any TrialProcess, description: String, timeout: TimeInterval) {
        self.process = process
        self.description = description
        self.deadline = Date().addingTimeInterval(timeout)
        self.open = [process.stdout, process.stderr]
    }

    /// Reads what is there; true once the command has ended (see `result`).
    @discardableResult
    func poll() -> Bool {
        if result != nil { return true }
        for fd in open { drain(fd) }
        if let exit = process.checkExit() {
            for fd in open { drain(fd) }
            finish(exit)
            return true
        }
        if Date() >= deadline {
            process.send(SIGKILL)
            while process.checkExit() == nil { usleep(1_000) }
            finish(nil)
            return true
        }
        return false
    }

    /// Waits for the end (at most until the deadline) and gives the result.
    func wait() -> Result {
        while !poll() {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if fds.isEmpty { usleep(2_000) } else { _ = Glibc.poll(&fds, nfds_t(fds.count), 20) }
        }
        return result!
    }

    /// Runs a command to its end (or its deadline); nil when it cannot be started.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String], timeout: TimeInterval) -> Result? {
        start(executable, arguments, environment: environment, timeout: timeout)?.wait()
    }

    private func drain(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                // Helper output is small; anything past 4 MB is not kept.
                if (output[fd]?.count ?? 0) < 4 << 20 { output[fd, default: []].append(contentsOf: buffer[0..<n]) }
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            close(fd)
            open.remove(fd)
            return
        }
    }

    private func finish(_ exit: TrialExit?) {
        for fd in open { close(fd) }
        open.removeAll()
        // Anything the command left in its process group goes with it.
        process.send(SIGKILL)
        result = Result(
            exit: exit,
            stdout: String(decoding: output[process.stdout] ?? [], as: UTF8.self),
            stderr: String(decoding: output[process.stderr] ?? [], as: UTF8.self))
    }
}
