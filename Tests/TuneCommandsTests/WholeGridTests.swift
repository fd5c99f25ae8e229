import Foundation
import Testing
import TuneTestSupport

/// GRID_SEARCH with no trial count runs the whole grid (issue 19; SageMaker's rule), in both
/// config shapes; a count in the config or on the command line still wins.
@Suite("End to end: a grid without a trial count runs whole", .limitedParallelism)
struct WholeGridTests {
    static let params = """
        - {parameterName: x, type: DISCRETE, discreteValues: [1, 2, 3, 4, 5]}
        - {parameterName: y, type: CATEGORICAL, categoricalValues: [a, b]}
        """

    @Test("Cloud ML shape: every one of the 10 points runs, and tune says so")
    func cloudML() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("c.yml", "algorithm: GRID_SEARCH\nhyperparameterMetricTag: acc\nparams:\n\(Self.params)\n")
        let validate = try await sandbox.tune(["validate", "c.yml"])
        #expect(validate.stdout.contains("trials      the whole grid, at most 1 at a time"), "\(validate)")
        #expect(validate.stdout.contains("grid        10 combinations → 10 trials"), "\(validate)")
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "g"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("note: GRID_SEARCH without maxTrials runs the whole grid; set maxTrials to run fewer"), "\(run)")
        let trials = try await trialsJSON(sandbox, "g")
        #expect(trials.count == 10 && Set(trials.map { hyperparameters($0) }).count == 10)

        try sandbox.write("four.yml", "algorithm: GRID_SEARCH\nmaxTrials: 4\nhyperparameterMetricTag: acc\nparams:\n\(Self.params)\n")
        _ = try await sandbox.tune(["./train.sh", "--config", "four.yml", "--job", "four"])
        #expect(try await trialsJSON(sandbox, "four").count == 4, "a count in the config still wins")
    }

    @Test("Vertex shape without maxTrialCount: the whole grid; --max-trial-count wins")
    func vertex() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write(
            "v.yml",
            """
            studySpec:
              algorithm: GRID_SEARCH
              metrics: [{metricId: acc, goal: MAXIMIZE}]
              parameters:
              - {parameterId: x, discreteValueSpec: {values: [1, 2, 3]}}
              - {parameterId: y, categoricalValueSpec: {values: [a, b]}}

            """)
        let run = try await sandbox.tune(["run", "--config", "v.yml", "--job", "v", "--", "./train.sh"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("GRID_SEARCH without maxTrialCount runs the whole grid"), "\(run)")
        #expect(try await trialsJSON(sandbox, "v").count == 6)
        let capped = try await sandbox.tune(["run", "--config", "v.yml", "--job", "c", "--max-trial-count", "2", "--", "./train.sh"])
        #expect(capped.status == 0, "\(capped)")
        #expect(try await trialsJSON(sandbox, "c").count == 2)
    }
}
