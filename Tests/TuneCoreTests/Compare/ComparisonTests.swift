import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// `tune compare`'s arithmetic: best so far, the target of "trials to reach", what counts.
@Suite("Job comparison", .limitedParallelism)
struct ComparisonTests {
    /// A job named `id` whose trials 1, 2, … end with these values (nil: the trial failed).
    static func job(_ id: String, _ values: [Double?], goal: Goal = .maximize, tag: String = "acc") -> JobRecord {
        var builder = JobBuilder(spec: TuningSpec(goal: goal, metricTag: tag, maxTrials: max(values.count, 1)))
        builder.job.header.id = id
        for value in values {
            if let value { builder.trial(x: 0.5, values: [value]) } else { builder.trial(x: 0.5, values: [], state: .failed) }
        }
        builder.job.state = .succeeded
        return builder.job
    }

    static func curve(_ values: [Double], goal: Goal) -> BestSoFar {
        BestSoFar(goal: goal, values: values.enumerated().map { (trial: $0 + 1, value: $1) })
    }

    @Test func bestSoFarStepsOnlyWhenStrictlyBetter() {
        let up = Self.curve([0.5, 0.4, 0.5, 0.7, .nan, 0.6, 0.9], goal: .maximize)
        #expect(up.steps == [.init(trial: 1, value: 0.5), .init(trial: 4, value: 0.7), .init(trial: 7, value: 0.9)])
        let down = Self.curve([3, 4, -1, .infinity, -1, -2], goal: .minimize)
        #expect(down.steps == [.init(trial: 1, value: 3), .init(trial: 3, value: -1), .init(trial: 6, value: -2)])
        #expect(down.value(after: 4) == -1)
        #expect(down.value(after: 0) == nil)
    }

    @Test func maximizeTargetIsTheShareOfTheGapFromTheWorstFirstValue() throws {
        let a = Self.curve([0.5, 0.75, 1.0], goal: .maximize)
        let b = Self.curve([0.625, 0.875, 0.9375], goal: .maximize)
        let reach = try #require(ReachTarget(goal: .maximize, fraction: 0.95, firstValues: [0.5, 0.625], bestValues: [1.0, 0.9375]))
        #expect(reach.baseline == 0.5)
        #expect(reach.best == 1.0)
        #expect(abs(reach.target - 0.975) < 1e-12)
        #expect(reach.trialReaching(in: a) == 3)
        #expect(reach.trialReaching(in: b) == nil, "0.9375 is short of 0.975: never reached")
        let half = try #require(ReachTarget(goal: .maximize, fraction: 0.5, firstValues: [0.5, 0.625], bestValues: [1.0, 0.9375]))
        #expect(half.target == 0.75)
        #expect(half.trialReaching(in: a) == 2, "0.75 ≥ 0.75: the target reached exactly counts")
        #expect(half.trialReaching(in: b) == 2, "0.625 < 0.75 at trial 1")
    }

    @Test func minimizeWithNegativeValues() throws {
        let a = Self.curve([-1, -3, -5], goal: .minimize)
        let b = Self.curve([0, -4.9, -4.95], goal: .minimize)
        let reach = try #require(ReachTarget(goal: .minimize, fraction: 0.95, firstValues: [-1, 0], bestValues: [-5, -4.95]))
        #expect(reach.baseline == 0, "the worst first value when minimizing is the largest")
        #expect(reach.best == -5)
        #expect(abs(reach.target - -4.75) < 1e-12)
        #expect(reach.trialReaching(in: a) == 3)
        #expect(reach.trialReaching(in: b) == 2)
    }

    @Test func theWholeGapIsTheBestExactlyDespiteRounding() throws {
        // 0.1 + 1 × (0.3 − 0.1) is 0.30000000000000004 in doubles.
        let reach = try #require(ReachTarget(goal: .maximize, fraction: 1, firstValues: [0.1], bestValues: [0.3]))
        #expect(reach.target == 0.3)
        #expect(reach.trialReaching(in: Self.curve([0.1, 0.3], goal: .maximize)) == 2)
        let down = try #require(ReachTarget(goal: .minimize, fraction: 1, firstValues: [0.3], bestValues: [0.1]))
        #expect(down.target == 0.1)
    }

    @Test func noGapAndNoValues() throws {
        let flat = try #require(ReachTarget(goal: .maximize, fraction: 0.95, firstValues: [2, 2], bestValues: [2, 2]))
        #expect(flat.target == 2)
        #expect(flat.trialReaching(in: Self.curve([2, 2], goal: .maximize)) == 1)
        #expect(ReachTarget(goal: .maximize, fraction: 0.95, firstValues: [], bestValues: []) == nil)
    }

