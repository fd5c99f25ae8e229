import Foundation
import Testing
import TuneCore
import TuneTestSupport

/// A warm start from a job whose space differs (issue 19, "a space that grows"), and
/// `tune validate --against JOB`, which shows the difference before anything runs.
@Suite("End to end: a warm start from a job with another space", .limitedParallelism)
struct SpaceChangeTests {
    static let before = """
        maxTrials: 6
        hyperparameterMetricTag: acc
        algorithm: RANDOM_SEARCH
        seed: 3
        params:
        - {parameterName: lr, type: DOUBLE, minValue: 0.001, maxValue: 0.1, scaleType: UNIT_LOG_SCALE}
        - {parameterName: drop, type: DOUBLE, minValue: 0, maxValue: 0.5}
        - {parameterName: opt, type: CATEGORICAL, categoricalValues: [sgd, adam]}

        """

    static let after = """
        maxTrials: 3
        hyperparameterMetricTag: acc
        algorithm: RANDOM_SEARCH
        resumePreviousJobId: a
        params:
        - {parameterName: lr, type: DOUBLE, minValue: 0.001, maxValue: 0.01, scaleType: UNIT_LOG_SCALE}
        - {parameterName: opt, type: CATEGORICAL, categoricalValues: [adam]}
        - {parameterName: layers, type: INTEGER, minValue: 1, maxValue: 4, defaultValue: 2}

        """

    @Test("added (at its default), removed (projected), narrowed and fixed parameters: validate --against says what carries over, and the run does it")
    func growAndShrink() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("a.yml", Self.before)
        try #require(try await sandbox.tune(["./train.sh", "--config", "a.yml", "--job", "a"]).status == 0)
        let earlier = try await trialsJSON(sandbox, "a").map(hyperparameters)
        let adam = earlier.filter { $0["opt"] == "adam" }
        let outside = adam.filter { Double($0["lr"] ?? "") ?? 0 > 0.01 }

        try sandbox.write("b.yml", Self.after)
        let validate = try await sandbox.tune(["validate", "b.yml", "--against", "a"])
        #expect(validate.status == 0, "\(validate)")
        #expect(validate.stdout.contains("against     job a: 4 differences"), "\(validate)")
        #expect(validate.stdout.contains("  added    layers, INTEGER in [1, 4]: earlier trials are taken at its defaultValue 2"), "\(validate)")
        #expect(validate.stdout.contains("  removed  drop, DOUBLE in [0.0, 0.5]: earlier trials are taken without it (projected)"), "\(validate)")
        #expect(validate.stdout.contains("  changed  lr: DOUBLE in [0.001, 0.1], UNIT_LOG_SCALE → DOUBLE in [0.001, 0.01], UNIT_LOG_SCALE"), "\(validate)")
        #expect(validate.stdout.contains("  changed  opt: one of sgd, adam → one of adam: earlier trials with a value no longer listed are left out"), "\(validate)")
        var carry = "carry over  \(adam.count) of 6 finished trials of job a"
        if adam.count < 6 { carry += " (\(6 - adam.count) left out: a value this config no longer lists)" }
        if !outside.isEmpty { carry += " (\(outside.count) outside the new ranges: they inform the model, none is proposed there)" }
        #expect(validate.stdout.contains(carry), "\(validate)")

        let run = try await sandbox.tune(["./train.sh", "--config", "b.yml", "--job", "b"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("resumePreviousJobId: job a searched drop, which this config does not: its trials are taken without it (projected)"), "\(run)")
        let job = try JobStore(root: sandbox.store).load("b")
        #expect(job.priorTrials.count == adam.count)
        #expect(job.priorTrials.allSatisfy { $0.parameters["drop"] == nil && $0.parameters["layers"] == "2" && $0.parameters["opt"] == "adam" })
        #expect(Set(job.priorTrials.compactMap { $0.parameters["lr"] }) == Set(adam.compactMap { $0["lr"] }))
        // Proposals stay in the new space.
        for trial in try await trialsJSON(sandbox, "b").map(hyperparameters) {
            #expect((Double(trial["lr"] ?? "") ?? 1) <= 0.01 && trial["opt"] == "adam" && trial["drop"] == nil, "\(trial)")
        }
    }

    @Test("a change a warm start cannot carry is refused by validate --against, with the reason")
    func refused() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("a.yml", Self.before)
        try #require(try await sandbox.tune(["./train.sh", "--config", "a.yml", "--job", "a"]).status == 0)
        try sandbox.write("c.yml", Self.after.replacingOccurrences(of: ", defaultValue: 2", with: ""))
        let validate = try await sandbox.tune(["validate", "c.yml", "--against", "a"])
        #expect(validate.status == 2, "\(validate)")
        #expect(validate.stdout.contains("  added    layers, INTEGER in [1, 4]: no defaultValue: a warm start is refused"), "\(validate)")
        #expect(validate.stderr.contains("did not search layers, which this config adds: give each added parameter a defaultValue"), "\(validate)")
        let missing = try await sandbox.tune(["validate", "a.yml", "--against", "nope"])
        #expect(missing.status != 0 && missing.stderr.contains("nope"), "\(missing)")
    }

    @Test("a changed scale carries every trial over, placed on the new scale, and the run proposes on it")
    func changedScale() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("a.yml", Self.before)
        try #require(try await sandbox.tune(["./train.sh", "--config", "a.yml", "--job", "a"]).status == 0)
        try sandbox.write("c.yml", Self.before.replacingOccurrences(of: "UNIT_LOG_SCALE", with: "UNIT_LINEAR_SCALE") + "resumePreviousJobId: a\n")
        let validate = try await sandbox.tune(["validate", "c.yml", "--against", "a"])
        #expect(validate.status == 0, "\(validate)")
        #expect(
            validate.stdout.contains(
                "  changed  lr: DOUBLE in [0.001, 0.1], UNIT_LOG_SCALE → DOUBLE in [0.001, 0.1], UNIT_LINEAR_SCALE: the same range on another scale: earlier trials carry over, placed on the new scale"
            ), "\(validate)")
        #expect(validate.stdout.contains("carry over  6 of 6 finished trials of job a as warm start"), "\(validate)")
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "c"])
        #expect(run.status == 0, "\(run)")
        #expect(try JobStore(root: sandbox.store).load("c").priorTrials.count == 6)
    }
}
