import Yams

extension TuningSpec {
    /// Reads a `HyperparameterSpec` mapping (the value of `hyperparameters:`, or the whole file),
    /// checking every rule; notes about accepted-but-inactive fields go to `notes`.
    static func parse(
        _ mapping: ConfigMapping, suggesting extraKeys: [String] = [], notes: inout [String]
    ) throws(SpecError) -> TuningSpec {
        let inParameter = Dictionary(
            uniqueKeysWithValues: SpecKeys.parameter.map {
                ($0, "'\($0)' belongs inside a params entry")
            })
        try mapping.rejectUnknownKeys(allowed: SpecKeys.spec, alsoSuggesting: extraKeys, elsewhere: inParameter)

        var spec = TuningSpec()
        if let entry = mapping["metrics"] {
            if let clash = mapping["hyperparameterMetricTag"] ?? mapping["goal"] {
                throw clash.error(
                    "\(clash.key) and metrics both name what to optimize", hint: "give each metric's goal inside metrics, and remove \(clash.key)",
                    atKey: true)
            }
            try MetricsParsing.read(entry, file: mapping.file, into: &spec)
        }
        if let entry = mapping["goal"] {
            spec.goal = try entry.choice(Goal.self)
        }
        if let entry = mapping["hyperparameterMetricTag"] {
            spec.metricTag = try entry.string()
        }
        let totalGiven = try spec.readTrialCounts(mapping, total: "maxTrials", parallel: "maxParallelTrials", failed: "maxFailedTrials")
        if let entry = mapping["algorithm"] {
            spec.algorithm = try entry.choice(Algorithm.self)
        }
        if !totalGiven, let note = spec.runWholeGrid(total: "maxTrials") { notes.append(note) }
        if let entry = mapping["measurementSelectionType"] {
            spec.measurementSelection = try entry.choice(MeasurementSelection.self)
        }
        if let entry = mapping["enableTrialEarlyStopping"] {
            spec.enableTrialEarlyStopping = try entry.bool()
        }
        try parseExtensions(mapping, into: &spec, notes: &notes, totalGiven: totalGiven, total: "maxTrials")
        try StudyStoppingParsing.read(mapping, extensions: mapping, into: &spec, notes: &notes)
        if let entry = mapping["resumePreviousJobId"] {
            spec.resumePreviousJobId = try entry.string()
        }

        let paramsEntry = try mapping.required("params", hint: "list at least one parameter under params")
        try spec.setParams(try ParameterTree.parse(paramsEntry, dialect: .cloudML))
        return spec
    }

    /// The trial counts under Cloud ML's names (`maxTrials`, …) or Vertex AI's (`maxTrialCount`, …);
    /// whether the total was given. A failed count of 0 means the default, as in Cloud ML.
    mutating func readTrialCounts(_ mapping: ConfigMapping, total: String, parallel: String, failed: String) throws(SpecError) -> Bool {
        let totalEntry = mapping[total]
        if let entry = totalEntry {
            maxTrials = try entry.integer(atLeast: 1, atMost: ConfigLimits.maxTrials, expected: "a positive integer")
        }
        if let entry = mapping[parallel] {
            maxParallelTrials = try entry.integer(atLeast: 1, atMost: ConfigLimits.maxParallelTrials, expected: "a positive integer")
        }
        if let entry = mapping[failed] {
            let count = try entry.integer(atLeast: 0, atMost: ConfigLimits.maxTrials, expected: "a non-negative integer")
            maxFailedTrials = count == 0 ? nil : count
        }
        return totalEntry != nil
    }

    /// GRID_SEARCH with no trial count runs the whole grid (SageMaker's rule: "you do not need
    /// to specify MaxNumberOfTrainingJobs"), instead of Cloud ML's default of 1 trial: the count is
    /// left at its bound, so the grid's size decides (`plannedTrials`). The note for the user; nil
    /// for other algorithms.
    mutating func runWholeGrid(total: String) -> String? {
        guard algorithm == .grid else { return nil }
        maxTrials = ConfigLimits.maxTrials.value
        wholeGrid = true
        return "GRID_SEARCH without \(total) runs the whole grid; set \(total) to run fewer"
    }

