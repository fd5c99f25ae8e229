import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// How a job maps onto MLflow runs, without a server (the end-to-end tests use a real one:
/// Tests/TuneCommandsTests/MLflowTests.swift).
@Suite("MLflow mapping", .limitedParallelism)
struct MLflowMappingTests {
    static func spec(goal: Goal = .maximize) -> TuningSpec {
        TuningSpec(
            goal: goal, metricTag: "acc", maxTrials: 4, maxParallelTrials: 1, algorithm: .random,
            params: [ParameterSpec(name: "x", domain: .double(min: 0, max: 1, scale: .linear))])
    }

    @Test func trialStatesAreMLflowRunStatuses() {
        #expect(MLflowMapping.status(TrialState.pending) == "SCHEDULED")
        #expect(MLflowMapping.status(TrialState.running) == "RUNNING")
        #expect(MLflowMapping.status(TrialState.succeeded) == "FINISHED")
        #expect(MLflowMapping.status(TrialState.failed) == "FAILED")
        #expect(MLflowMapping.status(TrialState.cancelled) == "KILLED")
        #expect(MLflowMapping.status(JobState.cancelled) == "KILLED")
    }

    @Test func aTrialIsAChildRunWithItsValuesEveryReadingAndItsState() {
        var builder = JobBuilder(spec: Self.spec())
        let id = builder.trial(x: 0.25, values: [0.5, 0.7, 0.6], stoppedEarly: true)
        let trial = builder.job.trial(id)!
        let content = MLflowMapping.trial(trial, in: builder.job)
        #expect(content.name == "trial-1")
        #expect(content.status == "FINISHED")
        #expect(content.params == [MLflowWire.Param(key: "x", value: "0.25")])
        let tags = Dictionary(uniqueKeysWithValues: content.tags.map { ($0.key, $0.value) })
        #expect(tags["tune.job"] == "j" && tags["tune.trial"] == "1" && tags["tune.attempt"] == "1")
        #expect(tags["tune.state"] == "SUCCEEDED" && tags["tune.stoppedEarly"] == "true" && tags["mlflow.runName"] == "trial-1")
        let metrics = MLflowMapping.metrics(trial, 0..<trial.readings.count)
        #expect(metrics.map(\.step) == [1, 2, 3])
        #expect(metrics.map(\.value) == [0.5, 0.7, 0.6])
        // The same reading always makes the same point, so a re-sync adds none.
        #expect(metrics == MLflowMapping.metrics(trial, 0..<trial.readings.count))
        #expect(Set(metrics.map(\.timestamp)).count == 3)
    }

    @Test func theParentRunCarriesTheBestSoFarAndTheBestTrial() {
        var builder = JobBuilder(spec: Self.spec(goal: .minimize))
        builder.trial(x: 0.1, values: [0.5])
        builder.trial(x: 0.2, values: [0.7])
        builder.trial(x: 0.3, values: [0.2])
        let best = MLflowMapping.bestSoFar(builder.job)
        #expect(best.map(\.step) == [1, 3])
        #expect(best.map(\.value) == [0.5, 0.2])
        let parent = MLflowMapping.parent(builder.job)
        let tags = Dictionary(uniqueKeysWithValues: parent.tags.map { ($0.key, $0.value) })
        #expect(tags["tune.bestTrial"] == "3" && tags["tune.best.x"] == "0.3" && tags["tune.best.acc"] == "0.2")
        #expect(parent.name == "j" && tags["mlflow.runName"] == "j")
    }

    @Test func batchesKeepMLflowsLimits() {
        let params = (0..<150).map { MLflowWire.Param(key: "p\($0)", value: "v") }
        let metrics = (0..<2500).map { MLflowWire.Metric(key: "m", value: Double($0), timestamp: 0, step: Int64($0)) }
        let batches = MLflowSync.batches(run: "r", params: params, tags: [], metrics: metrics)
        for batch in batches {
            #expect(batch.params.count <= 100 && batch.tags.count <= 100)
            #expect(batch.params.count + batch.tags.count + batch.metrics.count <= 1000)
        }
        #expect(batches.flatMap(\.metrics) == metrics)
        #expect(batches.flatMap(\.params) == params)
    }

    @Test func metricNamesMLflowRefusesAreMadeSafe() {
        #expect(MLflowMapping.key("validation/epoch_accuracy") == "validation/epoch_accuracy")
        #expect(MLflowMapping.key("val:acc@1") == "val_acc_1")
    }

    @Test func aLocalStoreIsRefusedWithHowToServeIt() {
        for given in ["file:///tmp/mlruns", "./mlruns", "/tmp/mlruns", "sqlite:///m.db"] {
            #expect(throws: MLflowError.self) { try MLflowTrackingURI(given) }
            let message = (try? MLflowTrackingURI(given)).map { _ in "" } ?? MLflowTrackingURI.notAServer(given)
            #expect(message.contains("mlflow server") && message.contains("http://127.0.0.1:5000"), "\(message)")
        }
        #expect((try? MLflowTrackingURI("http://127.0.0.1:5000/"))?.text == "http://127.0.0.1:5000")
    }

    @Test func credentialsAreSentAsMLflowsClientsSendThem() throws {
        let bearer = try MLflowTrackingURI("https://m.example", environment: ["MLFLOW_TRACKING_TOKEN": "t0k"])
        #expect(bearer.authorization == "Bearer t0k")
        let basic = try MLflowTrackingURI("https://m.example", environment: ["MLFLOW_TRACKING_USERNAME": "u", "MLFLOW_TRACKING_PASSWORD": "p"])
        #expect(basic.authorization == "Basic dTpw")
    }
}
