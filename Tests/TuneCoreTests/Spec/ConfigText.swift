import TuneCore

/// Config text as `tuning.yml`, through the loader (the spec-parsing tests share these).
func parseConfig(_ text: String) throws(SpecError) -> LoadedSpec {
    try SpecLoader.parse(text: text, file: "tuning.yml")
}

/// The error parsing `text` gives, or nil when it parses.
func configFailure(_ text: String) -> SpecError? {
    do {
        _ = try parseConfig(text)
        return nil
    } catch {
        return error
    }
}
