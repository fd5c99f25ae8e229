import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

private func schedulerSpec(algorithm: Algorithm = .random, earlyStopping: Bool = false) -> TuningSpec {
    var spec = TuningSpec(
        goal: .maximize, metricTag: "acc", maxTrials: 60, maxParallelTrials: 2, algorithm: algorithm,
        params: [ParameterSpec(name: "x", domain: .double(min: 0, max: 1, scale: .linear))],
        enableTrialEarlyStopping: earlyStopping)
    if algorithm == .hyperband { spec.hyperband = HyperbandSpec(resourceParameter: "epochs", maxResource: 27) }
    if algorithm == .pbt { spec.population = PopulationSpec(resourceParameter: "epochs", maxResource: 8, perturbationInterval: 2, populationSize: 4) }
    spec.earlyStopping = earlyStopping ? EarlyStoppingSpec(minTrials: 2, startStep: 2) : nil
    return spec
}

/// One scheduler, for the conformance suite: every scheduler tune has, and the worked example.
struct SchedulerCase: Sendable, CustomTestStringConvertible {
    var name: String
    var spec: TuningSpec
    /// Whether it may stop a trial that falls behind (so a trial far behind is stopped).
    var stops: Bool
    var make: @Sendable () -> any TrialScheduler

    var testDescription: String { name }

    static let all: [SchedulerCase] = [
        SchedulerCase(name: "full runs", spec: schedulerSpec(), stops: false) { schedulerSpec().makeScheduler() },
        SchedulerCase(name: "median stopping rule", spec: schedulerSpec(earlyStopping: true), stops: true) {
            schedulerSpec(earlyStopping: true).makeScheduler()
        },
        SchedulerCase(name: "asynchronous Hyperband", spec: schedulerSpec(algorithm: .hyperband), stops: false) {
            schedulerSpec(algorithm: .hyperband).makeScheduler()
        },
        SchedulerCase(name: "population-based training", spec: schedulerSpec(algorithm: .pbt), stops: false) {
            schedulerSpec(algorithm: .pbt).makeScheduler()
        },
        SchedulerCase(name: "floor (worked example)", spec: schedulerSpec(), stops: true) {
            FloorScheduler(metricTag: "acc", floor: 0.2, patience: 3)
        },
    ]
}

/// A job of `count` finished trials whose curves rise to 0.5…0.9, placed as the scheduler places them.
private func history(_ c: SchedulerCase, count: Int, scheduler: any TrialScheduler) -> JobBuilder {
    var builder = JobBuilder(spec: c.spec)
    let strategy = RandomStrategy(spec: c.spec, seed: 5)
    for index in 0..<count {
        let run = scheduler.next(job: builder.job, strategy: strategy)
        let final = 0.5 + 0.4 * Double(index % 5) / 4
        builder.trial(
            x: run?.assignment["x"]?.number ?? 0.5, values: [final * 0.5, final * 0.7, final * 0.9, final, final],
            placement: run?.placement, population: run?.population, parameters: run?.assignment.textValues)
    }
    return builder
}

@Suite("TrialScheduler conformance", .limitedParallelism)
struct SchedulerConformanceTests {
    @Test("the first run is the strategy's first point, in the space", arguments: SchedulerCase.all)
    func firstRun(c: SchedulerCase) throws {
        let strategy = RandomStrategy(spec: c.spec, seed: 3)
        let run = try #require(c.make().next(job: JobBuilder(spec: c.spec).job, strategy: strategy))
        #expect(run.assignment == strategy.propose(count: 1, firstTrialId: 1, history: []).first)
        #expect(Assignment(textValues: run.assignment.textValues, spec: c.spec) == run.assignment)
    }

    @Test("the same job gives the same decisions", arguments: SchedulerCase.all)
    func deterministic(c: SchedulerCase) {
        let builder = history(c, count: 12, scheduler: c.make())
        let strategy = RandomStrategy(spec: c.spec, seed: 3)
        var a = c.make()
        var b = c.make()
        a.learn(fromTrialsOf: builder.job)
        b.learn(fromTrialsOf: builder.job)
        #expect(a.next(job: builder.job, strategy: strategy) == b.next(job: builder.job, strategy: strategy))
    }

