import Foundation

/// A trial's argv after the command: the user's own arguments with tune's placeholders filled
/// in, then `--job-dir=<dir>` when the job passes one, then the hyperparameter flags.
///
/// Placeholders, replaced wherever they stand inside an argument (`--out={trial_dir}/model.pt`),
/// so no shell wrapper is needed to give a trial its own paths:
///
/// | placeholder | value |
/// | --- | --- |
/// | `{trial_dir}` | the trial's folder (`$TUNE_TRIAL_DIR`) |
/// | `{job_dir}` | the trial's job dir, `<trial folder>/job-dir` (created when named) |
/// | `{model_dir}` | `$AIP_MODEL_DIR`, `<trial folder>/model` |
/// | `{checkpoint_dir}` | `$TUNE_CHECKPOINT_DIR`, kept across the trial's attempts |
/// | `{trial_id}` | the trial's number |
/// | `{job_id}` | the job's name |
///
/// Any other `{…}` is left as it is. The placeholders are expanded by tune itself, never by a shell.
public enum TrialArguments {
    public static let placeholders = ["{trial_dir}", "{job_dir}", "{model_dir}", "{checkpoint_dir}", "{trial_id}", "{job_id}"]

    /// `command` (argv[0] first, kept as it is) with placeholders filled, `--job-dir`, then `flags`.
    public static func make(command: [String], flags: [String], job: String, trial: Int, folders: TrialFolders, passJobDir: Bool) -> [String] {
        guard let program = command.first else { return flags }
        var arguments = [program] + command.dropFirst().map { expand($0, job: job, trial: trial, folders: folders) }
        if passJobDir { arguments.append("--job-dir=" + folders.jobDir) }
        return arguments + flags
    }

    /// `--name=value` for each parameter of `spec` the trial has, in the spec's order, with the text
    /// the journal holds: a trial run again gets byte-identical flags.
    public static func flags(parameters: [String: String], spec: TuningSpec) -> [String] {
        spec.params.compactMap { p in parameters[p.name].map { "--\(p.name)=\($0)" } }
    }

    /// Whether `command`'s arguments name the job dir (so it is created before the trial starts).
    public static func namesJobDir(_ command: [String]) -> Bool {
        command.dropFirst().contains { $0.contains("{job_dir}") }
    }

    static func expand(_ argument: String, job: String, trial: Int, folders: TrialFolders) -> String {
        guard argument.contains("{") else { return argument }
        let values = [
            "{trial_dir}": folders.trial, "{job_dir}": folders.jobDir, "{model_dir}": folders.model,
            "{checkpoint_dir}": folders.checkpoints, "{trial_id}": String(trial), "{job_id}": job,
        ]
        // One pass from left to right: a value that happens to hold a placeholder's text stays as it is.
        var result = ""
        var rest = Substring(argument)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            rest = rest[open...]
            if let placeholder = placeholders.first(where: { rest.hasPrefix($0) }) {
                result += values[placeholder]!
                rest = rest.dropFirst(placeholder.count)
            } else {
                result.append("{")
                rest = rest.dropFirst()
            }
        }
        return result + rest
    }
}
