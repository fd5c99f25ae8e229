/// Where a trial of a PBT job (`algorithm: PBT`) sits in its population: journaled on its
/// `trial_created` event as `"population": {"member": 3, "interval": 2, "budget": 6, "parent": 7, "donor": 5}`
/// (format 6). Each trial is one interval of one member's training.
public struct PopulationLineage: Sendable, Equatable, Codable {
    /// 1-based member of the population.
    public var member: Int
    /// 1-based interval: the trial trains from the previous interval's budget to `budget`.
    public var interval: Int
    /// The cumulative resource at the end of the interval (`--epochs=<budget>`).
    public var budget: Int
    /// The member's trial of the previous interval; nil for the first interval.
    public var parent: Int?
    /// When the member exploited: the better member's trial whose checkpoint it continues from and
    /// whose hyperparameters, perturbed, it trains with. nil when it continues its own training.
    public var donor: Int?

    public init(member: Int, interval: Int, budget: Int, parent: Int? = nil, donor: Int? = nil) {
        self.member = member
        self.interval = interval
        self.budget = budget
        self.parent = parent
        self.donor = donor
    }

    /// The trial whose checkpoint folder this one starts from: the donor's, else the parent's.
    public var startsFrom: Int? { donor ?? parent }
}
