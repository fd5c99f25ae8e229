/// How a trial receives its hyperparameters: tune's `parameterStyle:` extension key.
///
/// Whatever the style, the trial's parameters are also in a JSON file, `$TUNE_PARAMS_FILE`
/// (written by the execution layer's parameter delivery).
public enum ParameterStyle: String, Sendable, Codable, CaseIterable {
    /// `--lr=0.01`: Cloud ML's convention, the default.
    case equals = "--name=value"
    /// `--lr 0.01`: two words, as argparse also reads them.
    case separate = "--name value"
    /// `lr=0.01`: Hydra's overrides, and many research scripts.
    case bare = "name=value"
    /// `TUNE_PARAM_LR=0.01` in the environment, nothing on the command line.
    case environment = "env"
    /// `{lr}` placeholders in the command's arguments, filled per trial; no flags are added.
    case template
}
