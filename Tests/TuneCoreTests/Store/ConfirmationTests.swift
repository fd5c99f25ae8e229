import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// What a job makes of `tune confirm`'s repeats: ordering, statistics, the verdict, the budget,
/// and what a further confirm runs.
@Suite("Confirmation", .limitedParallelism)
struct ConfirmationTests {
    static func spec(goal: Goal = .maximize) -> TuningSpec {
        TuningSpec(
            goal: goal, metricTag: "acc", maxTrials: 4, maxParallelTrials: 1, algorithm: .random,
            params: [ParameterSpec(name: "x", domain: .double(min: 0, max: 1, scale: .linear))])
    }

    /// Repeats of `original` with these values (seeds 1, 2, …), `state` for each.
    static func addRepeats(_ builder: inout JobBuilder, of original: Int, _ values: [Double?], firstSeed: Int = 1) {
        let parameters = builder.job.trial(original)!.parameters
        for (index, value) in values.enumerated() {
            let id = builder.nextId
            builder.nextId += 1
            let time = JobBuilder.start.addingTimeInterval(Double(id) * 100)
            builder.job.apply(.trialCreated(trial: id, parameters: parameters, time: time, repeatOf: TrialRepeat(of: original, seed: firstSeed + index)))
            builder.job.apply(.trialStarted(trial: id, pid: 1, time: time))
            let reading = value.map { MetricReading(tag: "acc", value: $0, step: 1, source: .stdout) }
            builder.job.apply(.trialFinished(TrialOutcome(trial: id, state: value == nil ? .failed : .succeeded, time: time, finalMetric: reading)))
        }
    }

    @Test func confirmedConfigurationsRankFirstByTheirRepeatsAndRepeatsFollowTheirTrial() throws {
        var builder = JobBuilder(spec: Self.spec())
        builder.trial(x: 0.1, values: [0.95])  // 1: lucky first run
        builder.trial(x: 0.2, values: [0.93])  // 2
        builder.trial(x: 0.3, values: [0.97])  // 3: never confirmed
        builder.trial(x: 0.4, values: [0.5])  // 4
        Self.addRepeats(&builder, of: 1, [0.90, 0.91, 0.89])  // 5, 6, 7: mean 0.90
        Self.addRepeats(&builder, of: 2, [0.92, nil, 0.93])  // 8, 9 (failed), 10: mean 0.925
        let job = builder.job

        #expect(job.searchTrials.map(\.id) == [1, 2, 3, 4])
        #expect(job.trialsBestFirst.map(\.id) == [2, 8, 9, 10, 1, 5, 6, 7, 3, 4])
        #expect(job.bestTrial?.id == 2)
        // The strategy learns from the search alone; the budget counts it alone.
        #expect(job.observations.map(\.trialId) == [1, 2, 3, 4])
        #expect(job.trialsLeft.new == 0)

        let confirmations = job.confirmations
        #expect(confirmations.map(\.trial.id) == [2, 1])
        #expect(confirmations[0].values == [0.92, 0.93])
        #expect(confirmations[0].failed == 1)
        let verdict = try #require(job.confirmationVerdict)
        #expect(verdict.winner.trial.id == 2)
        #expect(verdict.isClear)
        #expect(verdict.text(metric: "acc").hasPrefix("trial 2's configuration: acc mean 0.925 ± 0.06353 (95% CI, 2 repeats); better than trial 1's (0.9)"))
    }

    @Test func withinTheNoiseTheVerdictSaysSo() throws {
        var builder = JobBuilder(spec: Self.spec(goal: .minimize))
        builder.trial(x: 0.1, values: [1.0])
        builder.trial(x: 0.2, values: [1.1])
        Self.addRepeats(&builder, of: 1, [1.3, 1.0, 1.2])  // mean 1.1667
        Self.addRepeats(&builder, of: 2, [1.2, 1.1, 1.1])  // mean 1.1333: the better, minimizing
        let verdict = try #require(builder.job.confirmationVerdict)
        #expect(verdict.winner.trial.id == 2)
        #expect(!verdict.isClear)
        let text = verdict.text(metric: "loss")
        #expect(text.contains("not distinguishable from trial 1's (1.167)"), "\(text)")
        #expect(text.contains("within the noise"), "\(text)")
        #expect(builder.job.trialsBestFirst.prefix(1).map(\.id) == [2])
    }

    @Test func aFurtherConfirmRunsInterruptedRepeatsAgainAndMakesUpFailedOnes() throws {
        var builder = JobBuilder(spec: Self.spec())
        builder.trial(x: 0.1, values: [0.9])
        builder.trial(x: 0.2, values: [0.8])
        builder.trial(x: 0.3, values: [0.7], stoppedEarly: true)
        Self.addRepeats(&builder, of: 1, [0.88, nil])  // seed 1 succeeded, seed 2 failed
        // Seed 3 was running when its tune died.
        let id = builder.nextId
        builder.job.apply(.trialCreated(trial: id, parameters: ["x": "0.1"], time: JobBuilder.start, repeatOf: TrialRepeat(of: 1, seed: 3, seedFlag: "seed")))
        builder.job.apply(.trialStarted(trial: id, pid: 1, time: JobBuilder.start))

        let plan = try builder.job.confirmationPlan(top: 3, repeats: 3, seedFlag: "seed")
        #expect(plan.again == [id])
        #expect(plan.new == [TrialRepeat(of: 1, seed: 4, seedFlag: "seed")] + (1...3).map { TrialRepeat(of: 2, seed: $0, seedFlag: "seed") })
        // The stopped-early trial is no candidate.
        #expect(builder.job.confirmationCandidates(top: 3).map(\.id) == [1, 2])
        #expect(try builder.job.confirmationPlan(top: 1, repeats: 1, seedFlag: nil).isEmpty)
    }

    @Test func hyperbandAndATemplateWithASeedFlagAreRefused() throws {
        var hyperband = Self.spec()
        hyperband.algorithm = .hyperband
        hyperband.hyperband = HyperbandSpec(resourceParameter: "epochs", minResource: 1, maxResource: 9)
        var builder = JobBuilder(spec: hyperband)
        builder.trial(x: 0.1, values: [0.9])
        #expect(throws: ConfirmationError.self) { try builder.job.confirmationPlan(top: 1, repeats: 2, seedFlag: nil) }

        var template = Self.spec()
        template.parameterStyle = .template
        var other = JobBuilder(spec: template)
        other.trial(x: 0.1, values: [0.9])
        #expect(throws: ConfirmationError.self) { try other.job.confirmationPlan(top: 1, repeats: 2, seedFlag: "seed") }
        #expect(try other.job.confirmationPlan(top: 1, repeats: 2, seedFlag: nil).new.count == 2)
    }
}