    /// `maxTrials 12`, or `the whole grid` while a GRID_SEARCH job runs its whole grid.
    public var trialBudgetText: String {
        wholeGrid == true && maxTrials == ConfigLimits.maxTrials.value ? "the whole grid" : "maxTrials \(maxTrials)"
    }

    /// The parsed parameters, once every check that needs the whole spec has passed.
    mutating func setParams(_ parsed: [ParsedParameter]) throws(SpecError) {
        params = parsed.map(\.spec)
        try Self.checkGrid(algorithm, parsed)
        if let resource = hyperband?.resourceParameter ?? population?.resourceParameter, let clash = parsed.first(where: { $0.spec.name == resource }) {
            throw clash.typeEntry.error(
                "\(resource) is \(algorithm.rawValue)'s resourceParameter, so tune sets it: it cannot also be a parameter",
                hint: "remove it from params (tune passes --\(resource)=<budget> to every trial)")
        }
    }

    /// tune's extension keys (`SpecKeys.extensions`), in whichever shape holds them; `spec.algorithm` is already set.
    /// `totalGiven`: whether the file gave the trial count, named `total` in its shape (PBT's
    /// population decides it when it is not given).
    static func parseExtensions(
        _ mapping: ConfigMapping, into spec: inout TuningSpec, notes: inout [String], totalGiven: Bool, total: String
    ) throws(SpecError) {
        if let entry = mapping["seed"] {
            spec.seed = try entry.unsigned(expected: "a non-negative integer")
        }
        if let entry = mapping["trialTimeout"] {
            let text = try entry.text(expected: "a duration such as 90s, 45m or 2h")
            guard let seconds = ConfigDuration.seconds(text) else {
                throw entry.mismatch("a duration such as 90s, 45m, 2h or 1h30m", hint: "write a number with s, m, h or d")
            }
            guard seconds <= ConfigLimits.maxDurationSeconds else {
                throw entry.error(
                    "trialTimeout must be at most 366d, got \(entry.value.shown)",
                    hint: "leave trialTimeout out for no time limit")
            }
            spec.trialTimeout = seconds
        }
        try parseGPUSharing(mapping, into: &spec)
        if let entry = mapping["maxTrialRetries"] {
            let count = try entry.integer(atLeast: 0, atMost: ConfigLimits.maxTrialRetries, expected: "a non-negative integer")
            spec.maxTrialRetries = count == 0 ? nil : count
        }
        if let entry = mapping["earlyStopping"] {
            spec.earlyStopping = try parseEarlyStopping(entry)
            if !spec.enableTrialEarlyStopping {
                notes.append("earlyStopping settings are given but enableTrialEarlyStopping is not true: no trial is stopped early")
            }
        }
        spec.hyperband = try parseHyperband(mapping, algorithm: spec.algorithm)
        if spec.algorithm == .hyperband && spec.enableTrialEarlyStopping {
            notes.append("HYPERBAND stops configurations by itself: enableTrialEarlyStopping is ignored")
        }
        spec.population = try parsePopulation(mapping, algorithm: spec.algorithm)
        if spec.algorithm == .pbt && spec.enableTrialEarlyStopping {
            notes.append("PBT replaces the worst members by itself: enableTrialEarlyStopping is ignored")
        }
        if let note = spec.fitPopulationBudget(totalGiven: totalGiven, total: total) { notes.append(note) }
        if let entry = mapping["perTrialWorkingDirectory"] {
            spec.perTrialWorkingDirectory = try entry.bool() ? true : nil
        }
        if let entry = mapping["parameterStyle"] {
            spec.parameterStyle = try entry.choice(ParameterStyle.self)
        }
    }

