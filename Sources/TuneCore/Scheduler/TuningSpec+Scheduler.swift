extension TuningSpec {
    /// The scheduler the config asks for: Hyperband, PBT, the median stopping rule, or full runs.
    public func makeScheduler() -> any TrialScheduler {
        if algorithm == .hyperband {
            return HyperbandScheduler(spec: self, resource: hyperband ?? HyperbandSpec(resourceParameter: "epochs", maxResource: 27))
        }
        if algorithm == .pbt, let population {
            return PopulationScheduler(spec: self, population: population)
        }
        if let rule = earlyStoppingRule {
            return MedianStopping(rule: rule, goal: goal, metricTag: metricTag)
        }
        return FullRuns()
    }
}