    @Test func failedTrialsCountInTrialNumbers() throws {
        let a = Self.job("a", [nil, 0.5, nil, 0.9])
        let b = Self.job("b", [0.2, 0.4])
        let comparison = try JobComparison(jobs: [a, b], fraction: 0.95)
        // Baseline 0.2 (b's first), best 0.9: target 0.865.
        #expect(comparison.entries.map(\.trialsToReach) == [4, nil])
        #expect(comparison.entries[0].curve.best == .init(trial: 4, value: 0.9))
        #expect(comparison.entries[0].trialsRun == 4)
        #expect(comparison.entries[0].succeeded == 2)
        #expect(comparison.overallBest?.entry.job.id == "a")
        #expect(comparison.notes.isEmpty, "\(comparison.notes)")
    }

    @Test func aJobWithoutValuesNeverReaches() throws {
        let comparison = try JobComparison(jobs: [Self.job("a", [nil, nil]), Self.job("b", [1, 2])], fraction: 0.95)
        #expect(comparison.entries[0].curve.best == nil)
        #expect(comparison.entries[0].trialsToReach == nil)
        #expect(comparison.entries[1].trialsToReach == 2)
    }

    @Test func differentObjectivesAreRefused() {
        #expect(throws: ComparisonError.self) { try JobComparison(jobs: [Self.job("a", [1]), Self.job("b", [1], tag: "loss")], fraction: 0.95) }
        #expect(throws: ComparisonError.self) { try JobComparison(jobs: [Self.job("a", [1]), Self.job("b", [1], goal: .minimize)], fraction: 0.95) }
        #expect(throws: ComparisonError.self) { try JobComparison(jobs: [Self.job("a", [1]), Self.job("a", [1])], fraction: 0.95) }
        do {
            _ = try JobComparison(jobs: [Self.job("a", [1]), Self.job("b", [1], tag: "loss")], fraction: 0.95)
        } catch {
            #expect(error.message.contains("acc") && error.message.contains("loss") && error.message.contains("different metrics"), "\(error)")
        }
    }

    @Test func differentSpacesAreANoteThatSaysWhatDiffers() throws {
        var a = Self.job("a", [1])
        var b = Self.job("b", [2])
        a.header.spec.params = [ParameterSpec(name: "x", domain: .double(min: 0, max: 1, scale: .linear))]
        b.header.spec.params = [ParameterSpec(name: "x", domain: .double(min: 0, max: 2, scale: .linear))]
        let widened = try JobComparison(jobs: [a, b], fraction: 0.95)
        #expect(widened.notes == ["the jobs search different spaces: x is defined differently (range, scale or values); their values are compared as they are"])
        b.header.spec.params.append(ParameterSpec(name: "y", domain: .integer(min: 1, max: 3, scale: .linear)))
        let more = try JobComparison(jobs: [a, b], fraction: 0.95)
        #expect(more.notes == ["the jobs search different spaces (a: x; b: x, y): their values are compared as they are"])
        let same = try JobComparison(jobs: [a, a.renamed("c")], fraction: 0.95)
        #expect(same.notes.isEmpty)
    }

    @Test func stoppedEarlyAndSmallerBudgetsDoNotCount() throws {
        var hyperband = JobBuilder(spec: TuningSpec(goal: .maximize, metricTag: "acc", maxTrials: 4))
        hyperband.job.header.id = "hb"
        hyperband.trial(x: 0.1, values: [0.99], placement: ResourcePlacement(configuration: 1, rung: 0, budget: 1))
        hyperband.trial(x: 0.2, values: [0.5], placement: ResourcePlacement(configuration: 2, rung: 1, budget: 9))
        hyperband.trial(x: 0.3, values: [0.98], stoppedEarly: true, placement: ResourcePlacement(configuration: 3, rung: 1, budget: 9))
        hyperband.trial(x: 0.4, values: [0.7], placement: ResourcePlacement(configuration: 4, rung: 1, budget: 9))
        let counted = JobComparison.countedValues(hyperband.job)
        #expect(counted.map(\.trial) == [2, 4])
        #expect(counted.map(\.value) == [0.5, 0.7])
    }

    @Test func theChartHasALineAndALegendEntryPerJob() throws {
        let comparison = try JobComparison(jobs: [Self.job("first", [0.1, 0.5, 0.9]), Self.job("second", [0.3, 0.4, 0.6, 0.7])], fraction: 0.95)
        let lines = ComparisonPlot.chart(comparison).render(width: 60, height: 14)
        #expect(lines.count == 14, "\(lines.joined(separator: "\n"))")
        let plot = lines.dropFirst().dropLast(4).joined(separator: "\n")
        #expect(plot.contains("*") && plot.contains("+"), "\(lines.joined(separator: "\n"))")
        let legend = lines.suffix(2).joined(separator: "\n")
        #expect(legend.contains("* first (best 0.9)") && legend.contains("+ second (best 0.7)"), "\(lines.joined(separator: "\n"))")
    }
}

extension JobRecord {
    fileprivate func renamed(_ id: String) -> JobRecord {
        var copy = self
        copy.header.id = id
        return copy
    }
}
