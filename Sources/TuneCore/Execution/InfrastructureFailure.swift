#if canImport(Glibc)
import Glibc
#endif

/// Signs that a failed trial failed because of the machine rather than its hyperparameters, so
/// that `maxTrialRetries` may run it again. Deliberately narrow: a retried trial that fails for its
/// own reasons only wastes time.
///
/// - tune could not start it (no process, no folder): the launch itself failed;
/// - it was killed by SIGKILL or SIGBUS that tune did not send (the out-of-memory killer, an
///   administrator, a failing disk or node), or a shell around it exited 128+9 / 128+7 saying so;
/// - its last error line names a resource the machine ran out of or a device that failed;
/// - its error output says the GPU ran out of memory (`GPUOutOfMemory`): with trials packed on a
///   GPU (trialsPerGPU) a neighbour may have taken the memory, and the retry goes where it has fewer.
///
/// Not retried: exit codes and tracebacks of the script's own, trialTimeout, and missing or
/// non-finite metrics.
public enum InfrastructureFailure {
    static let messages = [
        "no space left on device", "disk quota exceeded", "too many open files", "resource temporarily unavailable",
        "cannot allocate memory", "stale file handle", "input/output error", "connection reset by peer",
        "broken pipe", "nccl error", "uncorrectable ecc", "cuda error: unspecified launch failure",
        "cuda error: an illegal memory access", "no cuda-capable device", "device or resource busy",
        // A shell that could not start a command under the process limit (dash: "Cannot fork").
        "cannot fork",
    ]

    /// Why this failure looks like infrastructure trouble, or nil when it does not.
    public static func sign(exit: TrialExit, reason: String?) -> String? {
        switch exit {
        case .signaled(let signal) where signal == SIGKILL:
            return "killed by SIGKILL from outside tune (the out-of-memory killer?)"
        case .signaled(let signal) where signal == SIGBUS:
            return "killed by SIGBUS (a hardware or file-system fault)"
        case .exited(let code) where code == 128 + SIGKILL:
            return "exited with 137, a child killed by SIGKILL (the out-of-memory killer?)"
        case .exited(let code) where code == 128 + SIGBUS:
            return "exited with 135, a child killed by SIGBUS"
        default:
            break
        }
        guard let reason = reason?.lowercased() else { return nil }
        if let marker = GPUOutOfMemory.marker(in: reason) { return "out of GPU memory (its error says “\(marker)”)" }
        return messages.first { reason.contains($0) }.map { "its error says “\($0)”" }
    }
}
