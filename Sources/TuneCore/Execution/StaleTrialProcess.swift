import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The processes of a trial that outlived the tune that started it (tune was SIGKILLed and its
/// watchdog could not act, say). `tune resume` and `tune retry` stop them before running the trial
/// again, so two attempts never write the same folder at once.
///
/// A trial is the process group its first process led. Pids are reused, so a group is only taken
/// for the trial's when one of its processes carries the trial's folder as its `TUNE_TRIAL_DIR`
/// (read from /proc; elsewhere nothing is found). The folder, not the job's name, because it names
/// the store and the job's own folder: a copy of a job folder, or a job of the same name in another
/// store, never stops the original's trials.
enum StaleTrialProcess {
    /// SIGKILLs the trial's process group when it still has processes; true when it did.
    static func stop(pid: Int32, trialDirectory: String) -> Bool {
        guard pid > 1, kill(-pid, 0) == 0 || errno == EPERM else { return false }
        let marker = "TUNE_TRIAL_DIR=\(trialDirectory)"
        for member in members(ofGroup: pid) where environment(of: member).contains(marker) {
            kill(-pid, SIGKILL)
            return true
        }
        return false
    }

    /// Every pid in /proc.
    static func processes() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
    }

    /// Pids whose process group is `group`, from /proc/<pid>/stat.
    static func members(ofGroup group: Int32) -> [Int32] {
        processes().compactMap { pid -> Int32? in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // After "pid (comm)": state, ppid, pgrp, …
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[2]) == group ? pid : nil
        }
    }

    static func environment(of pid: Int32) -> Set<String> {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return [] }
        return Set(data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) })
    }
}
