import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

private let start = JobBuilder.start

private func spec(earlyStopping: Bool = true, hyperband: HyperbandSpec? = nil) -> TuningSpec {
    var spec = TuningSpec(
        goal: .maximize, metricTag: "acc", maxTrials: 50, maxParallelTrials: 2,
        algorithm: hyperband == nil ? .random : .hyperband,
        params: [ParameterSpec(name: "x", domain: .double(min: 0, max: 1, scale: .linear))],
        enableTrialEarlyStopping: earlyStopping)
    spec.hyperband = hyperband
    return spec
}

@Suite("Median stopping rule", .limitedParallelism)
struct MedianStoppingRuleTests {
    static func readings(_ values: [Double]) -> [MetricReading] {
        values.enumerated().map { MetricReading(tag: "acc", value: $1, step: $0 + 1, source: .stdout) }
    }

    static func completed(_ curves: [[Double]]) -> CompletedCurves {
        var builder = JobBuilder(spec: spec())
        for values in curves { builder.trial(x: 0.5, values: values) }
        return CompletedCurves(job: builder.job)
    }

    @Test func stopsATrialBehindTheMedianOfRunningAverages() {
        // Running averages at step 4: 0.55, 0.65, 0.75 → median 0.65.
        let completed = Self.completed([[0.4, 0.5, 0.6, 0.7, 0.8], [0.5, 0.6, 0.7, 0.8, 0.9], [0.6, 0.7, 0.8, 0.9, 0.95]])
        let rule = EarlyStoppingSpec(minTrials: 3, startStep: 4)
        let behind = MedianStoppingRule.verdict(readings: Self.readings([0.3, 0.4, 0.5, 0.6]), completed: completed, rule: rule, goal: .maximize)
        #expect(behind?.contains("stopped early at step 4") == true, "\(behind ?? "nil")")
        #expect(behind?.contains("median 0.65") == true, "\(behind ?? "nil")")
        // Its best so far (0.66) beats the median: it runs on, however low its average is.
        let ahead = MedianStoppingRule.verdict(readings: Self.readings([0.1, 0.1, 0.1, 0.66]), completed: completed, rule: rule, goal: .maximize)
        #expect(ahead == nil)
        // Equal to the median is not strictly worse.
        #expect(MedianStoppingRule.verdict(readings: Self.readings([0.6, 0.65, 0.6, 0.6]), completed: completed, rule: rule, goal: .maximize) == nil)
    }

    @Test func waitsForMinTrialsAndStartStep() {
        let two = Self.completed([[0.9, 0.9, 0.9, 0.9, 0.9], [0.9, 0.9, 0.9, 0.9, 0.9]])
        let bad = Self.readings([0.1, 0.1, 0.1, 0.1])
        #expect(MedianStoppingRule.verdict(readings: bad, completed: two, rule: EarlyStoppingSpec(minTrials: 3, startStep: 1), goal: .maximize) == nil)
        #expect(MedianStoppingRule.verdict(readings: bad, completed: two, rule: EarlyStoppingSpec(minTrials: 2, startStep: 1), goal: .maximize) != nil)
        #expect(MedianStoppingRule.verdict(readings: Array(bad.prefix(3)), completed: two, rule: EarlyStoppingSpec(minTrials: 2, startStep: 4), goal: .maximize) == nil)
    }

