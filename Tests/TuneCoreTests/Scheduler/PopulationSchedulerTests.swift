import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// PBT's decisions against an oracle: a population whose every interval's value is set by the
/// test, so who exploits, whom they copy, and what they train with next are known.
@Suite("PBT: exploit, explore, lineage", .limitedParallelism)
struct PopulationSchedulerTests {
    static func spec(size: Int = 4, quantile: Double = 0.25, resample: Double = 0.25, params: [ParameterSpec]? = nil) -> TuningSpec {
        var spec = TuningSpec(
            goal: .maximize, metricTag: "acc", maxTrials: 100, maxParallelTrials: 4, algorithm: .pbt,
            params: params ?? [
                ParameterSpec(name: "lr", domain: .double(min: 1e-4, max: 1, scale: .log)),
                ParameterSpec(name: "opt", domain: .categorical(["sgd", "adam"])),
            ])
        spec.population = PopulationSpec(
            resourceParameter: "epochs", maxResource: 9, perturbationInterval: 3, populationSize: size, quantileFraction: quantile,
            resampleProbability: resample)
        return spec
    }

    /// Runs the scheduler as the loop does, finishing each run at once with the value `value(member, interval)`
    /// (nil: the interval fails), until it has nothing to start.
    static func population(
        _ spec: TuningSpec, seed: UInt64 = 1, value: (Int, Int) -> Double?
    ) -> (builder: JobBuilder, runs: [ScheduledRun]) {
        var builder = JobBuilder(spec: spec)
        builder.job.header.seed = seed
        let scheduler = spec.makeScheduler()
        let strategy = RandomStrategy(spec: spec, seed: seed)
        var runs: [ScheduledRun] = []
        while let run = scheduler.next(job: builder.job, strategy: strategy), runs.count < 200 {
            runs.append(run)
            let lineage = run.population!
            let result = value(lineage.member, lineage.interval)
            builder.trial(
                x: 0, values: result.map { [$0] } ?? [], state: result == nil ? .failed : .succeeded, population: lineage,
                parameters: run.assignment.textValues)
        }
        return (builder, runs)
    }

    @Test("each member's first interval is the strategy's trial of that number; the population runs every interval once")
    func firstGenerationAndWholePopulation() throws {
        let spec = Self.spec()
        let (builder, runs) = Self.population(spec) { member, interval in Double(member) / 10 + Double(interval) }
        let strategy = RandomStrategy(spec: spec, seed: 1)
        for member in 1...4 {
            #expect(runs[member - 1].assignment == strategy.propose(count: 1, firstTrialId: member, history: []).first)
            #expect(runs[member - 1].population == PopulationLineage(member: member, interval: 1, budget: 3))
        }
        #expect(runs.count == 12, "4 members × 3 intervals")
        #expect(builder.job.trials.map { $0.population!.budget } == [3, 3, 3, 3, 6, 6, 6, 6, 9, 9, 9, 9])
    }

    @Test("the bottom quantile continues from a top member's checkpoint with its values perturbed; the rest continue their own")
    func exploitTruncation() throws {
        // Member 4 best, member 1 worst, at every interval.
        let (builder, _) = Self.population(Self.spec(resample: 0)) { member, _ in Double(member) }
        let job = builder.job
        let first = job.trials.filter { $0.population!.interval == 1 }
        for trial in job.trials where trial.population!.interval == 2 {
            let lineage = trial.population!
            let own = first[lineage.member - 1]
            #expect(lineage.parent == own.id)
            if lineage.member == 1 {
                // ⌈4 · 0.25⌉ = 1: the worst copies the best.
                #expect(lineage.donor == first[3].id)
                #expect(lineage.startsFrom == first[3].id)
                let donorLR = Double(first[3].parameters["lr"]!)!
                let lr = Double(trial.parameters["lr"]!)!
                let factor = lr / donorLR
                #expect(abs(factor - 0.8) < 1e-9 || abs(factor - 1.2) < 1e-9, "lr \(donorLR) → \(lr)")
                #expect(trial.parameters["opt"] == first[3].parameters["opt"], "a categorical value moves only by resampling")
            } else {
                #expect(lineage.donor == nil)
                #expect(lineage.startsFrom == own.id)
                #expect(trial.parameters == own.parameters)
            }
        }
    }

    @Test("no member waits on itself: interval 2 starts only when every member has finished interval 1")
    func synchronousGenerations() throws {
        let spec = Self.spec()
        var builder = JobBuilder(spec: spec)
        let scheduler = spec.makeScheduler()
        let strategy = RandomStrategy(spec: spec, seed: 1)
        var running: [Int] = []
        for _ in 1...4 {
            let run = try #require(scheduler.next(job: builder.job, strategy: strategy))
            running.append(builder.started(x: 0, population: run.population, parameters: run.assignment.textValues))
        }
        #expect(scheduler.next(job: builder.job, strategy: strategy) == nil, "all 4 members are running interval 1")
        for (index, id) in running.prefix(3).enumerated() {
            builder.job.apply(.metrics(trial: id, readings: [MetricReading(tag: "acc", value: Double(index), step: 3, source: .stdout)]))
            builder.job.apply(
                .trialFinished(
                    TrialOutcome(trial: id, state: .succeeded, time: JobBuilder.start, finalMetric: MetricReading(tag: "acc", value: Double(index), step: 3, source: .stdout))))
        }
        #expect(scheduler.next(job: builder.job, strategy: strategy) == nil, "member 4 has not finished interval 1")
        builder.job.apply(.trialFinished(TrialOutcome(trial: running[3], state: .failed, time: JobBuilder.start, reason: "boom")))
        let next = try #require(scheduler.next(job: builder.job, strategy: strategy))
        #expect(next.population?.interval == 2)
    }