    private static func parseEarlyStopping(_ entry: ConfigEntry) throws(SpecError) -> EarlyStoppingSpec {
        let mapping = try ConfigMapping(entry.value, what: "earlyStopping", heldBy: entry.keyNode, file: entry.file, prefix: "earlyStopping: ")
        try mapping.rejectUnknownKeys(allowed: ["minTrials", "startStep"])
        var rule = EarlyStoppingSpec()
        if let value = mapping["minTrials"] {
            rule.minTrials = try value.integer(atLeast: 1, atMost: ConfigLimits.earlyStoppingCount, expected: "a positive integer (completed trials before any is stopped)")
        }
        if let value = mapping["startStep"] {
            rule.startStep = try value.integer(
                atLeast: 0, atMost: ConfigLimits.earlyStoppingCount, expected: "a non-negative integer (the first step at which a trial may be stopped)")
        }
        return rule
    }

    /// `resourceParameter`, `minResource`, `maxResource`, `reductionFactor`, `hyperbandBrackets`,
    /// `hyperbandSampler`: with HYPERBAND (resourceParameter and maxResource required), refused without.
    private static func parseHyperband(_ mapping: ConfigMapping, algorithm: Algorithm) throws(SpecError) -> HyperbandSpec? {
        let keys = ["resourceParameter", "minResource", "maxResource", "reductionFactor", "hyperbandBrackets", "hyperbandSampler"]
        guard algorithm == .hyperband else {
            // PBT takes resourceParameter and maxResource too, and refuses the others itself.
            if algorithm != .pbt, let stray = keys.compactMap({ mapping[$0] }).first {
                throw stray.error("\(stray.key) only applies to algorithm: HYPERBAND", hint: "set algorithm: HYPERBAND, or remove \(stray.key)", atKey: true)
            }
            return nil
        }
        let name = try parseResourceParameter(mapping)
        let maxEntry = try mapping.required("maxResource", hint: "the full training budget, e.g. maxResource: 27 (epochs)")
        let maxResource = try maxEntry.integer(atLeast: 1, atMost: ConfigLimits.maxResource, expected: "a positive integer")
        let minResource = try mapping["minResource"]?.integer(atLeast: 1, atMost: ConfigLimits.maxResource, expected: "a positive integer") ?? 1
        let factor = try mapping["reductionFactor"]?.integer(atLeast: 2, atMost: ConfigLimits.maxResource, expected: "an integer of at least 2 (Hyperband's η; 3 is usual)") ?? 3
        guard minResource < maxResource else {
            throw maxEntry.error(
                "maxResource \(maxResource) must be above minResource \(minResource)",
                hint: "Hyperband needs a range of budgets to promote configurations through")
        }
        let brackets = try mapping["hyperbandBrackets"]?.integer(
            atLeast: 1, atMost: ConfigLimits.hyperbandBrackets, expected: "a positive integer (1: asynchronous successive halving; one per rung: full Hyperband)")
        // Written out even when defaulted, so the journal records the sampler the job was started with.
        let sampler = try mapping["hyperbandSampler"]?.choice(HyperbandSampler.self) ?? .model
        let spec = HyperbandSpec(
            resourceParameter: name, minResource: minResource, maxResource: maxResource, reductionFactor: factor, brackets: brackets, sampler: sampler)
        guard spec.rungBudgets.count >= 2 else {
            throw maxEntry.error(
                "minResource \(minResource) to maxResource \(maxResource) with reductionFactor \(factor) gives a single rung",
                hint: "make maxResource at least reductionFactor × minResource")
        }
        return spec
    }

    /// `resourceParameter` (HYPERBAND's and PBT's): required, a flag name.
    static func parseResourceParameter(_ mapping: ConfigMapping) throws(SpecError) -> String {
        let name = try mapping.required("resourceParameter", hint: "name the flag that sets the training budget, e.g. resourceParameter: epochs").string()
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else {
            throw mapping["resourceParameter"]!.mismatch("a flag name (letters, digits, _, -, .)")
        }
        return name
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