    /// A stop needs a later step to be possible: never at or after the step where the completed
    /// trials typically ended (the median of their last steps), so a single-report trainer, whose
    /// one report is its last, is never cut while it saves its model.
    @Test func neverAtOrAfterTheStepTheCompletedTrialsEndedAt() {
        let rule = EarlyStoppingSpec(minTrials: 1, startStep: 0)
        // Trainers that report once, at step 1000.
        let once = Self.completedAt(step: 1000, [[0.9], [0.8], [0.85]])
        #expect(once.typicalLastStep == 1000)
        let single = [MetricReading(tag: "acc", value: 0.1, step: 1000, source: .hypertune)]
        #expect(MedianStoppingRule.verdict(readings: single, completed: once, rule: rule, goal: .maximize) == nil)
        // A single report whose step is the trial's own number of epochs (a tuned parameter):
        // one report is all a trial makes, whatever its step.
        var builder = JobBuilder(spec: spec())
        for (step, value) in [(50, 0.9), (120, 0.8), (250, 0.85)] { builder.trial(x: 0.5, values: [value], steps: [step]) }
        let mixedEnds = CompletedCurves(job: builder.job)
        #expect(mixedEnds.typicalLastStep == 120 && mixedEnds.typicalReports == 1)
        let early = [MetricReading(tag: "acc", value: 0.1, step: 80, source: .hypertune)]
        #expect(
            MedianStoppingRule.verdict(readings: early, completed: mixedEnds, rule: rule, goal: .maximize) == nil,
            "its only report, at step 80 of its 80 epochs")
        // Curves of 5 steps: a bad trial is stopped at step 4, not at 5 or later.
        let five = Self.completed([[0.9, 0.9, 0.9, 0.9, 0.9], [0.8, 0.8, 0.8, 0.8, 0.8], [0.7, 0.7, 0.7, 0.7, 0.7]])
        let verdict = MedianStoppingRule.verdict(readings: Self.readings([0.1, 0.1, 0.1, 0.1]), completed: five, rule: rule, goal: .maximize)
        #expect(verdict?.contains("stopped early at step 4 (completed trials ran to step 5)") == true, "\(verdict ?? "nil")")
        #expect(MedianStoppingRule.verdict(readings: Self.readings([0.1, 0.1, 0.1, 0.1, 0.1]), completed: five, rule: rule, goal: .maximize) == nil)
        #expect(MedianStoppingRule.verdict(readings: Self.readings(Array(repeating: 0.1, count: 7)), completed: five, rule: rule, goal: .maximize) == nil)
        // The median end, not the longest: one long curve among short ones does not open later steps.
        let mixed = Self.completed([[0.9, 0.9], [0.9, 0.9], [0.9, 0.9, 0.9, 0.9, 0.9, 0.9]])
        #expect(mixed.typicalLastStep == 2)
        #expect(MedianStoppingRule.verdict(readings: Self.readings([0.1, 0.1, 0.1]), completed: mixed, rule: rule, goal: .maximize) == nil)
    }

    static func completedAt(step: Int, _ curves: [[Double]]) -> CompletedCurves {
        var builder = JobBuilder(spec: spec())
        for values in curves { builder.trial(x: 0.5, values: values, steps: values.map { _ in step }) }
        return CompletedCurves(job: builder.job)
    }

    @Test func minimizingAndNaN() {
        let completed = Self.completed([[1.0, 0.8, 0.6], [1.0, 0.7, 0.5], [0.9, 0.6, 0.4]])
        let rule = EarlyStoppingSpec(minTrials: 3, startStep: 2)
        // Loss: higher is worse.
        #expect(MedianStoppingRule.verdict(readings: Self.readings([2.0, 1.5]), completed: completed, rule: rule, goal: .minimize) != nil)
        #expect(MedianStoppingRule.verdict(readings: Self.readings([0.5, 0.4]), completed: completed, rule: rule, goal: .minimize) == nil)
        // A curve that diverged to NaN is stopped.
        let diverged = MedianStoppingRule.verdict(readings: Self.readings([.nan, .nan]), completed: completed, rule: rule, goal: .minimize)
        #expect(diverged?.contains("nan") == true, "\(diverged ?? "nil")")
    }

    @Test func completedCurvesLeaveOutStoppedAndFailedTrials() {
        var builder = JobBuilder(spec: spec())
        builder.trial(x: 0.1, values: [0.5, 0.6])
        builder.trial(x: 0.2, values: [0.1], stoppedEarly: true)
        builder.trial(x: 0.3, values: [0.2], state: .failed)
        #expect(CompletedCurves(job: builder.job).count == 1)
    }

    @Test func theSearchSeesAStoppedTrialByItsRankNotItsEarlyValue() throws {
        var builder = JobBuilder(spec: spec())
        // Finals 0.6, 0.7, 0.8, 0.9; at step 2 the running averages are 0.35, 0.45, 0.55, 0.65.
        for final in [0.6, 0.7, 0.8, 0.9] { builder.trial(x: final, values: [final - 0.3, final - 0.2, final - 0.1, final]) }
        // Stopped at step 2 with best 0.5: ahead of 2 of the 4 → the median final, 0.75 (not 0.5).
        let id = builder.trial(x: 0.05, values: [0.4, 0.5], stoppedEarly: true)
        let observation = try #require(builder.job.observations.first { $0.trialId == id })
        #expect(abs((observation.objective ?? 0) - 0.75) < 1e-12, "\(observation)")
        // Behind everyone: the worst final.
        let last = builder.trial(x: 0.06, values: [0.0, 0.01], stoppedEarly: true)
        #expect(builder.job.observations.first { $0.trialId == last }?.objective == 0.6)
    }

    @Test func savingsExtrapolateStoppedTrialsToTheFullCourse() throws {
        var builder = JobBuilder(spec: spec())
        for _ in 0..<3 { builder.trial(x: 0.5, values: Array(repeating: 0.5, count: 10), seconds: 10) }
        builder.trial(x: 0.1, values: [0.1, 0.1], stoppedEarly: true, seconds: 2)
        let savings = try #require(builder.job.trialTimeSavings)
        #expect(savings.used == 32)
        #expect(abs(savings.saved - 8) < 1e-9, "2 s for 2 of 10 steps: 8 s saved")
        #expect(JobBuilder(spec: spec(earlyStopping: false)).job.trialTimeSavings == nil)
    }
}

