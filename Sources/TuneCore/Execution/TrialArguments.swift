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
/// With `parameterStyle: template`, `{name}` is also the value of the parameter `name` (see
/// `ParameterDelivery`), and an argument naming a parameter the trial lacks (inactive in a
/// conditional space) is left out. Any other `{…}` is left as it is. The placeholders are
/// expanded by tune itself, never by a shell.
public enum TrialArguments {
    public static let placeholders = ["{trial_dir}", "{job_dir}", "{model_dir}", "{checkpoint_dir}", "{trial_id}", "{job_id}"]

    /// `command` (argv[0] first, kept as it is) with placeholders filled, `--job-dir`, then `flags`.
    public static func make(
        command: [String], flags: [String], job: String, trial: Int, folders: TrialFolders, passJobDir: Bool,
        template: ParameterDelivery = ParameterDelivery()
    ) -> [String] {
        guard let program = command.first else { return flags }
        let own = [
            "{trial_dir}": folders.trial, "{job_dir}": folders.jobDir, "{model_dir}": folders.model,
            "{checkpoint_dir}": folders.checkpoints, "{trial_id}": String(trial), "{job_id}": job,
        ]
        var arguments = [program] + fill(command.dropFirst(), own: own, template: template)
        if passJobDir { arguments.append("--job-dir=" + folders.jobDir) }
        return arguments + flags
    }

    /// `--name=value` for each parameter of `spec` the trial has, in the spec's order, with the text
    /// the journal holds: a trial run again gets byte-identical flags. (The default style; see `ParameterDelivery`.)
    public static func flags(parameters: [String: String], spec: TuningSpec) -> [String] {
        spec.params.compactMap { p in parameters[p.name].map { "--\(p.name)=\($0)" } }
    }

    /// The user's arguments with `own` (tune's placeholders → values) and the template's parameter
    /// placeholders filled; an argument naming an inactive parameter is left out.
    static func fill(_ arguments: ArraySlice<String>, own: [String: String], template: ParameterDelivery) -> [String] {
        arguments.compactMap { argument in
            if !template.inactive.isEmpty, ParameterDelivery.placeholderNames(in: argument).contains(where: template.inactive.contains) {
                return nil
            }
            return expand(argument, own: own, parameters: template.placeholders)
        }
    }

    /// Whether `command`'s arguments name the job dir (so it is created before the trial starts).
    public static func namesJobDir(_ command: [String]) -> Bool {
        command.dropFirst().contains { $0.contains("{job_dir}") }
    }

    /// `argument` with `own` (`{trial_dir}` → …) and `parameters` (`{lr}` → …, not after a `$`) filled.
    static func expand(_ argument: String, own: [String: String], parameters: [String: String] = [:]) -> String {
        guard argument.contains("{") else { return argument }
        // One pass from left to right: a value that happens to hold a placeholder's text stays as it is.
        var result = ""
        var rest = Substring(argument)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            rest = rest[open...]
            if let placeholder = placeholders.first(where: { rest.hasPrefix($0) }), let value = own[placeholder] {
                result += value
                rest = rest.dropFirst(placeholder.count)
            } else if result.last != "$", let close = rest.firstIndex(of: "}"), let value = parameters[String(rest[...close])] {
                result += value
                rest = rest[rest.index(after: close)...]
            } else {
                result.append("{")
                rest = rest.dropFirst()
            }
        }
        return result + rest
    }
}
