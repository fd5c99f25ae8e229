import Foundation
import Testing
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// enableTrialEarlyStopping and HYPERBAND, with real trials printing learning curves.
@Suite("End to end: early stopping and Hyperband", .limitedParallelism)
struct StoppingTests {
    /// acc(e) = x·(1 − 0.5^e) for e = 1…epochs (default 10), one line per epoch: a larger x is better
    /// at every epoch. With a checkpoint in $TUNE_CHECKPOINT_DIR it goes on from where it stopped.
    /// Logs "<configuration> <epochs> <first epoch> <checkpoint dir>" per run.
    static let curve = """
        x=0.5; epochs=10
        for a in "$@"; do
          case $a in --x=*) x=${a#--x=};; --epochs=*) epochs=${a#--epochs=};; esac
        done
        first=1
        if [ -f "$TUNE_CHECKPOINT_DIR/done" ]; then first=$(( $(cat "$TUNE_CHECKPOINT_DIR/done") + 1 )); fi
        echo "${TUNE_CONFIGURATION:-$TUNE_TRIAL_ID} $epochs $first $TUNE_CHECKPOINT_DIR $*" >> "$RUNS"
        e=$first
        while [ $e -le $epochs ]; do
          sleep ${EPOCH_SECONDS:-0.03}
          echo "epoch=$e acc=$(awk "BEGIN { print $x * (1 - 0.5 ^ $e) }")"
          echo $e > "$TUNE_CHECKPOINT_DIR/done"
          e=$((e + 1))
        done
        """

    /// A HYPERBAND job over 1…9 epochs of the curve script, each run logged to runs.txt.
    static func hyperbandJob(
        _ job: String, maxTrials: Int, parallel: Int, epochSeconds: String,
        extra: String
    ) async throws -> (Sandbox, TuneOutcome) {
        let sandbox = try Sandbox()
        try sandbox.script("curve.sh", curve)
        try sandbox.write(
            "h.yml",
            config(
                maxTrials: maxTrials, parallel: parallel, algorithm: "HYPERBAND",
                extra: "resourceParameter: epochs\nminResource: 1\nmaxResource: 9\n" + extra))
        let run = try await sandbox.tune(
            ["./curve.sh", "--config", "h.yml", "--job", job],
            env: ["RUNS": sandbox.path("runs.txt"), "EPOCH_SECONDS": epochSeconds])
        return (sandbox, run)
    }

