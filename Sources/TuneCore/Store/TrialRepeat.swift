/// A trial that runs an earlier trial's configuration again with another seed (`tune confirm`):
/// journaled on its `trial_created` event as `"repeat": {"of": 3, "seed": 2}` (format 5).
public struct TrialRepeat: Sendable, Equatable, Codable {
    /// The trial whose parameters it runs again.
    public var of: Int
    /// Passed as `TUNE_SEED` (and as `seedFlag`, when set): 1, 2, … for a configuration's repeats.
    public var seed: Int
    /// The trainer's own seed parameter (`--seed-flag seed`): the seed is delivered under this name
    /// in the job's parameter style, beside the trial's parameters.
    public var seedFlag: String?

    public init(of original: Int, seed: Int, seedFlag: String? = nil) {
        self.of = original
        self.seed = seed
        self.seedFlag = seedFlag
    }
}
