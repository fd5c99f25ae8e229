import Yams

extension TuningSpec {
    /// Reads a `HyperparameterSpec` mapping (the value of `hyperparameters:`, or the whole file),
    /// checking every rule; notes about accepted-but-inactive fields go to `notes`.
    static func parse(
        _ mapping: ConfigMapping, suggesting extraKeys: [String] = [], notes: inout [String]
    ) throws(SpecError) -> TuningSpec {
        let inParameter = Dictionary(uniqueKeysWithValues: SpecKeys.parameter.map {
            ($0, "'\($0)' belongs inside a params entry")
        })
        try mapping.rejectUnknownKeys(allowed: SpecKeys.spec, alsoSuggesting: extraKeys, elsewhere: inParameter)

        var spec = TuningSpec()
        if let entry = mapping["goal"] {
            spec.goal = try entry.choice(Goal.self)
        }
        if let entry = mapping["hyperparameterMetricTag"] {
            spec.metricTag = try entry.string()
        }
        if let entry = mapping["maxTrials"] {
            spec.maxTrials = try entry.integer(atLeast: 1, expected: "a positive integer")
        }
        if let entry = mapping["maxParallelTrials"] {
            spec.maxParallelTrials = try entry.integer(atLeast: 1, expected: "a positive integer")
        }
        if let entry = mapping["maxFailedTrials"] {
            // Cloud ML: 0 means "use the default".
            let count = try entry.integer(atLeast: 0, expected: "a non-negative integer")
            spec.maxFailedTrials = count == 0 ? nil : count
        }
        if let entry = mapping["algorithm"] {
            spec.algorithm = try entry.choice(Algorithm.self)
        }
        if let entry = mapping["seed"] {
            spec.seed = try entry.unsigned(expected: "a non-negative integer")
        }
        if let entry = mapping["trialTimeout"] {
            let text = try entry.text(expected: "a duration such as 90s, 45m or 2h")
            guard let seconds = ConfigDuration.seconds(text) else {
                throw entry.mismatch("a duration such as 90s, 45m, 2h or 1h30m", hint: "write a number with s, m, h or d")
            }
            spec.trialTimeout = seconds
        }
        if let entry = mapping["maxTrialRetries"] {
            let count = try entry.integer(atLeast: 0, expected: "a non-negative integer")
            spec.maxTrialRetries = count == 0 ? nil : count
        }
        if let entry = mapping["measurementSelectionType"] {
            spec.measurementSelection = try entry.choice(MeasurementSelection.self)
        }
        if let entry = mapping["enableTrialEarlyStopping"] {
            spec.enableTrialEarlyStopping = try entry.bool()
            if spec.enableTrialEarlyStopping {
                notes.append("enableTrialEarlyStopping is not implemented yet: trials run to completion")
            }
        }
        if let entry = mapping["resumePreviousJobId"] {
            spec.resumePreviousJobId = try entry.string()
        }

        let paramsEntry = try mapping.required("params", hint: "list at least one parameter under params")
        let parsed = try parseParams(paramsEntry)
        spec.params = parsed.map(\.spec)
        try checkGrid(spec.algorithm, parsed)
        return spec
    }

    private static func parseParams(_ entry: ConfigEntry) throws(SpecError) -> [ParsedParameter] {
        var parsed: [ParsedParameter] = []
        var indexByName: [String: Int] = [:]
        for (index, node) in try entry.list().enumerated() {
            let parameter = try ParameterSpec.parse(node, index: index, file: entry.file)
            if let first = indexByName[parameter.spec.name].map({ parsed[$0] }) {
                throw SpecError(
                    file: entry.file, at: parameter.nameEntry.value, key: "parameterName",
                    message: "duplicate parameter name '\(parameter.spec.name)'",
                    hint: first.nameEntry.value.mark.map { "first defined at line \($0.line)" })
            }
            indexByName[parameter.spec.name] = parsed.count
            parsed.append(parameter)
        }
        return parsed
    }

    /// GRID_SEARCH enumerates values, so it cannot take a DOUBLE range (a DOUBLE constant is fine).
    private static func checkGrid(_ algorithm: Algorithm, _ parsed: [ParsedParameter]) throws(SpecError) {
        guard algorithm == .grid else { return }
        for parameter in parsed {
            if case .double(let min, let max, _) = parameter.spec.domain, min != max {
                throw parameter.typeEntry.error(
                    "GRID_SEARCH cannot search a DOUBLE parameter",
                    hint: "use INTEGER or DISCRETE values, or RANDOM_SEARCH", atKey: true)
            }
        }
    }
}