    @Test func aTrialBehindTheMedianIsStoppedAndABetterOneNeverIs() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("curve.sh", Self.curve)
        // One at a time, in this order: three complete, then 0.1 falls behind, 0.95 stays ahead.
        try sandbox.write(
            "c.yml",
            config(
                maxTrials: 5, parallel: 1, algorithm: "GRID_SEARCH",
                extra: """
                    enableTrialEarlyStopping: true
                    earlyStopping: {minTrials: 3, startStep: 2}
                    """,
                params: """
                      - parameterName: x
                        type: CATEGORICAL
                        categoricalValues: ["0.9", "0.8", "0.85", "0.1", "0.95"]
                    """))
        let run = try await sandbox.tune(["./curve.sh", "--config", "c.yml", "--job", "m"], env: ["RUNS": sandbox.path("runs.txt")])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("trial 4 stopped early at step 2"), "\(run)")
        let trials = byId(try await trialsJSON(sandbox, "m"))
        for id in [1, 2, 3, 5] {
            #expect(trials[id]?["isTrialStoppedEarly"] as? Bool == false, "trial \(id): \(trials[id] ?? [:])")
            #expect(trainingStep(trials[id] ?? [:]) == "10")
        }
        let stopped = try #require(trials[4])
        #expect(stopped["isTrialStoppedEarly"] as? Bool == true)
        #expect(stopped["state"] as? String == "SUCCEEDED", "Cloud ML records a stopped trial as SUCCEEDED")
        #expect(trainingStep(stopped) == "2", "stopped at once, at step 2: \(stopped)")
        #expect(abs((objective(stopped) ?? 0) - 0.075) < 1e-9, "its last value: \(stopped)")
        #expect((stopped["failureReason"] as? String)?.contains("median stopping rule") == true)
        let status = try await sandbox.tune(["status", "m"])
        #expect(status.stdout.contains("1 trial stopped early"), "\(status)")
        let table = try await sandbox.tune(["trials", "m"])
        #expect(table.stdout.contains("stoppedEarly"), "\(table)")
    }

    @Test func hyperbandRunsRungsWithTheirBudgetsAndPromotesTheBest() async throws {
        let (sandbox, run) = try await Self.hyperbandJob(
            "h", maxTrials: 20, parallel: 1, epochSeconds: "0.005",
            extra: "reductionFactor: 3\nhyperbandBrackets: 1\nseed: 5")
        #expect(run.status == 0, "\(run)")
        let trials = try await trialsJSON(sandbox, "h")
        #expect(trials.count == 20)
        let runs = (sandbox.read("runs.txt") ?? "").split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(runs.count == 20)
        // Every run got --epochs=<its rung's budget>, after its hyperparameter flags.
        let budgets = [0: 1, 1: 3, 2: 9]
        var rungOf: [Int: [Int: Double]] = [:]  // rung → configuration → value
        for trial in trials {
            let configuration = try #require(trial["configuration"] as? Int, "\(trial)")
            let rung = try #require(trial["rung"] as? Int)
            let budget = try #require(trial["budget"] as? Int)
            #expect(budgets[rung] == budget, "\(trial)")
            #expect(trainingStep(trial) == String(budget), "ran to its budget: \(trial)")
            rungOf[rung, default: [:]][configuration] = objective(trial)
        }
        for fields in runs {
            #expect(fields.last == "--epochs=\(fields[1])", "the budget flag comes last: \(fields)")
        }
        // One bracket (successive halving): fewer configurations at each rung up, and each
        // promoted one ran the rung below first, continuing from its checkpoint.
        let counts = (0...2).map { rungOf[$0]?.count ?? 0 }
        #expect(counts[0] > counts[1] && counts[1] >= counts[2] && counts[2] >= 1, "\(counts)")
        let byConfiguration = Dictionary(grouping: runs, by: { $0[0] })
        for (configuration, its) in byConfiguration where its.count > 1 {
            #expect(Set(its.map { $0[3] }).count == 1, "one checkpoint folder per configuration \(configuration): \(its)")
            let budgetsRun = its.map { Int($0[1])! }
            let firsts = its.map { Int($0[2])! }
            #expect(budgetsRun == budgetsRun.sorted(), "\(its)")
            // Each promoted run started after the epochs the previous run did.
            for index in 1..<its.count { #expect(firsts[index] == budgetsRun[index - 1] + 1, "\(its)") }
        }
        // Every run is the one ASHA's rule calls for (one trial at a time, so every earlier trial had
        // finished): from the top rung down, the best configuration in the top ⌊n/3⌋ of a rung's n
        // results that has not run at the next rung yet; else a new configuration at rung 0. So the
        // number of configurations at each rung is exactly what the rule gives for these values.
        let ordered = trials.sorted { Int($0["trialId"] as! String)! < Int($1["trialId"] as! String)! }
        for (index, trial) in ordered.enumerated() {
            let earlier = ordered[..<index]
            var expected: (configuration: Int?, rung: Int) = (nil, 0)
            search: for rung in stride(from: 1, through: 0, by: -1) {
                let results = earlier.filter { $0["rung"] as? Int == rung }
                    .sorted { (objective($0) ?? -1, -(Int($0["trialId"] as! String)!)) > (objective($1) ?? -1, -(Int($1["trialId"] as! String)!)) }
                for candidate in results.prefix(results.count / 3) {
                    let configuration = candidate["configuration"] as? Int
                    if !earlier.contains(where: { $0["configuration"] as? Int == configuration && $0["rung"] as? Int == rung + 1 }) {
                        expected = (configuration, rung + 1)
                        break search
                    }
                }
            }
            #expect(trial["rung"] as? Int == expected.rung, "trial \(index + 1): \(trial)")
            if let configuration = expected.configuration {
                #expect(trial["configuration"] as? Int == configuration, "trial \(index + 1) promotes configuration \(configuration): \(trial)")
            } else {
                let seen = earlier.compactMap { $0["configuration"] as? Int }
                #expect(trial["configuration"] as? Int == (seen.max() ?? 0) + 1, "trial \(index + 1) starts a new configuration: \(trial)")
            }
        }
        // Best first: the best at the largest budget.
        #expect(trials.first?["budget"] as? Int == 9, "\(trials.first ?? [:])")
        let status = try await sandbox.tune(["status", "h"])
        #expect(status.stdout.contains("runs by epochs: \(counts[0]) at 1, \(counts[1]) at 3, \(counts[2]) at 9"), "\(status)")
    }

    @Test func hyperbandKeepsEverySlotBusy() async throws {
        // Random configurations: this measures the scheduler, and a debug build's GP proposal on a
        // loaded machine can itself take a second (model-based jobs: the next test).
        let (sandbox, run) = try await Self.hyperbandJob(
            "busy", maxTrials: 15, parallel: 3, epochSeconds: "0.05", extra: "seed: 2\nhyperbandSampler: RANDOM")
        #expect(run.status == 0, "\(run)")
        let trials = try await trialsJSON(sandbox, "busy")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let spans = trials.compactMap { trial -> (Date, Date)? in
            guard let start = (trial["startTime"] as? String).flatMap(formatter.date), let end = (trial["endTime"] as? String).flatMap(formatter.date) else { return nil }
            return (start, end)
        }.sorted { $0.0 < $1.0 }
        #expect(spans.count == 15)
        // Until the last trial started, three ran at once: every trial past the first three
        // started right after another ended (no waiting for a rung to fill).
        let ends = spans.map(\.1).sorted()
        for (index, span) in spans.enumerated() where index >= 3 {
            let freed = ends.filter { $0 <= span.0.addingTimeInterval(0.001) }.last
            let gap = freed.map { span.0.timeIntervalSince($0) } ?? .infinity
            #expect(gap < 1.0, "trial started \(gap)s after a slot freed")
            let overlapping = spans.filter { $0.0 <= span.0 && $0.1 > span.0 }.count
            #expect(overlapping <= 3)
        }
        let startsBeforeLast = spans.last!.0
        let busy = spans.filter { $0.0 < startsBeforeLast }.count
        #expect(busy >= 12)
    }

    /// The same seed with each sampler, one run at a time: configurations 3, 6, 9, … (random in
    /// both) are the same points, and the model's own configurations, once a rung has d + 2 = 3
    /// results, are not random search's.
    @Test func modelBasedHyperbandKeepsEveryThirdConfigurationRandom() async throws {
        var points: [String: [Int: String]] = [:]  // sampler → configuration → x
        for sampler in ["MODEL", "RANDOM"] {
            let job = sampler.lowercased()
            let (sandbox, run) = try await Self.hyperbandJob(
                job, maxTrials: 14, parallel: 1, epochSeconds: "0.005", extra: "seed: 5\nhyperbandSampler: \(sampler)")
            #expect(run.status == 0, "\(run)")
            for trial in try await trialsJSON(sandbox, job) {
                let configuration = try #require(trial["configuration"] as? Int)
                points[sampler, default: [:]][configuration] = (trial["hyperparameters"] as? [String: Any])?["x"] as? String
            }
            let status = try await sandbox.tune(["status", job])
            let expected = sampler == "MODEL" ? "model-based configurations: GP + EI" : "random configurations"
            #expect(status.stdout.contains(expected), "\(status)")
        }
        let model = try #require(points["MODEL"])
        let random = try #require(points["RANDOM"])
        let shared = Set(model.keys).intersection(random.keys)
        for configuration in shared where configuration % 3 == 0 {
            #expect(model[configuration] == random[configuration], "configuration \(configuration) is random in both")
        }
        #expect(shared.contains { $0 % 3 != 0 && model[$0] != random[$0] }, "model: \(model), random: \(random)")
    }

    @Test(arguments: [
        ("algorithm: HYPERBAND\nmaxResource: 9", "missing resourceParameter"),
        ("algorithm: HYPERBAND\nresourceParameter: epochs", "missing maxResource"),
        ("algorithm: HYPERBAND\nresourceParameter: epochs\nminResource: 2\nmaxResource: 3", "gives a single rung"),
        ("algorithm: HYPERBAND\nresourceParameter: x\nmaxResource: 9", "x is HYPERBAND's resourceParameter"),
        ("resourceParameter: epochs", "resourceParameter only applies to algorithm: HYPERBAND"),
        ("enableTrialEarlyStopping: true\nearlyStopping: {minTrials: 0}", "earlyStopping: minTrials"),
        ("earlyStopping: {minTrails: 3}", "did you mean 'minTrials'"),
    ])
    func badStoppingConfigIsRefused(extra: String, message: String) async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=1")
        let text = config(maxTrials: 3, algorithm: "RANDOM_SEARCH", extra: extra).replacingOccurrences(
            of: "algorithm: RANDOM_SEARCH\n", with: extra.contains("algorithm:") ? "" : "algorithm: RANDOM_SEARCH\n")
        try sandbox.write("c.yml", text)
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml"])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains(message), "\(run)")
        #expect(!sandbox.exists(".tune"))
    }
}
