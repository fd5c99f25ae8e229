import Foundation
import Testing
import TuneTestSupport

/// How many trials run at once, which points grid search visits, and seeded random search.
@Suite("End to end: scheduling and search", .limitedParallelism)
struct SchedulingTests {
    /// The most trials running at the same moment, from `start <id> <ns>` / `end <id> <ns>` lines.
    static func maxOverlap(_ log: String) -> (max: Int, starts: Int, ends: Int) {
        var events: [(time: Int, delta: Int)] = []
        var starts = 0
        var ends = 0
        for line in log.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 3, let time = Int(parts[2]) else { continue }
            if parts[0] == "start" {
                events.append((time, 1))
                starts += 1
            }
            if parts[0] == "end" {
                events.append((time, -1))
                ends += 1
            }
        }
        // At equal times an end comes first: touching intervals do not overlap.
        events.sort { $0.time != $1.time ? $0.time < $1.time : $0.delta < $1.delta }
        var current = 0
        var most = 0
        for event in events {
            current += event.delta
            most = max(most, current)
        }
        return (most, starts, ends)
    }

    static func intervalScript(_ sandbox: Sandbox, seconds: String) throws {
        let log = sandbox.path("events.log")
        try sandbox.script(
            "train.sh",
            """
            echo "start $TUNE_TRIAL_ID $(date +%s%N)" >> '\(log)'
            sleep \(seconds)
            echo "end $TUNE_TRIAL_ID $(date +%s%N)" >> '\(log)'
            echo acc=0.5
            """)
    }

    @Test func maxParallelTrialsIsReachedAndNeverExceeded() async throws {
        let sandbox = try Sandbox()
        try Self.intervalScript(sandbox, seconds: "0.6")
        try sandbox.write("c.yml", config(maxTrials: 9, parallel: 3))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml"])
        try #require(run.status == 0, "\(run)")
        let log = try #require(sandbox.read("events.log"))
        let overlap = Self.maxOverlap(log)
        #expect(overlap.starts == 9 && overlap.ends == 9, "\(log)")
        #expect(overlap.max == 3, "at most 3 at a time, and 3 reached: \(log)")
    }

    @Test func oneAtATimeNeverOverlaps() async throws {
        let sandbox = try Sandbox()
        try Self.intervalScript(sandbox, seconds: "0.1")
        try sandbox.write("c.yml", config(maxTrials: 4, parallel: 1))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml"])
        try #require(run.status == 0, "\(run)")
        let log = try #require(sandbox.read("events.log"))
        let overlap = Self.maxOverlap(log)
        #expect(overlap.starts == 4 && overlap.ends == 4, "\(log)")
        #expect(overlap.max == 1, "\(log)")
    }

    static let gridParams = """
          - parameterName: depth
            type: INTEGER
            minValue: 1
            maxValue: 2
          - parameterName: kind
            type: CATEGORICAL
            categoricalValues: [a, b, c]
        """

    @Test func gridVisitsEveryCombinationOnce() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("grid.yml", config(maxTrials: 10, parallel: 2, algorithm: "GRID_SEARCH", params: Self.gridParams))
        let run = try await sandbox.tune(["./train.sh", "--config", "grid.yml", "--job", "grid"])
        try #require(run.status == 0, "\(run)")
        #expect(run.stderr.contains("6 combinations") && run.stderr.contains("running 6 trials"), "\(run)")
        let trials = try await trialsJSON(sandbox, "grid")
        #expect(trials.count == 6)
        let points = trials.map { hyperparameters($0) }.map { "\($0["depth"] ?? "?")/\($0["kind"] ?? "?")" }
        #expect(Set(points) == ["1/a", "1/b", "1/c", "2/a", "2/b", "2/c"], "\(points)")
        #expect(points.count == Set(points).count, "all distinct: \(points)")

        let validate = try await sandbox.tune(["validate", "grid.yml"])
        #expect(validate.status == 0, "\(validate)")
        #expect(validate.stdout.contains("6 combinations"), "\(validate)")
    }

    @Test func validateShowsTheLauncher() async throws {
        let sandbox = try Sandbox()
        try sandbox.write(
            "slurm.yml",
            """
            launcher:
              type: slurm
              partition: gpu
              time: 90s
              cpusPerTask: 4
              mem: 16G
              gres: gpu:1
              extraArgs: [--exclude=node07]
            \(config(maxTrials: 2))
            """)
        let validate = try await sandbox.tune(["validate", "slurm.yml"])
        #expect(validate.status == 0, "\(validate)")
        #expect(
            validate.stdout.contains("\nlauncher    slurm (partition gpu, time 2m, 4 CPUs, mem 16G, gres gpu:1, extra --exclude=node07)\n"),
            "\(validate)")
        #expect(
            validate.stderr.contains("note: launcher.time 90s: Slurm counts time limits in whole minutes, so trials get 2 minutes"),
            "\(validate)")

        try sandbox.write("bad.yml", "launcher:\n  type: slurm\n  mem: 16GB\n" + config(maxTrials: 2))
        let bad = try await sandbox.tune(["validate", "bad.yml"])
        #expect(bad.status == 2, "\(bad)")
        #expect(bad.stderr.contains("bad.yml:3:8: error: launcher: mem must be a memory size"), "\(bad)")

        try sandbox.write("plain.yml", config(maxTrials: 2))
        let plain = try await sandbox.tune(["validate", "plain.yml"])
        #expect(plain.status == 0, "\(plain)")
        #expect(!plain.stdout.contains("launcher"), "no launcher block, no launcher line: \(plain)")
    }

    static let randomParams = """
          - parameterName: lr
            type: DOUBLE
            minValue: 0.0001
            maxValue: 0.1
            scaleType: UNIT_LOG_SCALE
          - parameterName: layers
            type: INTEGER
            minValue: 1
            maxValue: 100
          - parameterName: act
            type: CATEGORICAL
            categoricalValues: [relu, tanh, sigmoid, elu]
        """

    @Test func sameSeedSameTrials() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("s42.yml", config(maxTrials: 5, parallel: 2, extra: "seed: 42", params: Self.randomParams))
        try sandbox.write("s42-serial.yml", config(maxTrials: 5, parallel: 1, extra: "seed: 42", params: Self.randomParams))
        try sandbox.write("s43.yml", config(maxTrials: 5, parallel: 2, extra: "seed: 43", params: Self.randomParams))
        var points: [String: [Int: [String: String]]] = [:]
        for (job, file) in [("a", "s42.yml"), ("b", "s42-serial.yml"), ("c", "s43.yml")] {
            let run = try await sandbox.tune(["./train.sh", "--config", file, "--job", job])
            try #require(run.status == 0, "\(run)")
            points[job] = byId(try await trialsJSON(sandbox, job)).mapValues(hyperparameters)
        }
        #expect(points["a"]?.count == 5)
        #expect(points["a"] == points["b"], "seed 42 twice: the same trials")
        for id in 1...5 {
            #expect(points["a"]?[id] != points["c"]?[id], "seed 43 differs at trial \(id)")
        }
    }

    /// The default algorithm (ALGORITHM_UNSPECIFIED) is the Bayesian strategy, through the whole CLI:
    /// on a smooth bowl, with the same seed and budget, it ends closer to the optimum than random
    /// search, and a repeat of the job proposes the same trials.
    @Test func defaultAlgorithmIsBayesianAndBeatsRandomOnABowl() async throws {
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            for arg in "$@"; do case "$arg" in --x=*) x=${arg#*=} ;; --y=*) y=${arg#*=} ;; esac; done
            awk -v x="$x" -v y="$y" 'BEGIN { printf "loss=%.10f\\n", (x - 0.3) ^ 2 + (y + 0.2) ^ 2 }'
            """)
        let params = """
              - {parameterName: x, type: DOUBLE, minValue: -1, maxValue: 1}
              - {parameterName: y, type: DOUBLE, minValue: -1, maxValue: 1}
            """
        let bayes = config(maxTrials: 16, tag: "loss", goal: "MINIMIZE", algorithm: "ALGORITHM_UNSPECIFIED", extra: "seed: 3", params: params)
        try sandbox.write("bayes.yml", bayes)
        try sandbox.write("random.yml", config(maxTrials: 16, tag: "loss", goal: "MINIMIZE", extra: "seed: 3", params: params))
        var best: [String: Double] = [:]
        var points: [String: [Int: [String: String]]] = [:]
        for (job, file) in [("bayes", "bayes.yml"), ("again", "bayes.yml"), ("random", "random.yml")] {
            let run = try await sandbox.tune(["./train.sh", "--config", file, "--job", job])
            try #require(run.status == 0, "\(run)")
            let trials = try await trialsJSON(sandbox, job)
            #expect(trials.count == 16)
            best[job] = trials.compactMap(objective).min()
            points[job] = byId(trials).mapValues(hyperparameters)
        }
        let status = try await sandbox.tune(["status", "bayes"])
        #expect(status.stdout.contains("Bayesian optimization (GP + EI)"), "\(status)")
        #expect(points["bayes"] == points["again"], "the same seed gives the same trials")
        let (b, r) = (try #require(best["bayes"]), try #require(best["random"]))
        #expect(b < r, "Bayesian \(b) vs random \(r)")
        #expect(b < 1e-3, "the GP finds the bowl's bottom: \(b)")
    }
}
