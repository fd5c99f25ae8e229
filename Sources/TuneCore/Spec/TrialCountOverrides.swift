/// gcloud's trial counts for a Vertex AI tuning job, given on the command line as
/// `gcloud ai hp-tuning-jobs create` takes them (`--max-trial-count`, `--parallel-trial-count`,
/// `--max-failed-trial-count`); as with gcloud, a flag wins over the config file.
public struct TrialCountOverrides: Sendable, Equatable {
    public var maxTrialCount: Int?
    public var parallelTrialCount: Int?
    public var maxFailedTrialCount: Int?

    public init(maxTrialCount: Int? = nil, parallelTrialCount: Int? = nil, maxFailedTrialCount: Int? = nil) {
        self.maxTrialCount = maxTrialCount
        self.parallelTrialCount = parallelTrialCount
        self.maxFailedTrialCount = maxFailedTrialCount
    }

    /// `spec` with the counts given; a count out of its range is an error naming the flag.
    public func applied(to spec: TuningSpec) throws(TrialCountError) -> TuningSpec {
        var spec = spec
        if let count = maxTrialCount {
            try Self.check(count, "--max-trial-count", from: 1, bound: ConfigLimits.maxTrials)
            spec.maxTrials = count
        }
        if let count = parallelTrialCount {
            try Self.check(count, "--parallel-trial-count", from: 1, bound: ConfigLimits.maxParallelTrials)
            spec.maxParallelTrials = count
        }
        if let count = maxFailedTrialCount {
            try Self.check(count, "--max-failed-trial-count", from: 0, bound: ConfigLimits.maxTrials)
            // As in the config: 0 means the default (the job fails only when every trial failed).
            spec.maxFailedTrials = count == 0 ? nil : count
        }
        return spec
    }

    private static func check(_ value: Int, _ flag: String, from low: Int, bound: ConfigLimits.Bound) throws(TrialCountError) {
        guard value >= low, value <= bound.value else {
            throw TrialCountError(description: "\(flag) \(value): expected an integer from \(low) to \(bound.value)")
        }
    }
}

/// A trial count flag out of its range, said for a person.
public struct TrialCountError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
