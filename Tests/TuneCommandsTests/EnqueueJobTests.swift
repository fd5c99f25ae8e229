import Foundation
import Testing
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `tune run --enqueue FILE` and the config's `enqueue:` list end to end: the given points are
/// trials 1…k in order, checked against the space before anything runs, and the strategy goes on.
@Suite("End to end: enqueued points", .limitedParallelism)
struct EnqueueJobTests {
    static let params = """
          - parameterName: x
            type: DOUBLE
            minValue: 0.0
            maxValue: 1.0
          - parameterName: units
            type: INTEGER
            minValue: 1
            maxValue: 64
          - parameterName: act
            type: CATEGORICAL
            categoricalValues: [relu, tanh]
        """

    /// Reports acc = x; trial 3 waits while the file `hold` exists.
    static func trainer(_ sandbox: Sandbox) throws {
        _ = try sandbox.script(
            "train.sh",
            """
            echo "$TUNE_TRIAL_ID $*" >> '\(sandbox.path("args.txt"))'
            if [ "$TUNE_TRIAL_ID" = 3 ] && [ -e '\(sandbox.path("hold"))' ]; then touch '\(sandbox.path("held"))'; sleep 30; fi
            for a in "$@"; do case "$a" in --x=*) x="${a#--x=}";; esac; done
            echo "acc=${x:-0.5}"
            """)
    }

    static func point(_ x: String, _ units: String, _ act: String) -> [String: String] { ["x": x, "units": units, "act": act] }