@Suite("Hyperband scheduler", .limitedParallelism)
struct HyperbandSchedulerTests {
    static let resource = HyperbandSpec(resourceParameter: "epochs", minResource: 1, maxResource: 27, reductionFactor: 3)

    /// Issue 16: ladders at and past a config's bounds (a spec read from an old or edited journal is
    /// not checked again) give budgets and brackets without trapping or listing a 10^12-long cycle.
    @Test(.timeLimit(.minutes(10))) func extremeLaddersNeitherTrapNorHang() {
        for (minimum, maximum, eta) in [(1, Int.max, 2), (1, Int.max, Int.max), (Int.max - 1, Int.max, 2), (1, 1_000_000_000_000, 2), (1, 1 << 62, 3)] {
            let resource = HyperbandSpec(resourceParameter: "e", minResource: minimum, maxResource: maximum, reductionFactor: eta)
            let budgets = resource.rungBudgets
            #expect(budgets.last == maximum && zip(budgets, budgets.dropFirst()).allSatisfy { $0 < $1 }, "\(budgets)")
            let scheduler = HyperbandScheduler(spec: TuningSpec(params: []), resource: resource)
            for configuration in [1, 2, 3, 10_000] {
                #expect((0..<max(budgets.count, 1)).contains(scheduler.bracket(ofConfiguration: configuration)))
            }
        }
        // The bracket of configuration k is entry k of the listed cycle, where the cycle is short enough to list.
        let scheduler = HyperbandScheduler(spec: TuningSpec(params: []), resource: Self.resource)
        let order = HyperbandScheduler.bracketOrder(rungs: 4, eta: 3)
        #expect((1...100).map { scheduler.bracket(ofConfiguration: $0) } == (1...100).map { order[($0 - 1) % order.count] })
    }

    @Test func rungBudgets() {
        #expect(Self.resource.rungBudgets == [1, 3, 9, 27])
        #expect(HyperbandSpec(resourceParameter: "e", minResource: 2, maxResource: 100, reductionFactor: 3).rungBudgets == [4, 11, 33, 100])
        #expect(HyperbandSpec(resourceParameter: "e", minResource: 1, maxResource: 8, reductionFactor: 2).rungBudgets == [1, 2, 4, 8])
    }

    @Test func bracketsFollowHyperbandsProportions() {
        // K = 3, η = 3: brackets starting at rungs 0…3 get ⌈4/4·27⌉, ⌈4/3·9⌉, ⌈4/2·3⌉, ⌈4/1·1⌉ = 27, 12, 6, 4.
        let order = HyperbandScheduler.bracketOrder(rungs: 4, eta: 3)
        #expect(order.count == 49)
        #expect((0...3).map { b in order.filter { $0 == b }.count } == [27, 12, 6, 4])
        // Interleaved: the first 10 already hold every bracket.
        #expect(Set(order.prefix(10)) == [0, 1, 2, 3])
        // hyperbandBrackets keeps the most aggressive ones: 2 → 27 and 12 of 39.
        let two = HyperbandScheduler.bracketOrder(rungs: 4, eta: 3, brackets: 2)
        #expect((0...1).map { b in two.filter { $0 == b }.count } == [27, 12])
        #expect(Set(HyperbandScheduler.bracketOrder(rungs: 4, eta: 3, brackets: 1)) == [0])
        #expect(Self.resource.bracketCount == 4)
        #expect(HyperbandSpec(resourceParameter: "e", maxResource: 27, brackets: 9).bracketCount == 4)
    }

