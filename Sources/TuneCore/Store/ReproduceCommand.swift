import Foundation

/// The command line that reruns a trial by hand (`tune run`'s summary, `tune report`).
public enum ReproduceCommand {
    public static func line(for trial: TrialRecord, in job: JobRecord) -> String {
        var flags = job.spec.params.compactMap { p in trial.parameters[p.name].map { "--\(p.name)=\($0)" } }
        if let placement = trial.placement, let resource = job.spec.hyperband {
            flags.append("--\(resource.resourceParameter)=\(placement.budget)")
        }
        return (job.header.command + flags).map(shellQuoted).joined(separator: " ")
    }

    /// `word` as a POSIX shell reads it back: bare when it holds only safe characters, else single-quoted.
    public static func shellQuoted(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/=:+@%")
        if !word.isEmpty && word.allSatisfy(safe.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
