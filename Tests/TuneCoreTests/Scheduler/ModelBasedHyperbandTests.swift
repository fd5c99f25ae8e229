import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// Hyperband over 1…27 epochs (η = 3) of one parameter x in [0, 1], maximized.
private func spec(sampler: HyperbandSampler? = .model) -> TuningSpec {
    var spec = TuningSpec(
        goal: .maximize, metricTag: "acc", maxTrials: 50, maxParallelTrials: 2, algorithm: .hyperband,
        params: [ParameterSpec(name: "x", domain: .double(min: 0, max: 1, scale: .linear))], enableTrialEarlyStopping: false)
    spec.hyperband = HyperbandSpec(resourceParameter: "epochs", maxResource: 27, sampler: sampler)
    return spec
}

/// An accuracy that peaks at x = 0.7.
private func accuracy(_ x: Double) -> Double { 0.9 - 2 * (x - 0.7) * (x - 0.7) }

@Suite("Model-based Hyperband (hyperbandSampler)", .limitedParallelism)
struct ModelBasedHyperbandTests {
    static let seed: UInt64 = 4

    /// The job's strategy and scheduler, as a run builds them.
    static func parts(_ spec: TuningSpec) -> (strategy: any SearchStrategy, scheduler: HyperbandScheduler) {
        (spec.makeStrategy(seed: seed).strategy, HyperbandScheduler(spec: spec, resource: spec.hyperband!))
    }

    /// Random search's point for configuration `configuration` of `job`: what RANDOM draws.
    static func randomPoint(_ job: JobRecord, configuration: Int) -> Assignment? {
        let scheduler = HyperbandScheduler(spec: job.spec, resource: job.spec.hyperband!)
        return RandomStrategy(spec: job.spec, seed: seed).propose(count: 1, firstTrialId: configuration, history: scheduler.configurationHistory(job: job)).first
    }

    /// Configurations 1…n completed at rung 0 (budget 1) at the given x, the best `inFlight` of
    /// them promoted and still running at rung 1 (so nothing is promotable).
    static func rungZero(_ xs: [Double], inFlight: Int = 0) -> JobBuilder {
        var builder = JobBuilder(spec: spec())
        for (index, x) in xs.enumerated() {
            builder.trial(x: x, values: [accuracy(x)], placement: ResourcePlacement(configuration: index + 1, rung: 0, budget: 1))
        }
        let best = xs.indices.sorted { accuracy(xs[$0]) > accuracy(xs[$1]) }.prefix(inFlight)
        for index in best { builder.started(x: xs[index], placement: ResourcePlacement(configuration: index + 1, rung: 1, budget: 3)) }
        return builder
    }

    @Test func newJobsDefaultToTheModelAndSayWhichRule() throws {
        let loaded = try parseConfig(
            "algorithm: HYPERBAND\nresourceParameter: epochs\nmaxResource: 27\nparams: [{parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}]\n")
        #expect(loaded.spec.hyperband?.sampler == .model, "recorded, not left implicit")
        let json = String(decoding: try JSONEncoder().encode(loaded.spec), as: UTF8.self)
        #expect(json.contains("\"sampler\":\"MODEL\""), "\(json)")
        let strategy = loaded.spec.makeStrategy(seed: 1).strategy
        #expect(strategy is HyperbandModelStrategy)
        let described = loaded.spec.makeScheduler().describe(strategy: strategy.name)
        #expect(described == "asynchronous Hyperband (model-based configurations: GP + EI on the highest rung with ≥ 3 results, 1 in 3 random)")
        let random = try parseConfig(
            "algorithm: HYPERBAND\nresourceParameter: epochs\nmaxResource: 27\nhyperbandSampler: RANDOM\nparams: [{parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}]\n")
        #expect(random.spec.makeStrategy(seed: 1).strategy is RandomStrategy)
    }

    /// A journal written before the key existed holds a spec without it: the job stays random.
    @Test func anOldJournalsSpecKeepsRandomConfigurations() throws {
        var old = spec(sampler: nil)
        let encoded = String(decoding: try JSONEncoder().encode(old), as: UTF8.self)
        #expect(!encoded.contains("sampler"))
        old = try JSONDecoder().decode(TuningSpec.self, from: Data(encoded.utf8))
        #expect(old.hyperband?.sampler == nil && old.hyperband?.configurationSampler == .random)
        let strategy = old.makeStrategy(seed: Self.seed).strategy
        #expect(strategy is RandomStrategy)
        #expect(old.makeScheduler().describe(strategy: strategy.name) == "asynchronous Hyperband (random configurations)")
        // Its next configuration, with a rung full of results, is still random search's.
        var builder = Self.rungZero([0.1, 0.3, 0.5, 0.65, 0.75, 0.9], inFlight: 2)
        builder.job.header.spec = old
        let next = try #require(HyperbandScheduler(spec: old, resource: old.hyperband!).next(job: builder.job, strategy: strategy))
        #expect(next.placement?.configuration == 7)
        #expect(next.assignment == Self.randomPoint(builder.job, configuration: 7))
    }