    @Test func rungsAreSharedByTheBrackets() throws {
        let spec = spec(earlyStopping: false, hyperband: Self.resource)
        let scheduler = HyperbandScheduler(spec: spec, resource: Self.resource)
        var builder = JobBuilder(spec: spec)
        // Three configurations at rung 1 (budget 3): one promoted from rung 0, two that started there.
        let zero = (1...60).first { scheduler.bracket(ofConfiguration: $0) == 0 }!
        let ones = (1...60).filter { scheduler.bracket(ofConfiguration: $0) == 1 }.prefix(2)
        builder.trial(x: 0.1, values: [0.3], placement: ResourcePlacement(configuration: zero, rung: 0, budget: 1))
        builder.trial(x: 0.1, values: [0.5, 0.5, 0.5], placement: ResourcePlacement(configuration: zero, rung: 1, budget: 3))
        for (configuration, value) in zip(ones, [0.6, 0.9]) {
            builder.trial(x: value, values: [value, value, value], placement: ResourcePlacement(configuration: configuration, rung: 1, budget: 3))
        }
        // ⌊3/3⌋ = 1 of the rung's three goes on: the 0.9 one, whatever bracket it started in.
        let next = try #require(scheduler.promotion(job: builder.job))
        #expect(next.placement == ResourcePlacement(configuration: ones[ones.startIndex + 1], rung: 2, budget: 9))
    }

    @Test func promotesTheTopThirdOfARungThenStartsNewConfigurations() throws {
        let spec = spec(earlyStopping: false, hyperband: Self.resource)
        let scheduler = HyperbandScheduler(spec: spec, resource: Self.resource)
        let sampler = RandomStrategy(spec: spec, seed: 9)
        var builder = JobBuilder(spec: spec)
        // Six bracket-0 configurations completed at rung 0 (budget 1).
        let zeroes = (1...60).filter { scheduler.bracket(ofConfiguration: $0) == 0 }.prefix(6)
        let values = [0.2, 0.9, 0.4, 0.8, 0.1, 0.3]
        for (configuration, value) in zip(zeroes, values) {
            builder.trial(x: value, values: [value], placement: ResourcePlacement(configuration: configuration, rung: 0, budget: 1))
        }
        // ⌊6/3⌋ = 2 promotable: the 0.9 one first, then the 0.8 one, each to rung 1 with budget 3.
        let first = try #require(scheduler.next(job: builder.job, strategy: sampler))
        #expect(first.placement == ResourcePlacement(configuration: zeroes[zeroes.startIndex + 1], rung: 1, budget: 3))
        builder.trial(x: 0.9, values: [0.95, 0.95, 0.95], placement: first.placement)
        let second = try #require(scheduler.next(job: builder.job, strategy: sampler))
        #expect(second.placement == ResourcePlacement(configuration: zeroes[zeroes.startIndex + 3], rung: 1, budget: 3))
        builder.trial(x: 0.8, values: [0.85, 0.85, 0.85], placement: second.placement)
        // Nothing else promotable (rung 1 has 2 < 3 results): a new configuration, numbered next.
        let third = try #require(scheduler.next(job: builder.job, strategy: sampler))
        let used = builder.job.trials.compactMap { $0.placement?.configuration }.max()!
        let placement = try #require(third.placement)
        #expect(placement.configuration == used + 1)
        #expect(placement.rung == scheduler.bracket(ofConfiguration: used + 1))
        #expect(placement.budget == Self.resource.rungBudgets[placement.rung])
    }

    @Test func configurationKIsRandomSearchsTrialK() {
        let spec = spec(earlyStopping: false, hyperband: Self.resource)
        let scheduler = HyperbandScheduler(spec: spec, resource: Self.resource)
        let sampler = RandomStrategy(spec: spec, seed: 21)
        let random = sampler
        var builder = JobBuilder(spec: spec)
        for k in 1...5 {
            let run = scheduler.next(job: builder.job, strategy: sampler)!
            #expect(run.placement?.configuration == k)
            #expect(run.assignment == random.propose(count: 1, firstTrialId: k, history: []).first)
            builder.job.apply(.trialCreated(trial: k, parameters: run.assignment.textValues, time: start, placement: run.placement))
        }
    }
}
