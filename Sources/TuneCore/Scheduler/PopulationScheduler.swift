/// Population-based training (tune extension, `algorithm: PBT`; Jaderberg et al. 2017), with
/// synchronous generations: every member trains interval 1 (`--epochs=<interval>`), and once the
/// whole population has finished an interval each member's next interval is decided from those
/// results alone:
/// - **exploit** (truncation selection): the bottom `quantileCount` members — and any member whose
///   interval failed or reported no value — continue from a copy of the checkpoint of a member of
///   the top `quantileCount`, drawn at random;
/// - **explore**: with the donor's hyperparameters perturbed (`PopulationExplore`);
/// - the others continue their own checkpoint with their own hyperparameters.
///
/// Every interval is a trial with its `PopulationLineage` (member, interval, parent, donor) and its
/// own checkpoint folder, which tune fills with a copy of the folder of the trial it starts from
/// before every attempt (`LaunchAdditions.checkpointFrom`). A donor's folder is therefore a finished
/// interval's and is never written while it is copied, and a member never copies itself (the two
/// quantiles never overlap). Waiting for the whole generation makes every decision a function of
/// finished results alone, so the population is the same whatever the timing or the parallelism,
/// and a resumed job decides as the first run would (resume is replay); it costs idle slots while
/// the slowest member of a generation finishes.
///
/// The first interval's hyperparameters are the job's strategy's (random search, with the
/// config's default point first): member k gets the strategy's trial k.
public struct PopulationScheduler: TrialScheduler {
    public let spec: TuningSpec
    public let population: PopulationSpec

    public init(spec: TuningSpec, population: PopulationSpec) {
        self.spec = spec
        self.population = population
    }

    public func describe(strategy: String) -> String {
        "population-based training (\(population.populationSize) members, \(population.intervals) intervals of \(population.perturbationInterval) \(population.resourceParameter))"
    }

    /// `--<resource>=<budget>`, the member and interval in the environment, and the checkpoint to start from.
    public func launchAdditions(for trial: TrialRecord) -> LaunchAdditions {
        guard let lineage = trial.population else { return LaunchAdditions() }
        return LaunchAdditions(
            flags: ["--\(population.resourceParameter)=\(lineage.budget)"],
            environment: [
                "TUNE_RESOURCE": String(lineage.budget), "TUNE_MEMBER": String(lineage.member), "TUNE_INTERVAL": String(lineage.interval),
            ],
            checkpointFrom: lineage.startsFrom)
    }

    public func next(job: JobRecord, strategy: any SearchStrategy) -> ScheduledRun? {
        let members = job.populationMembers
        if let newcomer = (1...population.populationSize).first(where: { members[$0] == nil }) {
            return firstInterval(of: newcomer, members: members, strategy: strategy)
        }
        // Each generation is gathered and ranked once per call, however many members wait on it.
        var finished: [Int: (trials: [TrialRecord], plan: ExploitPlan)] = [:]
        var unfinished = Set<Int>()
        for member in 1...population.populationSize {
            guard let latest = members[member]?.last, let interval = latest.population?.interval, interval < population.intervals,
                !unfinished.contains(interval)
            else { continue }
            if finished[interval] == nil {
                guard let generation = Self.generation(interval, of: members, size: population.populationSize) else {
                    unfinished.insert(interval)
                    continue
                }
                finished[interval] = (generation, exploitPlan(generation))
            }
            let (generation, plan) = finished[interval]!
            if let decision = nextInterval(of: member, after: interval, generation: generation, plan: plan, seed: job.header.seed) { return decision }
        }
        return nil
    }

    /// Member `member`'s first interval: the strategy's proposal for trial `member`, beside the
    /// members already drawn (as pending points, so a model-based strategy spreads them).
    func firstInterval(of member: Int, members: [Int: [TrialRecord]], strategy: any SearchStrategy) -> ScheduledRun? {
        var history: [TrialObservation] = []
        for other in members.keys.sorted() {
            guard let first = members[other]?.first, let assignment = first.assignment else { continue }
            history.append(TrialObservation(trialId: other, assignment: assignment, state: .running))
        }
        guard let assignment = strategy.propose(count: 1, firstTrialId: member, history: history).first else { return nil }
        return ScheduledRun(assignment: assignment, population: PopulationLineage(member: member, interval: 1, budget: population.budget(atInterval: 1)))
    }

