import Foundation

@testable import TuneCore

#if canImport(Glibc)
import Glibc
#endif

/// A launcher for driving the tuning loop in process: each trial is a scripted process whose
/// output goes through a real pipe (so the loop reads it as it reads any trial's), and which ends
/// as its script says — at once, or only when it is sent a signal.
final class ScriptedLauncher: Launcher, @unchecked Sendable {
    struct Script {
        var output: String
        var exit: TrialExit = .exited(0)
        /// Runs until it is sent a signal (then ends `.signaled(signal)`), after printing `output`.
        var hangs = false
    }

    private let script: (LaunchRequest, Int) -> Script
    /// Every request, in launch order.
    private(set) var requests: [LaunchRequest] = []

    /// `script` gets the request and how many times this trial was launched before.
    init(_ script: @escaping (LaunchRequest, Int) -> Script) {
        self.script = script
    }

    func launch(_ request: LaunchRequest) throws(LaunchError) -> any TrialProcess {
        let earlier = requests.filter { $0.trial == request.trial }.count
        requests.append(request)
        return ScriptedProcess(script(request, earlier))
    }

    /// The flag value `--name=` a trial was launched with.
    static func flag(_ name: String, in request: LaunchRequest) -> String? {
        request.arguments.last { $0.hasPrefix("--\(name)=") }.map { String($0.dropFirst(name.count + 3)) }
    }
}

final class ScriptedProcess: TrialProcess {
    let pid: Int32 = 0
    let stdout: Int32
    let stderr: Int32
    private var writeEnds: [Int32]
    private var script: ScriptedLauncher.Script
    private var ended: TrialExit?

    init(_ script: ScriptedLauncher.Script) {
        self.script = script
        var out: [Int32] = [0, 0]
        var err: [Int32] = [0, 0]
        _ = pipe(&out)
        _ = pipe(&err)
        for fd in [out[0], err[0]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        stdout = out[0]
        stderr = err[0]
        writeEnds = [out[1], err[1]]
        var text = script.output
        _ = text.withUTF8 { write(out[1], $0.baseAddress, $0.count) }
        if !script.hangs { end(script.exit) }
    }

    private func end(_ exit: TrialExit) {
        guard ended == nil else { return }
        for fd in writeEnds { close(fd) }
        writeEnds = []
        ended = exit
    }

    func checkExit() -> TrialExit? { ended }

    func send(_ signal: Int32) {
        if script.hangs { end(.signaled(signal)) }
    }
}
