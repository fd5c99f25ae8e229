import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Processes a job's trials left running outside their process groups — a `setsid` daemon, a
/// server started with `nohup … &` in a new session — which the per-trial group kill cannot
/// reach. They still carry the trial's `TUNE_TRIAL_DIR` in their environment (inherited from the
/// trial; it names the store and the job, so two stores' jobs of one name are told apart), so
/// when the job run ends tune finds them in /proc and stops them: one scan per run, not per
/// trial. A process that cleared its environment is not found.
enum TrialLeftovers {
    /// SIGKILLs every process of this user, other than tune, whose `TUNE_TRIAL_DIR` is a trial
    /// folder of the job in `jobDirectory`; returns their pids.
    @discardableResult
    static func stop(jobDirectory: String) -> [Int32] {
        let marker = "TUNE_TRIAL_DIR=\(jobDirectory)/trials/"
        let me = getpid()
        return StaleTrialProcess.processes().filter { pid in
            pid > 1 && pid != me && StaleTrialProcess.environment(of: pid).contains { $0.hasPrefix(marker) } && kill(pid, SIGKILL) == 0
        }
    }
}
