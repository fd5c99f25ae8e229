/// tune extension, `hyperbandSampler:` beside `algorithm: HYPERBAND`: where Hyperband's new
/// configurations come from. Hyperband decides how long each configuration runs; the sampler
/// decides which configurations it gets to run.
public enum HyperbandSampler: String, Sendable, Codable, CaseIterable {
    /// BOHB's rule (Falkner et al., "BOHB: Robust and Efficient Hyperparameter Optimization at
    /// Scale", 2018), with tune's Gaussian process in place of BOHB's density estimator: a new
    /// configuration is the GP's proposal, fitted on the results of the highest rung that has
    /// enough of them, except a fixed share that stays random (`HyperbandModelStrategy`). The
    /// default of a config that names no sampler.
    case model = "MODEL"
    /// Random search's points, as every Hyperband job before the sampler existed drew them (and
    /// as a job whose journal holds no sampler still does, so resuming it replays it).
    case random = "RANDOM"
}
