import Yams

/// Vertex AI's tuning configs (google/cloud/aiplatform/v1 `hyperparameter_tuning_job.proto` and
/// `study.proto`), in YAML or JSON, lowerCamelCase or snake_case:
/// - a `HyperparameterTuningJob`, the REST API's JSON and gcloud's `--config` file: `studySpec`
///   beside `maxTrialCount`, `parallelTrialCount`, `maxFailedTrialCount` and `trialJobSpec`;
/// - a bare `StudySpec`: `metrics` and `parameters` at the top.
///
/// tune's extension keys (`SpecKeys.extensions`, `resumePreviousJobId`, `jobDir`, `launcher`) sit at the top.
enum VertexSpec {
    static let jobKeys = ["studySpec", "maxTrialCount", "parallelTrialCount", "maxFailedTrialCount", "trialJobSpec"]
    static let studyKeys = [
        "metrics", "parameters", "algorithm", "observationNoise", "measurementSelectionType",
        "medianAutomatedStoppingSpec", "decayCurveStoppingSpec", "convexAutomatedStoppingSpec", "convexStopConfig",
        "studyStoppingConfig",
    ]
    /// Job fields that describe the job in the cloud (its resource name, state, times…): accepted and ignored.
    static let cloudOnly: Set<String> = [
        "name", "displayName", "trials", "state", "createTime", "startTime", "endTime", "updateTime", "error", "labels",
        "encryptionSpec", "satisfiesPzs", "satisfiesPzi",
    ]
    static let tuneKeys = SpecKeys.extensions + ["resumePreviousJobId", SpecKeys.jobDir, SpecKeys.launcher]

    /// Whether the file's top level is one of Vertex's shapes.
    static func matches(_ top: ConfigMapping) -> Bool {
        let keys = Set(top.keys.map(ConfigMapping.camelCase))
        return keys.contains("studySpec") || keys.contains("hyperparameterTuningJob") || (!keys.contains("params") && (keys.contains("parameters") || keys.contains("metrics")))
    }

    /// The spec, with notes for what tune does not apply and the cloud-only keys collected in `ignored`.
    static func parse(_ raw: ConfigMapping, ignored: inout [String], notes: inout [String]) throws(SpecError) -> TuningSpec {
        var top = try raw.camelCased()
        // The client libraries' create request: `{parent, hyperparameterTuningJob: {…}}`.
        if let job = top["hyperparameterTuningJob"] {
            try top.rejectUnknownKeys(allowed: ["hyperparameterTuningJob", "parent"] + tuneKeys)
            ignored += top.keys.filter { $0 == "parent" }
            let inner = try ConfigMapping(job.value, what: "hyperparameterTuningJob", heldBy: job.keyNode, file: top.file).camelCased()
            top = ConfigMapping(merging: inner, with: top.removing(["hyperparameterTuningJob", "parent"]))
        }
        let study: ConfigMapping
        if let entry = top["studySpec"] {
            let allowed = jobKeys + Array(cloudOnly) + tuneKeys
            try top.rejectUnknownKeys(
                allowed: allowed,
                elsewhere: Dictionary(uniqueKeysWithValues: studyKeys.map { ($0, "'\($0)' belongs inside studySpec") }))
            study = try ConfigMapping(entry.value, what: "studySpec", heldBy: entry.keyNode, file: top.file, prefix: "studySpec: ").camelCased()
            try study.rejectUnknownKeys(
                allowed: studyKeys,
                elsewhere: Dictionary(
                    uniqueKeysWithValues: (jobKeys + tuneKeys).map { ($0, "'\($0)' belongs beside studySpec, at the top of the file") }))
        } else {
            try top.rejectUnknownKeys(
                allowed: studyKeys + tuneKeys,
                elsewhere: Dictionary(uniqueKeysWithValues: jobKeys.map { ($0, "'\($0)' belongs in a HyperparameterTuningJob, beside studySpec") }))
            study = top
        }
        ignored += top.keys.filter { cloudOnly.contains($0) }

        var spec = TuningSpec()
        let metrics = try study.required("metrics", hint: "list the metric to optimize: metrics: [{metricId: accuracy, goal: MAXIMIZE}]")
        try MetricsParsing.read(metrics, file: study.file, into: &spec)
        if let entry = study["algorithm"] {
            spec.algorithm = try entry.choice(Algorithm.self)
        }
        if let entry = study["measurementSelectionType"] {
            spec.measurementSelection =
                entry.value.scalarText == "MEASUREMENT_SELECTION_TYPE_UNSPECIFIED" ? .last : try entry.choice(MeasurementSelection.self)
        }
        try readStopping(study, into: &spec, notes: &notes)
        if let entry = study["observationNoise"], let text = entry.value.scalarText, text != "OBSERVATION_NOISE_UNSPECIFIED" {
            guard ["LOW", "HIGH"].contains(text) else { throw entry.mismatch("one of OBSERVATION_NOISE_UNSPECIFIED, LOW or HIGH") }
            notes.append("observationNoise \(text) is not needed: tune's Gaussian process estimates the noise from the trials")
        }
        let totalGiven = try spec.readTrialCounts(top, total: "maxTrialCount", parallel: "parallelTrialCount", failed: "maxFailedTrialCount")
        if !totalGiven && spec.algorithm != .pbt {
            notes.append(
                spec.runWholeGrid(total: "maxTrialCount")
                    ?? "maxTrialCount is not in the file: 1 trial (gcloud's default) unless `tune run --max-trial-count N` gives more")
        }
        try StudyStoppingParsing.read(study, extensions: top, into: &spec, notes: &notes)
        if let entry = top["trialJobSpec"] {
            ignored.append("trialJobSpec")
            if let note = try TrialJobSpecNote.note(entry, file: top.file) { notes.append(note) }
        }
        try TuningSpec.parseExtensions(top, into: &spec, notes: &notes, totalGiven: totalGiven, total: "maxTrialCount")
        if let entry = top["resumePreviousJobId"] {
            spec.resumePreviousJobId = try entry.string()
        }
        let parameters = try study.required("parameters", hint: "list at least one parameter under parameters")
        try spec.setParams(try ParameterTree.parse(parameters, dialect: .vertex))
        return spec
    }

    /// The automated stopping specs: the median rule is tune's; the others are refused.
    private static func readStopping(_ study: ConfigMapping, into spec: inout TuningSpec, notes: inout [String]) throws(SpecError) {
        for key in ["decayCurveStoppingSpec", "convexAutomatedStoppingSpec", "convexStopConfig"] {
            guard let entry = study[key] else { continue }
            throw entry.error(
                "tune does not implement Vertex AI's \(key)",
                hint: "use medianAutomatedStoppingSpec: {} (the median stopping rule), or algorithm: HYPERBAND (tune extension)", atKey: true)
        }
        guard let entry = study["medianAutomatedStoppingSpec"] else { return }
        spec.enableTrialEarlyStopping = true
        if entry.value.isNull { return }
        let rule = try ConfigMapping(entry.value, what: "medianAutomatedStoppingSpec", heldBy: entry.keyNode, file: study.file, prefix: "medianAutomatedStoppingSpec: ")
            .camelCased()
        try rule.rejectUnknownKeys(allowed: ["useElapsedDuration"])
        if let elapsed = rule["useElapsedDuration"], try elapsed.bool() {
            notes.append("medianAutomatedStoppingSpec.useElapsedDuration: tune compares trials at the same reported step, not the same elapsed time")
        }
    }
}