    @Test("a failed interval ranks last; every member whose interval failed exploits, even beyond the bottom quantile, and none donates")
    func failedMemberExploits() throws {
        // 8 members, quantile 0.25: 2 exploit. Members 3, 5 and 6 fail interval 1.
        let (builder, _) = Self.population(Self.spec(size: 8)) { member, interval in
            [3, 5, 6].contains(member) && interval == 1 ? nil : Double(member)
        }
        let second = builder.job.trials.filter { $0.population!.interval == 2 }
        let exploiting = Set(second.filter { $0.population!.donor != nil }.map { $0.population!.member })
        #expect(exploiting == [3, 5, 6], "the three failed members; the worst with a value, member 1, is above them")
        // One failure: it takes one of the two bottom places, the worst with a value the other.
        let (one, _) = Self.population(Self.spec(size: 8)) { member, interval in member == 5 && interval == 1 ? nil : Double(member) }
        let oneSecond = one.job.trials.filter { $0.population!.interval == 2 }
        #expect(Set(oneSecond.filter { $0.population!.donor != nil }.map { $0.population!.member }) == [1, 5])
        let first = builder.job.trials.filter { $0.population!.interval == 1 }
        let donors = Set(second.compactMap { $0.population!.donor })
        #expect(donors.isSubset(of: [first[7].id, first[6].id]), "only the top quarter (members 8 and 7) donates")
    }

    @Test("over many seeds, a donor is never the member itself, always in the top quantile, and always finished", arguments: [2, 5, 9])
    func neverSelfNeverRunning(size: Int) throws {
        for seed in UInt64(1)...20 {
            var values: [Int: Double] = [:]
            let (builder, _) = Self.population(Self.spec(size: size, quantile: 0.5), seed: seed) { member, interval in
                let value = Double((member * 7 + interval * 13 + Int(seed)) % 11)
                values[member * 100 + interval] = value
                return value
            }
            let job = builder.job
            for trial in job.trials {
                guard let lineage = trial.population, let donorId = lineage.donor else { continue }
                let donor = try #require(job.trial(donorId))
                #expect(donor.population!.member != lineage.member)
                #expect(donor.population!.interval == lineage.interval - 1)
                #expect(donor.state == .succeeded)
                #expect(donor.id < trial.id, "a donor finished before the trial that copies it was made")
                let generation = job.trials.filter { $0.population!.interval == lineage.interval - 1 }.compactMap { $0.finalMetric?.value }
                let donorValue = donor.finalMetric!.value
                #expect(
                    generation.filter { $0 > donorValue }.count
                        < PopulationSpec(resourceParameter: "e", maxResource: 9, perturbationInterval: 3, populationSize: size, quantileFraction: 0.5).quantileCount)
            }
        }
    }

    @Test("the same journal gives the same population; a different seed, different moves")
    func deterministic() {
        let value: (Int, Int) -> Double? = { member, interval in Double((member * 3 + interval) % 5) }
        let a = Self.population(Self.spec(size: 6), seed: 4, value: value).runs
        let b = Self.population(Self.spec(size: 6), seed: 4, value: value).runs
        let c = Self.population(Self.spec(size: 6), seed: 5, value: value).runs
        #expect(a == b)
        #expect(a != c)
    }

    @Test("the schedule of a trial follows the checkpoints it continued, across exploits")
    func scheduleFollowsCheckpoints() throws {
        let (builder, _) = Self.population(Self.spec()) { member, _ in Double(member) }
        let job = builder.job
        let exploited = try #require(job.trials.first { $0.population!.interval == 3 && $0.population!.donor != nil })
        let steps = job.schedule(of: exploited)
        #expect(steps.map(\.interval) == [1, 2, 3])
        #expect(steps.map(\.fromResource) == [0, 3, 6])
        #expect(steps.map(\.toResource) == [3, 6, 9])
        #expect(steps.last?.trial == exploited.id && steps.last?.exploited == true)
        #expect(steps[1].trial == exploited.population!.donor, "interval 2 of the schedule is the donor's")
        // The best trial is a last-interval trial, and its schedule is the job's best schedule.
        let best = try #require(job.bestSchedule)
        #expect(best.trial.population?.interval == 3)
        #expect(best.steps.count == 3)
    }

    @Test("checkpoints of a generation are spent once every member's next interval succeeded; the last interval's are kept")
    func spentCheckpoints() throws {
        let spec = Self.spec()
        let (builder, _) = Self.population(spec) { member, _ in Double(member) }
        let scheduler = spec.makeScheduler()
        let spent = Set(scheduler.spentCheckpoints(job: builder.job))
        let byInterval = Dictionary(grouping: builder.job.trials) { $0.population!.interval }.mapValues { Set($0.map(\.id)) }
        #expect(spent == byInterval[1]!.union(byInterval[2]!))
        // Halfway through interval 3, interval 2's checkpoints are still needed.
        var partial = JobBuilder(spec: spec)
        for trial in builder.job.trials where trial.population!.interval < 3 || trial.population!.member < 3 {
            partial.trial(x: 0, values: [trial.finalMetric!.value], population: trial.population, parameters: trial.parameters)
        }
        #expect(Set(scheduler.spentCheckpoints(job: partial.job)) == byInterval[1]!)
    }

    @Test("trials list grouped by member: the best member's latest interval first, its earlier intervals under it")
    func groupedByMember() {
        let (builder, _) = Self.population(Self.spec()) { member, interval in Double(member * 10 + interval) }
        let order = builder.job.trialsBestFirst.map { "\($0.population!.member)/\($0.population!.interval)" }
        #expect(order.prefix(3) == ["4/3", "4/2", "4/1"])
        #expect(Set(order.dropFirst(3).prefix(3).map { $0.split(separator: "/")[0] }).count == 1)
        #expect(order.count == 12)
    }
}