    @Test("rebuilt from the journal, it decides as the one that saw the trials end", arguments: SchedulerCase.all)
    func replayIsIncremental(c: SchedulerCase) {
        var live = c.make()
        var builder = JobBuilder(spec: c.spec)
        let strategy = RandomStrategy(spec: c.spec, seed: 8)
        for index in 0..<10 {
            let run = live.next(job: builder.job, strategy: strategy)
            let final = 0.3 + 0.06 * Double(index)
            let id = builder.trial(
                x: run?.assignment["x"]?.number ?? 0.5, values: [final / 2, final, final, final], placement: run?.placement, population: run?.population,
                parameters: run?.assignment.textValues)
            live.learn(from: builder.job.trial(id)!)
        }
        var rebuilt = c.make()
        rebuilt.learn(fromTrialsOf: builder.job)
        // A running trial far behind and one far ahead: the same verdicts either way.
        let behind = builder.started(x: 0.1)
        builder.report(behind, [0.01, 0.01, 0.01])
        let ahead = builder.started(x: 0.2)
        builder.report(ahead, [0.9, 0.95, 0.99])
        for id in [behind, ahead] {
            let trial = builder.job.trial(id)!
            #expect(live.stopReason(for: trial) == rebuilt.stopReason(for: trial))
            #expect(live.ranItsCourse(trial) == rebuilt.ranItsCourse(trial))
        }
        #expect(live.next(job: builder.job, strategy: strategy) == rebuilt.next(job: builder.job, strategy: strategy))
        // Stopping is for trials behind: the one ahead runs on; the one behind stops where the scheduler stops trials.
        #expect(rebuilt.stopReason(for: builder.job.trial(ahead)!) == nil)
        #expect((rebuilt.stopReason(for: builder.job.trial(behind)!) != nil) == c.stops, "\(c.name)")
    }

    @Test("learning a trial twice changes nothing", arguments: SchedulerCase.all)
    func learningIsIdempotent(c: SchedulerCase) {
        var builder = history(c, count: 6, scheduler: c.make())
        var once = c.make()
        var twice = c.make()
        once.learn(fromTrialsOf: builder.job)
        twice.learn(fromTrialsOf: builder.job)
        twice.learn(fromTrialsOf: builder.job)
        let running = builder.started(x: 0.4)
        builder.report(running, [0.05, 0.05, 0.05])
        let trial = builder.job.trial(running)!
        #expect(once.stopReason(for: trial) == twice.stopReason(for: trial))
    }

    @Test("a trial that has reported nothing is never stopped", arguments: SchedulerCase.all)
    func silentTrialRuns(c: SchedulerCase) {
        var builder = history(c, count: 8, scheduler: c.make())
        var scheduler = c.make()
        scheduler.learn(fromTrialsOf: builder.job)
        let id = builder.started(x: 0.5)
        #expect(scheduler.stopReason(for: builder.job.trial(id)!) == nil)
    }

    @Test("what a trial gets beyond its hyperparameters follows its placement", arguments: SchedulerCase.all)
    func launchAdditions(c: SchedulerCase) {
        let builder = history(c, count: 6, scheduler: c.make())
        let scheduler = c.make()
        for trial in builder.job.trials {
            let additions = scheduler.launchAdditions(for: trial)
            if let placement = trial.placement {
                #expect(additions.flags == ["--epochs=\(placement.budget)"])
                #expect(additions.environment["TUNE_RESOURCE"] == String(placement.budget))
            } else if let lineage = trial.population {
                #expect(additions.flags == ["--epochs=\(lineage.budget)"])
                #expect(additions.environment["TUNE_MEMBER"] == String(lineage.member))
                #expect(additions.checkpointFrom == lineage.startsFrom)
            } else {
                #expect(additions == LaunchAdditions())
            }
        }
    }

    @Test("a spent space ends the job: no run once the strategy has nothing left", arguments: SchedulerCase.all.filter { $0.spec.algorithm != .hyperband })
    func spentSpace(c: SchedulerCase) {
        let builder = history(c, count: 3, scheduler: c.make())
        let spent = FixedStrategy(points: [])
        #expect(c.make().next(job: builder.job, strategy: spent) == nil)
    }
}