    @Test func configListCSVAndJSONPointsRunFirstInOrderThenTheBayesianStrategy() async throws {
        let sandbox = try Sandbox()
        try Self.trainer(sandbox)
        try sandbox.write("c.yml", config(maxTrials: 7, algorithm: "ALGORITHM_UNSPECIFIED", extra: "seed: 3\nenqueue:\n  - {x: 0.9, units: 64, act: tanh}", params: Self.params))
        try sandbox.write("p.csv", "x,units,act\n0.1,8,relu\n\"0.25\",16,tanh\n0.1,8,relu\n")
        try sandbox.write("p.json", "[{\"x\": 0.5, \"units\": 32.0, \"act\": \"relu\"},\n {\"x\": 0.75, \"units\": 2, \"act\": \"tanh\"}]")
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--enqueue", "p.csv", "--enqueue", "p.json", "--job", "e"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("p.csv:4: row 3 repeats an earlier point: it runs once"), "\(run.stderr)")
        let trials = byId(try await trialsJSON(sandbox, "e"))
        #expect(trials.count == 7)
        let given = [
            Self.point("0.9", "64", "tanh"), Self.point("0.1", "8", "relu"), Self.point("0.25", "16", "tanh"), Self.point("0.5", "32", "relu"), Self.point("0.75", "2", "tanh"),
        ]
        for (index, point) in given.enumerated() {
            #expect(hyperparameters(trials[index + 1] ?? [:]) == point, "trial \(index + 1)")
        }
        // The Bayesian strategy goes on from them: new points.
        for id in 6...7 { #expect(!given.contains(hyperparameters(trials[id] ?? [:])), "trial \(id)") }

        // An earlier sweep's table, fed back: its points are the new job's first trials.
        for format in ["csv", "json"] {
            let listing = try await sandbox.tune(["trials", "e", "--format", format])
            try #require(listing.status == 0, "\(listing)")
            _ = try sandbox.write("old.\(format)", listing.stdout)
            try sandbox.write("r.yml", config(maxTrials: 8, params: Self.params))
            let again = try await sandbox.tune(["./train.sh", "--config", "r.yml", "--enqueue", "old.\(format)", "--job", "again-\(format)"])
            #expect(again.status == 0, "\(again)")
            if format == "csv" { #expect(again.stderr.contains("columns other than parameters are ignored (trialId, state, objectiveValue"), "\(again.stderr)") }
            let rerun = byId(try await trialsJSON(sandbox, "again-\(format)"))
            #expect(Set((1...7).map { hyperparameters(rerun[$0] ?? [:]) }) == Set(trials.values.map(hyperparameters)), "\(format)")
        }
    }

    @Test func aBadPointIsAUsageErrorAtItsPlaceAndNothingRuns() async throws {
        let sandbox = try Sandbox()
        try Self.trainer(sandbox)
        try sandbox.write("c.yml", config(maxTrials: 3, params: Self.params))
        let cases: [(file: String, text: String, expected: String)] = [
            ("a.csv", "x,unit,act\n0.1,8,relu\n", "a.csv:1: error: header: unknown parameter 'unit' — did you mean 'units'?"),
            ("b.csv", "x,units,act\n0.1,8,relu\n1.5,8,relu\n", "b.csv:3: error: row 2: x 1.5 is outside its range: DOUBLE in [0.0, 1.0]"),
            ("c.csv", "x,units,act\n0.1,2.5,relu\n", "c.csv:2: error: row 1: units must be an integer, got '2.5'"),
            ("d.csv", "x,units,act\n0.1,2,gelu\n", "d.csv:2: error: row 1: act 'gelu' is not a listed value: one of relu, tanh"),
            ("e.csv", "x,units\n0.1,2\n", "e.csv:2: error: row 1: no value for act — give act: one of relu, tanh"),
            (
                "f.json", "[{\"x\": 0.1, \"units\": 3, \"act\": \"relu\"},\n {\"x\": 0.2, \"unitz\": 3, \"act\": \"relu\"}]",
                "f.json:2:22: error: point 2: unknown parameter 'unitz'"
            ),
            ("g.csv", "x,units,act\n0.1,1,relu\n0.2,1,relu\n0.3,1,relu\n0.4,1,relu\n", "4 given points but maxTrials is 3"),
        ]
        for (file, text, expected) in cases {
            try sandbox.write(file, text)
            let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--enqueue", file, "--job", "bad"])
            #expect(run.status == 2, "\(file): \(run)")
            #expect(run.stderr.contains(expected), "\(file): \(run.stderr)")
            #expect(!sandbox.exists(".tune/bad"), "\(file)")
        }
        #expect(sandbox.read("args.txt") == nil, "no trial ran")
        // The config's list: located in the config.
        try sandbox.write("l.yml", config(maxTrials: 3, extra: "enqueue:\n  - {x: 0.1, units: 99, act: relu}", params: Self.params))
        let listed = try await sandbox.tune(["./train.sh", "--config", "l.yml", "--job", "bad"])
        #expect(listed.status == 2, "\(listed)")
        #expect(listed.stderr.contains("l.yml:7:21: error: point 1: units 99 is outside its range: INTEGER in [1, 64]"), "\(listed.stderr)")
    }

    @Test func conditionalPointsHoldTheirActiveParametersOnly() async throws {
        let sandbox = try Sandbox()
        try Self.trainer(sandbox)
        try sandbox.write("c.yml", config(maxTrials: 3, params: ConditionalJobTests.nestedParams))
        try sandbox.write("p.csv", "optimizer,momentum,beta1,num_layers,units2,units3\nsgd,0.5,,1,,\nadam,,0.9,3,32,64\n")
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--enqueue", "p.csv", "--job", "cond"])
        #expect(run.status == 0, "\(run)")
        let trials = byId(try await trialsJSON(sandbox, "cond"))
        #expect(hyperparameters(trials[1] ?? [:]) == ["optimizer": "sgd", "momentum": "0.5", "num_layers": "1"])
        #expect(hyperparameters(trials[2] ?? [:]) == ["optimizer": "adam", "beta1": "0.9", "num_layers": "3", "units2": "32", "units3": "64"])

        let cases: [(text: String, expected: String)] = [
            ("optimizer,momentum,beta1,num_layers\nsgd,0.5,0.9,1\n", "p2.csv:2: error: row 1: beta1 is inactive here: it applies only when optimizer is one of adam"),
            ("optimizer,num_layers\nadam,1\n", "p2.csv:2: error: row 1: no value for beta1 (active because optimizer is one of adam)"),
        ]
        for (text, expected) in cases {
            try sandbox.write("p2.csv", text)
            let bad = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--enqueue", "p2.csv", "--job", "bad"])
            #expect(bad.status == 2, "\(bad)")
            #expect(bad.stderr.contains(expected), "\(bad.stderr)")
        }
    }

    @Test func vertexDefaultsComeFirstThenTheConfigsEnqueuedPoints() async throws {
        let sandbox = try Sandbox()
        try Self.trainer(sandbox)
        try sandbox.write(
            "v.yml",
            """
            studySpec:
              metrics: [{metricId: acc, goal: MAXIMIZE}]
              parameters:
                - {parameterId: x, doubleValueSpec: {minValue: 0, maxValue: 1, defaultValue: 0.3}}
                - {parameterId: act, categoricalValueSpec: {values: [relu, tanh], defaultValue: relu}}
            maxTrialCount: 3
            enqueue:
              - {x: 0.6, act: tanh}
              - {x: 0.3, act: relu}

            """)
        let run = try await sandbox.tune(["./train.sh", "--config", "v.yml", "--job", "v"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("point 2 repeats an earlier point"), "\(run.stderr)")
        let trials = byId(try await trialsJSON(sandbox, "v"))
        #expect(hyperparameters(trials[1] ?? [:]) == ["x": "0.3", "act": "relu"])
        #expect(hyperparameters(trials[2] ?? [:]) == ["x": "0.6", "act": "tanh"])
        #expect(trials.count == 3)
    }

    @Test func aResumedJobDoesNotRunAnEnqueuedPointAgain() async throws {
        let sandbox = try Sandbox()
        try Self.trainer(sandbox)
        try sandbox.write("hold", "")
        try sandbox.write("c.yml", config(maxTrials: 6, extra: "seed: 5", params: Self.params))
        try sandbox.write("p.csv", "x,units,act\n0.1,1,relu\n0.2,2,relu\n0.3,3,tanh\n0.4,4,tanh\n")
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--enqueue", "p.csv", "--job", "r", "--grace-period", "1"])
        let held = await sandbox.waitUntil(timeout: 30) { sandbox.exists("held") }
        try #require(held, "trial 3 started: \(tune.stderrSoFar)")
        tune.signal(SIGKILL)
        _ = await tune.finish()
        unlink(sandbox.path("hold"))

        let resumed = try await sandbox.tune(["resume", "r", "--grace-period", "1"], timeout: 90)
        #expect(resumed.status == 0, "\(resumed)")
        let trials = byId(try await trialsJSON(sandbox, "r"))
        #expect(trials.count == 6)
        let given = [Self.point("0.1", "1", "relu"), Self.point("0.2", "2", "relu"), Self.point("0.3", "3", "tanh"), Self.point("0.4", "4", "tanh")]
        for (index, point) in given.enumerated() { #expect(hyperparameters(trials[index + 1] ?? [:]) == point, "trial \(index + 1)") }
        let runs = (sandbox.read("args.txt") ?? "").split(separator: "\n")
        #expect(runs.filter { $0.hasPrefix("1 ") }.count == 1 && runs.filter { $0.hasPrefix("2 ") }.count == 1, "\(runs)")
        for id in 5...6 { #expect(!given.contains(hyperparameters(trials[id] ?? [:])), "trial \(id)") }
    }

    @Test func aGridRunsTheGivenPointsFirstThenTheRestOfItsGridOnce() async throws {
        let sandbox = try Sandbox()
        try Self.trainer(sandbox)
        let grid = """
              - parameterName: x
                type: DISCRETE
                discreteValues: [0.1, 0.5, 0.9]
              - parameterName: units
                type: INTEGER
                minValue: 1
                maxValue: 2
            """
        // No maxTrials: the whole grid, the given points among it.
        try sandbox.write("g.yml", config(maxTrials: 6, algorithm: "GRID_SEARCH", params: grid).replacingOccurrences(of: "maxTrials: 6\n", with: ""))
        try sandbox.write("p.json", "[{\"x\": 0.9, \"units\": 2}, {\"x\": 0.1, \"units\": 1}]")
        let validate = try await sandbox.tune(["validate", "g.yml", "--enqueue", "p.json"])
        #expect(validate.status == 0 && validate.stdout.contains("enqueued    2 given points run first (trials 1–2)"), "\(validate)")
        let run = try await sandbox.tune(["./train.sh", "--config", "g.yml", "--enqueue", "p.json", "--job", "g"])
        #expect(run.status == 0, "\(run)")
        let trials = byId(try await trialsJSON(sandbox, "g"))
        #expect(trials.count == 6)
        #expect(hyperparameters(trials[1] ?? [:]) == ["x": "0.9", "units": "2"])
        #expect(hyperparameters(trials[2] ?? [:]) == ["x": "0.1", "units": "1"])
        let points = Set(trials.values.map { hyperparameters($0) })
        #expect(points.count == 6, "every grid point once: \(points)")

        // A point off the grid's listed values is refused by validate, at its place.
        try sandbox.write("bad.json", "[{\"x\": 0.3, \"units\": 2}]")
        let bad = try await sandbox.tune(["validate", "g.yml", "--enqueue", "bad.json"])
        #expect(bad.status == 2 && bad.stderr.contains("bad.json:1:"), "\(bad)")
        #expect(bad.stderr.contains("x '0.3' is not a listed value"), "\(bad)")
    }
}
