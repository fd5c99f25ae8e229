import Foundation
import Testing
import TuneCore
import TuneTestSupport

/// Several objectives and safety metrics, end to end (issue 18): real trials report acc,
/// latency and mem; tune ranks them by Pareto front, marks the unsafe ones, and every command
/// shows it.
@Suite("End to end: several objectives, the Pareto front and safety thresholds", .limitedParallelism)
struct MultiObjectiveTests {
    /// Trial with --x=k reports (acc, latency, mem):
    /// 1: (0.6, 10), 2: (0.7, 20), 3: (0.65, 25) dominated by 2, 4 and 5: (0.8, 40) a tie,
    /// 6: (0.9, 90) with mem 2000 over its bound, 7: acc only (no latency: it fails).
    static let trial = """
        x=$(printf '%s' "$1" | sed 's/^--x=//')
        case $x in
          1*) echo "acc=0.6 latency=10 mem=100" ;;
          2*) echo "acc=0.7 latency=20 mem=100" ;;
          3*) echo "acc=0.65 latency=25 mem=100" ;;
          4*|5*) echo "acc=0.8 latency=40 mem=100" ;;
          6*) echo "acc=0.9 latency=90 mem=2000" ;;
          *) echo "acc=0.95" ;;
        esac
        """

    static let config = """
        maxTrials: 7
        algorithm: GRID_SEARCH
        metrics:
        - {metricId: acc, goal: MAXIMIZE}
        - {metricId: latency, goal: MINIMIZE}
        - {metricId: mem, goal: MINIMIZE, safetyConfig: {safetyThreshold: 1000}}
        params:
        - parameterName: x
          type: DISCRETE
          discreteValues: [1, 2, 3, 4, 5, 6, 7]

        """