    @Test func randomUntilARungHasEnoughResults() throws {
        let (strategy, scheduler) = Self.parts(spec())
        // d = 1: the GP waits for d + 2 = 3 results at one rung.
        #expect(HyperbandModelStrategy.minimumResults(spec: spec()) == 3)
        let builder = Self.rungZero([0.2, 0.8])
        #expect(scheduler.modelRung(results: scheduler.rungResults(job: builder.job)) == nil)
        let next = try #require(scheduler.next(job: builder.job, strategy: strategy))
        #expect(next.placement?.configuration == 3)
        #expect(next.assignment == Self.randomPoint(builder.job, configuration: 3))
    }

    @Test func withEnoughResultsTheGPProposesNearTheGoodRegion() throws {
        let (strategy, scheduler) = Self.parts(spec())
        let builder = Self.rungZero([0.1, 0.3, 0.5, 0.62, 0.78, 0.95], inFlight: 2)
        #expect(scheduler.promotion(job: builder.job) == nil)
        let next = try #require(scheduler.next(job: builder.job, strategy: strategy))
        #expect(next.placement?.configuration == 7)
        #expect(next.assignment != Self.randomPoint(builder.job, configuration: 7))
        let x = try #require(next.assignment["x"].flatMap { Double($0.text) })
        #expect(abs(x - 0.7) < 0.2, "the peak is at 0.7; got \(x)")
        // Deterministic: the same job gives the same point (resume is replay).
        #expect(scheduler.next(job: builder.job, strategy: Self.parts(spec()).strategy) == next)
    }

    @Test func everyThirdConfigurationStaysRandom() throws {
        let (strategy, scheduler) = Self.parts(spec())
        // Eight configurations: the next is 9, a random one however many results there are.
        let builder = Self.rungZero([0.05, 0.15, 0.3, 0.45, 0.55, 0.62, 0.78, 0.95], inFlight: 2)
        let next = try #require(scheduler.next(job: builder.job, strategy: strategy))
        #expect(next.placement?.configuration == 9)
        #expect(next.assignment == Self.randomPoint(builder.job, configuration: 9))
        let model = try #require(strategy as? HyperbandModelStrategy)
        #expect((1...12).filter(model.isRandomSlot) == [3, 6, 9, 12])
    }

    /// The highest rung with enough results is the model's; configurations in flight are pending,
    /// the rest only never to repeat.
    @Test func theHighestReadyRungIsModelledWithRunningConfigurationsPending() throws {
        let (_, scheduler) = Self.parts(spec())
        var builder = Self.rungZero([0.1, 0.3, 0.5, 0.62, 0.78, 0.95])
        #expect(scheduler.modelRung(results: scheduler.rungResults(job: builder.job)) == 0)
        // Three of them at rung 1, with other values there; a fourth running.
        for (configuration, value) in [(4, 0.5), (5, 0.6), (6, 0.4)] {
            builder.trial(x: [0.62, 0.78, 0.95][configuration - 4], values: [value], placement: ResourcePlacement(configuration: configuration, rung: 1, budget: 3))
        }
        builder.started(x: 0.5, placement: ResourcePlacement(configuration: 3, rung: 1, budget: 3))
        #expect(scheduler.modelRung(results: scheduler.rungResults(job: builder.job)) == 1)
        let history = scheduler.modelHistory(job: builder.job)
        #expect(history.count == 6, "each configuration once")
        let byX = Dictionary(uniqueKeysWithValues: history.map { ($0.assignment["x"]!.text, $0) })
        #expect(byX["0.62"]?.objective == 0.5 && byX["0.78"]?.objective == 0.6 && byX["0.95"]?.objective == 0.4)
        #expect(byX["0.5"]?.state == .running && byX["0.5"]?.objective == nil)
        #expect(byX["0.1"]?.state == .cancelled && byX["0.3"]?.state == .cancelled)
    }

    @Test func aBadSamplerIsLocated() {
        let base = "algorithm: HYPERBAND\nresourceParameter: epochs\nmaxResource: 27\nparams: [{parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}]\n"
        #expect(
            configFailure(base + "hyperbandSampler: BAYESIAN\n")?.description
                == "tuning.yml:5:19: error: hyperbandSampler must be MODEL or RANDOM, got 'BAYESIAN'")
        #expect(configFailure(base + "hyperbandSampler: model\n")?.description.hasPrefix("tuning.yml:5:19: error: hyperbandSampler must be MODEL or RANDOM, got 'model'") == true)
        let stray = configFailure("hyperbandSampler: MODEL\nparams: [{parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}]\n")
        #expect(stray?.description == "tuning.yml:1:1: error: hyperbandSampler only applies to algorithm: HYPERBAND — set algorithm: HYPERBAND, or remove hyperbandSampler")
    }
}
