import Foundation

/// The command line that reruns a trial by hand (`tune run`'s summary, `tune report`).
public enum ReproduceCommand {
    /// With the store, the trial's placeholders (`{trial_dir}`, …) and `--job-dir` are filled in as
    /// the trial had them; without it they are shown as placeholders. The parameters are given in
    /// the job's style (`parameterStyle`): with `env`, as `TUNE_PARAM_…=value` before the command.
    public static func line(for trial: TrialRecord, in job: JobRecord, store: JobStore? = nil) -> String {
        let delivery = ParameterDelivery(parameters: trial.parameters, spec: job.spec)
        let flags = delivery.arguments + job.spec.makeScheduler().launchAdditions(for: trial).flags
        let words: [String]
        if let store {
            words = TrialArguments.make(
                command: job.header.command, flags: flags, job: job.id, trial: trial.id,
                folders: store.folders(of: trial, in: job.id),
                passJobDir: job.spec.passesJobDir, template: delivery)
        } else {
            words =
                job.header.command.prefix(1) + TrialArguments.fill(job.header.command.dropFirst(), own: [:], template: delivery)
                + (job.spec.passesJobDir ? ["--job-dir={job_dir}"] : []) + flags
        }
        let assignments = delivery.environment.map { $0.name + "=" + shellQuoted($0.value) }
        return (assignments + words.map(shellQuoted)).joined(separator: " ")
    }

    /// `word` as a POSIX shell reads it back: bare when it holds only safe characters, else single-quoted.
    public static func shellQuoted(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/=:+@%")
        if !word.isEmpty && word.allSatisfy(safe.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
