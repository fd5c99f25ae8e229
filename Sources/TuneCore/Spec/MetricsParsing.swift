import Yams

/// A `metrics:` list, Vertex AI's `MetricSpec`s (`{metricId, goal, safetyConfig}`): in Vertex's
/// shapes under `studySpec`, and as tune's extension in Cloud ML's `hyperparameters` (in place of
/// `hyperparameterMetricTag` and `goal`). The metrics without `safetyConfig` are the objectives,
/// in the order listed; those with one are safety metrics.
enum MetricsParsing {
    static let keys = ["metricId", "goal", "safetyConfig"]
    static let safetyKeys = ["safetyThreshold", "desiredMinSafeTrialsFraction"]

    /// Reads `entry` (the list) into the spec's objectives and safety metrics.
    static func read(_ entry: ConfigEntry, file: String, into spec: inout TuningSpec) throws(SpecError) {
        var objectives: [ObjectiveMetric] = []
        var safety: [SafetyMetric] = []
        var seen: [String: Int] = [:]
        let nodes = try entry.list()
        guard !nodes.isEmpty else {
            throw entry.error("metrics is empty", hint: "list the metric to optimize: metrics: [{metricId: accuracy, goal: MAXIMIZE}]")
        }
        for (index, node) in nodes.enumerated() {
            let what = "metrics entry \(index + 1)"
            let metric = try ConfigMapping(node, what: what, file: file, prefix: "\(what): ").camelCased()
            try metric.rejectUnknownKeys(
                allowed: keys,
                elsewhere: [
                    "hyperparameterMetricTag": "Vertex AI's spelling is metricId", "safetyThreshold": "safetyThreshold belongs inside safetyConfig",
                ])
            let idEntry = try metric.required("metricId", hint: "the tag the trainer reports the metric under")
            let id = try idEntry.string()
            if let first = seen[id] {
                throw idEntry.error("metric '\(id)' is listed twice (entries \(first) and \(index + 1))", hint: "list each metric once")
            }
            seen[id] = index + 1
            let goalEntry = try metric.required("goal", hint: "goal is MAXIMIZE or MINIMIZE")
            if goalEntry.value.scalarText == "GOAL_TYPE_UNSPECIFIED" {
                throw goalEntry.error("goal GOAL_TYPE_UNSPECIFIED leaves the direction open", hint: "write MAXIMIZE or MINIMIZE")
            }
            let goal = try goalEntry.choice(Goal.self)
            if let config = metric["safetyConfig"] {
                safety.append(try readSafety(config, id: id, goal: goal, file: file, prefix: "\(what): "))
            } else {
                objectives.append(ObjectiveMetric(metricTag: id, goal: goal))
            }
        }
        guard let first = objectives.first else {
            throw entry.error(
                "every metric has a safetyConfig: none is an objective", hint: "list the metric to optimize without safetyConfig")
        }
        guard objectives.count <= ConfigLimits.maxObjectives else {
            throw entry.error(
                "\(objectives.count) objectives: tune optimizes at most \(ConfigLimits.maxObjectives) at once",
                hint: "give the others a safetyConfig (a bound to stay within), or leave them out: every metric a trial reports is recorded anyway")
        }
        spec.metricTag = first.metricTag
        spec.goal = first.goal
        spec.additionalObjectives = objectives.count > 1 ? Array(objectives.dropFirst()) : nil
        spec.safetyMetrics = safety.isEmpty ? nil : safety
    }

    private static func readSafety(_ entry: ConfigEntry, id: String, goal: Goal, file: String, prefix: String) throws(SpecError) -> SafetyMetric {
        let config = try ConfigMapping(entry.value, what: "safetyConfig", heldBy: entry.keyNode, file: file, prefix: prefix + "safetyConfig: ")
            .camelCased()
        try config.rejectUnknownKeys(allowed: safetyKeys)
        let thresholdEntry = try config.required(
            "safetyThreshold",
            hint: "the bound of \(id): with goal \(goal.rawValue), a trial is safe when its value is \(goal == .maximize ? "at least" : "at most") safetyThreshold")
        let threshold = try thresholdEntry.number().value
        guard threshold.isFinite else { throw thresholdEntry.mismatch("a finite number") }
        var fraction: Double?
        if let fractionEntry = config["desiredMinSafeTrialsFraction"] {
            let value = try fractionEntry.number().value
            guard value >= 0, value <= 1 else { throw fractionEntry.mismatch("a fraction between 0 and 1") }
            fraction = value
        }
        return SafetyMetric(metricTag: id, goal: goal, threshold: threshold, desiredMinSafeTrialsFraction: fraction)
    }
}