    /// Member `member`'s interval `interval + 1`, from the finished `generation` of interval `interval` and its `plan`.
    func nextInterval(of member: Int, after interval: Int, generation: [TrialRecord], plan: ExploitPlan, seed: UInt64) -> ScheduledRun? {
        let own = generation[member - 1]
        let lineage = PopulationLineage(member: member, interval: interval + 1, budget: population.budget(atInterval: interval + 1), parent: own.id)
        guard plan.exploiters.contains(member), !plan.donors.isEmpty else {
            guard let assignment = own.assignment else { return nil }
            return ScheduledRun(assignment: assignment, population: lineage)
        }
        var generator = SeededGenerator(seed: seed, stream: UInt64(member) << 32 | UInt64(interval))
        let donor = generation[plan.donors[min(Int(generator.nextUnit() * Double(plan.donors.count)), plan.donors.count - 1)] - 1]
        guard let donorAssignment = donor.assignment else { return nil }
        let assignment = PopulationExplore.perturb(donorAssignment, spec: spec, population: population, generator: &generator)
        var exploiting = lineage
        exploiting.donor = donor.id
        return ScheduledRun(assignment: assignment, population: exploiting)
    }

    /// Interval `interval`'s trial of every member, by member, when all of them have finished
    /// (succeeded or failed); nil while one is missing, running, or waiting to run again.
    static func generation(_ interval: Int, of members: [Int: [TrialRecord]], size: Int) -> [TrialRecord]? {
        var trials: [TrialRecord] = []
        for member in 1...size {
            guard let trial = members[member]?.first(where: { $0.population?.interval == interval }),
                trial.state == .succeeded || trial.state == .failed
            else { return nil }
            trials.append(trial)
        }
        return trials
    }

    /// Who exploits after a generation and whom they may copy: the members ranked by the value
    /// their interval ended with (failed or valueless ones last, ties by member), the bottom
    /// `quantileCount` and every valueless member exploit; the top `quantileCount` with a value donate.
    func exploitPlan(_ generation: [TrialRecord]) -> ExploitPlan {
        let goal = spec.goal
        let ranked = generation.sorted { a, b in
            goal.ranksFirst(Self.value(a), Self.value(b)) ?? (a.population!.member < b.population!.member)
        }
        let count = population.quantileCount
        let donors = ranked.prefix(count).filter { Self.value($0) != nil }.map { $0.population!.member }
        var exploiters = Set(ranked.suffix(count).map { $0.population!.member })
        for trial in ranked where Self.value(trial) == nil { exploiters.insert(trial.population!.member) }
        exploiters.subtract(donors)
        return (exploiters, donors)
    }

    /// The members that exploit after a generation, and those they may copy (best first).
    typealias ExploitPlan = (exploiters: Set<Int>, donors: [Int])

    static func value(_ trial: TrialRecord) -> Double? {
        guard trial.state == .succeeded, let value = trial.finalMetric?.value, value.isFinite else { return nil }
        return value
    }

    /// Checkpoints of intervals every member has moved past: once each member's next interval has
    /// succeeded, nothing starts from that generation again. The last interval's are kept (they
    /// are the population's models, for `tune collect`).
    public func spentCheckpoints(job: JobRecord) -> [Int] {
        let members = job.populationMembers
        var spent: [Int] = []
        for interval in 1..<max(population.intervals, 1) {
            var next = 0
            for member in 1...population.populationSize where members[member]?.contains(where: { $0.population?.interval == interval + 1 && $0.state == .succeeded }) == true {
                next += 1
            }
            guard next == population.populationSize else { break }
            for member in 1...population.populationSize {
                if let trial = members[member]?.first(where: { $0.population?.interval == interval }) { spent.append(trial.id) }
            }
        }
        return spent
    }
}
