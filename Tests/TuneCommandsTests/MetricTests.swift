import Foundation
import Testing
import TuneTestSupport

/// Each way a trial can report its metric, read end to end into the job's trials.
@Suite("End to end: metric formats", .limitedParallelism)
struct MetricTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var body: String
        var tag = "acc"
        var selection = "LAST_MEASUREMENT"
        var objective: Double
        var step: String
        var testDescription: String { name }
    }

    static let fixture = TuneBinary.repository.appendingPathComponent("Tests/TuneCoreTests/Fixtures/hypertune/output.metric").path

    static let cases: [Case] = [
        Case(name: "Katib", body: "echo 'epoch 1: loss=0.4'\necho acc=0.9", objective: 0.9, step: "1"),
        Case(name: "Guild", body: "echo 'acc: 0.9'", objective: 0.9, step: "1"),
        Case(
            name: "Keras",
            body: """
                echo 'Epoch 1/2'
                echo '10/10 [====] - 1s 5ms/step - loss: 0.5 - acc: 0.8 - val_acc: 0.7'
                echo 'Epoch 2/2'
                echo '10/10 [====] - 0s 2ms/step - loss: 0.3 - acc: 0.91 - val_acc: 0.9'
                """, objective: 0.91, step: "2"),
        Case(name: "JSON line", body: #"echo '{"acc": 0.9, "step": 7}'"#, objective: 0.9, step: "7"),
        // The cloudml-hypertune file: accuracy 0.81 at step 100, 0.87 at step 200, 0.9 with no step (the
        // third accuracy reading). LAST_MEASUREMENT is the reading with the largest step.
        Case(
            name: "cloudml-hypertune file", body: "cp '\(fixture)' \"$CLOUD_ML_HP_METRIC_FILE\"",
            tag: "accuracy", objective: 0.87, step: "200"),
        Case(
            name: "cloudml-hypertune file, BEST", body: "cp '\(fixture)' \"$CLOUD_ML_HP_METRIC_FILE\"",
            tag: "accuracy", selection: "BEST_MEASUREMENT", objective: 0.9, step: "3"),
        Case(name: "last measurement", body: "echo acc=0.5\necho acc=0.9\necho acc=0.7", objective: 0.7, step: "3"),
        Case(
            name: "best measurement", body: "echo acc=0.5\necho acc=0.9\necho acc=0.7",
            selection: "BEST_MEASUREMENT", objective: 0.9, step: "2"),
    ]

    @Test(arguments: cases)
    func metricIsRead(_ c: Case) async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", c.body)
        try sandbox.write("c.yml", config(maxTrials: 1, tag: c.tag, extra: "measurementSelectionType: \(c.selection)"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "m"])
        try #require(run.status == 0, "\(run)")
        let trials = try await trialsJSON(sandbox, "m")
        try #require(trials.count == 1)
        #expect(trials[0]["state"] as? String == "SUCCEEDED", "\(trials)")
        #expect(objective(trials[0]) == c.objective, "\(trials)")
        #expect(trainingStep(trials[0]) == c.step, "\(trials)")
    }
}
