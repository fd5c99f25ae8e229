import Foundation
import Testing
import TuneCore
import TuneTestSupport

/// `algorithm: PBT`'s keys, in both shapes: defaults, the trial count the population decides,
/// and located errors.
@Suite("Config: algorithm PBT", .limitedParallelism)
struct PopulationSpecTests {
    static func cloud(_ extra: String, count: String = "") -> String {
        """
        trainingInput:
          hyperparameters:
            goal: MAXIMIZE
            hyperparameterMetricTag: acc
            algorithm: PBT
            resourceParameter: epochs
            maxResource: 20
        \(count)\(extra)
            params:
              - parameterName: lr
                type: DOUBLE
                minValue: 0.001
                maxValue: 1
                scaleType: UNIT_LOG_SCALE

        """
    }

    @Test("the defaults are the paper's and Ray Tune's; without a trial count the job runs the whole population")
    func defaults() throws {
        let loaded = try parseConfig(Self.cloud("    perturbationInterval: 3\n"))
        let population = try #require(loaded.spec.population)
        #expect(population.populationSize == 8 && population.quantileFraction == 0.25 && population.resampleProbability == 0.25)
        #expect(population.perturbationFactors == [0.8, 1.2])
        #expect(population.intervals == 7, "20 epochs in steps of 3: 3, 6, …, 18, 20")
        #expect(population.budget(atInterval: 7) == 20 && population.budget(atInterval: 6) == 18)
        #expect(loaded.spec.maxTrials == 56, "8 members × 7 intervals")
        #expect(loaded.spec.makeScheduler().describe(strategy: "random search") == "population-based training (8 members, 7 intervals of 3 epochs)")
    }

    @Test("every key, and a trial count below or above the population's")
    func everyKey() throws {
        let keys = "    perturbationInterval: 5\n    populationSize: 4\n    quantileFraction: 0.5\n    resampleProbability: 0\n    perturbationFactors: [0.5, 2]\n"
        let loaded = try parseConfig(Self.cloud(keys, count: "    maxTrials: 10\n"))
        let population = try #require(loaded.spec.population)
        #expect(
            population
                == PopulationSpec(
                    resourceParameter: "epochs", maxResource: 20, perturbationInterval: 5, populationSize: 4, quantileFraction: 0.5, resampleProbability: 0,
                    perturbationFactors: [0.5, 2]))
        #expect(loaded.spec.maxTrials == 10)
        #expect(loaded.notes.contains { $0.contains("maxTrials 10 is below the population's 16 trials") }, "\(loaded.notes)")
        let more = try parseConfig(Self.cloud(keys, count: "    maxTrials: 40\n"))
        #expect(more.spec.maxTrials == 16)
        #expect(more.notes.contains { $0.contains("PBT runs 16 trials (4 members × 4 intervals); maxTrials 40 is more than it needs") }, "\(more.notes)")
    }

    @Test("bad settings are refused at their line, with what to write instead")
    func locatedErrors() throws {
        let missing = try #require(configFailure(Self.cloud("")))
        #expect(missing.message.contains("perturbationInterval"), "\(missing)")
        #expect(missing.hint?.contains("perturbationInterval: 3") == true)

        let tooLong = try #require(configFailure(Self.cloud("    perturbationInterval: 20\n")))
        #expect(tooLong.line == 8 && tooLong.message.contains("perturbationInterval 20 must be below maxResource 20"), "\(tooLong)")

        let quantile = try #require(configFailure(Self.cloud("    perturbationInterval: 2\n    quantileFraction: 0.7\n")))
        #expect(quantile.line == 9 && quantile.key == "quantileFraction", "\(quantile)")

        let factor = try #require(configFailure(Self.cloud("    perturbationInterval: 2\n    perturbationFactors: [0.8, -1]\n")))
        #expect(factor.line == 9 && factor.message.contains("positive numbers, got '-1'"), "\(factor)")

        let tiny = try #require(configFailure(Self.cloud("    perturbationInterval: 2\n    populationSize: 1\n")))
        #expect(tiny.key == "populationSize" && tiny.message.contains("at least 2"), "\(tiny)")

        let hyperbandKey = try #require(configFailure(Self.cloud("    perturbationInterval: 2\n    reductionFactor: 3\n")))
        #expect(hyperbandKey.message.contains("reductionFactor only applies to algorithm: HYPERBAND"), "\(hyperbandKey)")

        let stray = try #require(
            configFailure(
                """
                goal: MAXIMIZE
                populationSize: 8
                params:
                  - {parameterName: lr, type: DOUBLE, minValue: 0.001, maxValue: 1}
                """))
        #expect(stray.line == 2 && stray.message.contains("populationSize only applies to algorithm: PBT"), "\(stray)")

        let clash = try #require(
            configFailure(
                Self.cloud("    perturbationInterval: 2\n").replacingOccurrences(of: "parameterName: lr", with: "parameterName: epochs")))
        #expect(clash.message.contains("epochs is PBT's resourceParameter"), "\(clash)")
    }

    @Test("Vertex AI's shape: the tune keys beside studySpec, no trial-count note")
    func vertexShape() throws {
        let loaded = try parseConfig(
            """
            resourceParameter: steps
            maxResource: 1000
            perturbationInterval: 100
            populationSize: 6
            studySpec:
              algorithm: PBT
              metrics: [{metricId: loss, goal: MINIMIZE}]
              parameters: [{parameterId: lr, doubleValueSpec: {minValue: 0.0001, maxValue: 0.1}, scaleType: UNIT_LOG_SCALE}]

            """)
        #expect(loaded.spec.algorithm == .pbt)
        #expect(loaded.spec.population?.populationSize == 6 && loaded.spec.maxTrials == 60)
        #expect(!loaded.notes.contains { $0.contains("maxTrialCount is not in the file") }, "\(loaded.notes)")
    }
}