/// The explore step's moves on each kind of parameter.
@Suite("PBT: explore perturbs on the declared scale, within bounds", .limitedParallelism)
struct PopulationExploreTests {
    @Test func numericValuesMoveByTheFactorWithinBounds() {
        let log = ParameterSpec(name: "lr", domain: .double(min: 1e-4, max: 0.5, scale: .log))
        #expect(PopulationExplore.perturbed(.double(0.01), of: log, by: 1.2) == .double(0.012))
        #expect(PopulationExplore.perturbed(.double(0.45), of: log, by: 1.2) == .double(0.5), "clamped at the bound")
        let linear = ParameterSpec(name: "dropout", domain: .double(min: 0, max: 0.8, scale: .linear))
        #expect(PopulationExplore.perturbed(.double(0.5), of: linear, by: 0.8) == .double(0.4))
        if case .double(let x) = PopulationExplore.perturbed(.double(0), of: linear, by: 1.2) {
            #expect(abs(x - 0.16) < 1e-12, "a value at 0 moves by the factor's share of the range")
        } else {
            Issue.record("not a double")
        }
        let reverse = ParameterSpec(name: "momentum", domain: .double(min: 0.5, max: 0.999, scale: .reverseLog))
        if case .double(let x) = PopulationExplore.perturbed(.double(0.99), of: reverse, by: 1.2) {
            #expect(abs(x - (0.999 - 0.009 * 1.2)) < 1e-12, "the distance to the upper bound grows by the factor")
        } else {
            Issue.record("not a double")
        }
    }

    @Test func integersMoveByAtLeastOneAndDiscreteValuesToANeighbour() {
        let layers = ParameterSpec(name: "layers", domain: .integer(min: 1, max: 6, scale: .linear))
        #expect(PopulationExplore.perturbed(.integer(2), of: layers, by: 1.2) == .integer(3), "2 × 1.2 rounds to 2: it moves by one")
        #expect(PopulationExplore.perturbed(.integer(1), of: layers, by: 0.8) == .integer(1), "never below the bound")
        #expect(PopulationExplore.perturbed(.integer(5), of: layers, by: 1.2) == .integer(6))
        let batch = ParameterSpec(
            name: "batch", domain: .discrete([DiscreteValue(value: 16, text: "16"), DiscreteValue(value: 32, text: "32"), DiscreteValue(value: 64, text: "64")]))
        #expect(PopulationExplore.perturbed(.discrete(DiscreteValue(value: 32, text: "32")), of: batch, by: 1.2) == .discrete(DiscreteValue(value: 64, text: "64")))
        #expect(PopulationExplore.perturbed(.discrete(DiscreteValue(value: 16, text: "16")), of: batch, by: 0.8) == .discrete(DiscreteValue(value: 16, text: "16")))
    }

    @Test("resampleProbability 1 draws every value afresh; 0 never changes a categorical value")
    func resampling() {
        let spec = PopulationSchedulerTests.spec(resample: 1)
        let donor = Assignment([("lr", .double(0.01)), ("opt", .categorical("sgd"))])
        var fresh = 0
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<200 {
            let moved = PopulationExplore.perturb(donor, spec: spec, population: spec.population!, generator: &generator)
            if moved["opt"] == .categorical("adam") { fresh += 1 }
            let lr = moved["lr"]!.number!
            #expect(lr >= 1e-4 && lr <= 1)
        }
        #expect(fresh > 60 && fresh < 140, "about half of 200 resamples pick adam: \(fresh)")
        let keep = PopulationSchedulerTests.spec(resample: 0)
        for _ in 0..<50 {
            #expect(PopulationExplore.perturb(donor, spec: keep, population: keep.population!, generator: &generator)["opt"] == .categorical("sgd"))
        }
    }
}
