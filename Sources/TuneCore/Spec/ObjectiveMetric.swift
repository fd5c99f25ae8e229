/// One metric the job optimizes: Vertex AI's `MetricSpec` without a `safetyConfig`.
public struct ObjectiveMetric: Sendable, Codable, Equatable {
    /// The tag trials report it under.
    public var metricTag: String
    public var goal: Goal

    public init(metricTag: String, goal: Goal) {
        self.metricTag = metricTag
        self.goal = goal
    }
}

/// A metric that must stay within a bound: Vertex AI's `MetricSpec` with a `safetyConfig`. It is
/// not optimized; a succeeded trial whose value is on the wrong side of `threshold` (or that never
/// reported it) is infeasible: shown as such, never the best, never on the Pareto front.
public struct SafetyMetric: Sendable, Codable, Equatable {
    public var metricTag: String
    /// MAXIMIZE: a trial is safe when its value is at least `threshold`; MINIMIZE: at most.
    public var goal: Goal
    public var threshold: Double
    /// Vertex's `desiredMinSafeTrialsFraction`: the share of trials that should be safe. tune's
    /// strategy proposes only points it believes safe with at least this probability once a
    /// model of the metric exists (0.5 when nil: the point is more likely safe than not).
    public var desiredMinSafeTrialsFraction: Double?

    public init(metricTag: String, goal: Goal, threshold: Double, desiredMinSafeTrialsFraction: Double? = nil) {
        self.metricTag = metricTag
        self.goal = goal
        self.threshold = threshold
        self.desiredMinSafeTrialsFraction = desiredMinSafeTrialsFraction
    }

    /// Whether `value` is within the bound; NaN never is.
    public func isSafe(_ value: Double) -> Bool {
        switch goal {
        case .maximize: return value >= threshold
        case .minimize: return value <= threshold
        }
    }

    /// "latency_ms ≤ 20", as people read the bound.
    public var boundText: String {
        "\(metricTag) \(goal == .maximize ? "≥" : "≤") \(thresholdText)"
    }

    private var thresholdText: String {
        threshold == threshold.rounded() && abs(threshold) < 1e15 ? String(Int(threshold)) : "\(threshold)"
    }
}

extension TuningSpec {
    /// Every metric the job optimizes: `metricTag`/`goal` first, then `additionalObjectives`.
    public var objectives: [ObjectiveMetric] {
        [ObjectiveMetric(metricTag: metricTag, goal: goal)] + (additionalObjectives ?? [])
    }

    /// Several objectives: the job's result is a Pareto front.
    public var isMultiObjective: Bool { !(additionalObjectives ?? []).isEmpty }

    /// The safety metrics (none when the config has no `safetyConfig`).
    public var safety: [SafetyMetric] { safetyMetrics ?? [] }

    /// What the job optimizes, for `tune status` and `tune validate`: `MAXIMIZE acc`, or
    /// `Pareto front of acc (MAXIMIZE), latency_ms (MINIMIZE)`, with its safety bounds.
    public var objectiveDescription: String {
        var text =
            isMultiObjective
            ? "Pareto front of " + objectives.map { "\($0.metricTag) (\($0.goal.rawValue))" }.joined(separator: ", ")
            : "\(goal.rawValue) \(metricTag)"
        if !safety.isEmpty { text += "; safe when " + safety.map(\.boundText).joined(separator: " and ") }
        return text
    }

    /// Every tag the job defines (objectives, then safety metrics).
    public var definedMetricTags: [String] { objectives.map(\.metricTag) + safety.map(\.metricTag) }
}

extension TuningSpec {
    /// With several objectives or safety metrics, what the median rule and Hyperband go by: the
    /// first objective alone, since a trial's curve is compared at a step and there is no single
    /// "ahead" for several curves. A stopped trial keeps its other metrics as last reported.
    var stoppingNote: String? {
        guard isMultiObjective || !safety.isEmpty else { return nil }
        let rule: String
        if algorithm == .hyperband {
            rule = "Hyperband promotes"
        } else if enableTrialEarlyStopping {
            rule = "the median stopping rule stops"
        } else {
            return nil
        }
        let others = (objectives.dropFirst().map(\.metricTag) + safety.map(\.metricTag)).joined(separator: ", ")
        return "\(rule) trials by the first objective, \(metricTag), alone; \(others) count only once a trial ends (Pareto front, safety)"
    }
}