    static func runJob(_ sandbox: Sandbox) async throws -> TuneOutcome {
        try sandbox.script("train.sh", Self.trial)
        try sandbox.write("c.yml", Self.config)
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "m"])
        try #require(run.status == 0, "\(run)")
        return run
    }

    @Test("trials: front first (ties share it, ordered by the first objective), then the next front, then unsafe, then failed")
    func theFrontInEveryCommand() async throws {
        let sandbox = try Sandbox()
        let run = try await Self.runJob(sandbox)
        #expect(run.stdout.contains("Pareto front: 4 trials · 5 of 6 succeeded trials safe"), "\(run)")
        #expect(run.stdout.contains("On the front, best acc: trial 4: acc=0.8, latency=40.0 (step "), "\(run)")
        #expect(run.stdout.contains("tune collect m --trials pareto"), "\(run)")

        // JSON: best first, with each trial's rank and Vertex's infeasible fields.
        let trials = try await trialsJSON(sandbox, "m")
        #expect(trials.compactMap { ($0["trialId"] as? String).flatMap(Int.init) } == [4, 5, 2, 1, 3, 6, 7])
        let ranks = Dictionary(uniqueKeysWithValues: trials.compactMap { t in (t["trialId"] as? String).flatMap(Int.init).map { ($0, t["paretoRank"] as? Int) } })
        #expect(ranks == [1: 1, 2: 1, 3: 2, 4: 1, 5: 1, 6: nil, 7: nil])
        let unsafe = try #require(byId(trials)[6])
        #expect(unsafe["infeasible"] as? Bool == true)
        #expect(unsafe["infeasibleReason"] as? String == "mem = 2000.0 (safe: mem ≤ 1000)")
        #expect(byId(trials)[4]?["paretoOptimal"] as? Bool == true && byId(trials)[4]?["infeasible"] == nil)
        let failed = try #require(byId(trials)[7])
        #expect((failed["failureReason"] as? String)?.contains("never reported the metric 'latency'") == true, "\(failed)")

        // The table: a front column, each objective, the safety metric and whether it held.
        let table = try await sandbox.tune(["trials", "m"])
        let lines = table.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.first?.prefix(6) == ["front", "acc", "latency", "trainingStep", "mem", "safe"], "\(table)")
        #expect(lines.dropFirst().map { $0.first ?? "" } == ["*", "*", "*", "*", "2", "-", "-"], "\(table)")
        #expect(table.stdout.contains("unsafe: mem = 2000.0 (safe: mem ≤ 1000)"), "\(table)")
        let front = try await sandbox.tune(["trials", "m", "--pareto"])
        #expect(front.stdout.split(separator: "\n").count == 5, "a header and the 4 trials of the front: \(front)")
        let frontJSON = try await trialsJSON(sandbox, "m", extra: ["--pareto"])
        #expect(frontJSON.compactMap { $0["trialId"] as? String } == ["4", "5", "2", "1"])

        // CSV: the rank and feasibility columns, and every metric.
        let csv = try await sandbox.tune(["trials", "m", "--format", "csv"])
        let rows = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(rows.first)
        let rank = try #require(header.firstIndex(of: "paretoRank"))
        let feasible = try #require(header.firstIndex(of: "feasible"))
        #expect(header.suffix(2) == ["latency", "mem"], "\(csv)")
        // (Trial 7's row is left out: its quoted failure reason holds commas.)
        #expect(rows.dropFirst().prefix(6).map { $0[rank] } == ["1", "1", "1", "1", "2", ""])
        #expect(rows.dropFirst().prefix(6).map { $0[feasible] } == ["true", "true", "true", "true", "true", "false"])

        // Status and collect.
        let status = try await sandbox.tune(["status", "m"])
        #expect(status.stdout.contains("Pareto front of acc (MAXIMIZE), latency (MINIMIZE); safe when mem ≤ 1000"), "\(status)")
        #expect(status.stdout.contains("front     4 trials: 4, 5, 2, 1 (tune trials m --pareto)"), "\(status)")
        #expect(status.stdout.contains("safe      5 of 6 succeeded trials within mem ≤ 1000"), "\(status)")
        #expect(status.stdout.contains("best acc  trial 4: acc=0.8, latency=40.0"), "\(status)")
        let collect = try await sandbox.tune(["collect", "m", "--trials", "pareto", "--to", "out"])
        #expect(collect.status == 0, "\(collect)")
        #expect(sandbox.list("out") == ["m-1", "m-2", "m-4", "m-5"])
        #expect(collect.stdout.contains("trial 2 (acc=0.7, latency=20.0) → out/m-2"), "\(collect)")
        let best = try await sandbox.tune(["collect", "m", "--to", "best"])
        #expect(sandbox.list("best") == ["m-4"])
        #expect(best.stderr.contains("`--trials pareto` collects the whole front (4 trials)"), "\(best)")
        let jobs = try await sandbox.tune(["jobs"])
        #expect(jobs.stdout.contains("front of 4"), "\(jobs)")

        // The terminal chart: latency against acc, the front as *, trial 3 as ·, trial 6 as ×.
        let plot = try await sandbox.tune(["plot", "m", "--front", "--width", "80", "--height", "16"])
        #expect(plot.status == 0, "\(plot)")
        let chart = plot.stdout.split(separator: "\n").map(String.init)
        #expect(chart.first?.hasPrefix("job m · Pareto front of acc, latency · 4 on the front") == true, "\(plot)")
        #expect(chart.last == "* Pareto front  · dominated  × unsafe · y: latency ↓ · x: acc ↑", "\(plot)")
        let marks = chart.dropFirst().dropLast(3).joined()
        #expect(marks.filter { $0 == "*" }.count == 3, "trials 4 and 5 share a cell: \(plot)")
        #expect(marks.filter { $0 == "·" }.count == 1 && marks.filter { $0 == "×" }.count == 1, "\(plot)")
        let history = try await sandbox.tune(["plot", "m", "--width", "80", "--height", "16"])
        #expect(history.stdout.contains("× unsafe") && history.stdout.contains("─ best so far"), "\(history)")
    }

    @Test("tune plot --front on a job with one objective is a usage error")
    func frontNeedsSeveralObjectives() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("c.yml", "hyperparameterMetricTag: acc\nparams:\n- {parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}\n")
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "one"])
        try #require(run.status == 0, "\(run)")
        let plot = try await sandbox.tune(["plot", "one", "--front"])
        #expect(plot.status == 2, "\(plot)")
        #expect(plot.stderr.contains("job one has one objective (acc): --front charts jobs with several (a metrics: list)"), "\(plot)")
    }

    @Test("a job whose every trial crosses its safety bound has no best trial and no front")
    func noSafeTrial() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo \"acc=0.5 mem=5000\"")
        try sandbox.write(
            "c.yml",
            """
            maxTrials: 3
            algorithm: RANDOM_SEARCH
            metrics:
            - {metricId: acc, goal: MAXIMIZE}
            - {metricId: mem, goal: MINIMIZE, safetyConfig: {safetyThreshold: 1000}}
            params:
            - {parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}

            """)
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "u"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("0 of 3 succeeded trials safe"), "\(run)")
        #expect(!run.stdout.contains("Best trial"), "\(run)")
        let status = try await sandbox.tune(["status", "u"])
        #expect(status.stdout.contains("best      none yet"), "\(status)")
        let collect = try await sandbox.tune(["collect", "u"])
        #expect(collect.status != 0, "\(collect)")
        let front = try await sandbox.tune(["trials", "u", "--pareto"])
        #expect(front.stdout.contains("job u has no feasible succeeded trial yet, so no Pareto front"), "\(front)")
    }

    @Test("resume and warm start carry every objective and safety value to the strategy")
    func resumeAndWarmStart() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "x=${1#--x=}\nawk \"BEGIN { print \\\"a=\\\" $x \\\" b=\\\" 1 - $x * $x \\\" s=\\\" $x }\"")
        let metrics = """
            metrics:
            - {metricId: a, goal: MAXIMIZE}
            - {metricId: b, goal: MAXIMIZE}
            - {metricId: s, goal: MINIMIZE, safetyConfig: {safetyThreshold: 0.8}}
            params:
            - {parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}

            """
        try sandbox.write("c.yml", "maxTrials: 3\n" + metrics)
        let first = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "a"])
        try #require(first.status == 0, "\(first)")
        let resumed = try await sandbox.tune(["resume", "a", "--max-trials", "8"])
        #expect(resumed.status == 0, "\(resumed)")
        let store = JobStore(root: sandbox.store)
        let job = try store.load("a")
        #expect(job.trials.count == 8 && job.count(.succeeded) == 8)
        #expect(job.header.strategy == "Bayesian optimization (ParEGO: GP + EI × P(safe) on random scalarizations)")
        for observation in job.observations {
            let x = try #require(observation.assignment["x"]?.number)
            // awk prints 6 significant digits.
            let values = try #require(observation.objectives)
            #expect(values.count == 2 && zip(values, [x, 1 - x * x]).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(values) at x = \(x)")
            #expect(observation.safetyValues?.count == 1)
        }
        // Every trial with x ≤ 0.8 is feasible and on the front (a rises and b falls with x).
        let feasible = job.trials.filter { job.isFeasible($0) }
        #expect(Set(job.paretoFront.map(\.id)) == Set(feasible.map(\.id)))

        try sandbox.write("warm.yml", "maxTrials: 2\nresumePreviousJobId: a\n" + metrics)
        let warm = try await sandbox.tune(["./train.sh", "--config", "warm.yml", "--job", "w"])
        #expect(warm.status == 0, "\(warm)")
        let warmed = try store.load("w")
        #expect(warmed.priorTrials.count == 8)
        let prior = warmed.observations.filter { $0.trialId < 0 }
        #expect(prior.count == 8 && prior.allSatisfy { $0.objectives?.count == 2 && $0.safetyValues?.count == 1 })
    }

    /// Hyperband promotes, and the median rule stops, by the first objective alone: a note says
    /// so, and the job's trials still rank by front at the end.
    @Test("Hyperband and the median rule with several objectives go by the first, with a note", arguments: ["HYPERBAND", "MEDIAN"])
    func stoppingByTheFirstObjective(_ kind: String) async throws {
        let sandbox = try Sandbox()
        // Per epoch e of its budget, acc = x·e/9 and cost = e·(1 − x) + 1: a trade-off at every budget.
        try sandbox.script(
            "train.sh",
            """
            x=0; epochs=9
            for arg in "$@"; do case $arg in --x=*) x=${arg#--x=} ;; --epochs=*) epochs=${arg#--epochs=} ;; esac; done
            e=1
            while [ $e -le $epochs ]; do
              awk -v x="$x" -v e="$e" 'BEGIN { printf "step=%d acc=%g cost=%g\\n", e, x * e / 9, e * (1 - x) + 1 }'
              e=$((e + 1))
            done
            """)
        let stopping = kind == "HYPERBAND" ? "algorithm: HYPERBAND\nresourceParameter: epochs\nmaxResource: 9" : "algorithm: RANDOM_SEARCH\nenableTrialEarlyStopping: true"
        try sandbox.write(
            "c.yml",
            """
            maxTrials: 8
            \(stopping)
            metrics:
            - {metricId: acc, goal: MAXIMIZE}
            - {metricId: cost, goal: MINIMIZE}
            params:
            - {parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}

            """)
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "h"])
        #expect(run.status == 0, "\(run)")
        let rule = kind == "HYPERBAND" ? "Hyperband promotes" : "the median stopping rule stops"
        #expect(run.stderr.contains("\(rule) trials by the first objective, acc, alone; cost count only once a trial ends"), "\(run)")
        let trials = try await trialsJSON(sandbox, "h")
        #expect(trials.filter { $0["paretoOptimal"] as? Bool == true }.count >= 1, "\(trials)")
        #expect(trials.first?["paretoRank"] as? Int == 1)
    }
}
