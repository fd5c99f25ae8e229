import ArgumentParser

/// `--config`/`-c`, given once. ArgumentParser keeps the last of a repeated single-value option, so
/// `tune run train.sh -c a.yml --config b.yml` would silently tune with b.yml: the commands take
/// every `--config` tune itself parsed (words after `--` are the trial's, not counted) and refuse
/// more than one.
enum ConfigOption {
    /// The one config in `values`; a usage error naming them all when there are several.
    static func single(_ values: [String], command: String) throws -> String {
        guard values.count > 1 else { return values.first ?? "" }
        let times = values.count == 2 ? "twice" : "\(values.count) times"
        let named = values.dropLast().joined(separator: ", ") + " and " + values.last!
        throw ValidationError(
            """
            --config is given \(times) (\(named)): give one tuning config. If the trial command takes its own --config, \
            put `--` before the command: \(command) --config tuning.yml -- python3 train.py --config …
            """)
    }
}
