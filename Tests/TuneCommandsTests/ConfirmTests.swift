import Foundation
import Testing
import TuneTestSupport

/// `tune confirm` end to end: the best configurations run again with seeds, in the same job,
/// grouped under the trial they repeat, with their statistics; a rerun tops up; what it refuses.
@Suite("End to end: tune confirm", .limitedParallelism)
struct ConfirmTests {
    /// acc = x plus a noise the seed decides (none on a first run): seed s adds noise[s].
    static let noise = [0.0, 0.01, -0.02, 0.03, -0.005, 0.015]

    /// Logs each run's TUNE_SEED and arguments; fails once for seed 2 of x=0.9 while `fail-once`
    /// exists; seed 1's first attempt waits while `hold` exists (after touching `held`).
    static func trainer(_ sandbox: Sandbox) throws {
        let table = noise.enumerated().map { "\($0.offset)) n=\($0.element);;" }.joined(separator: " ")
        _ = try sandbox.script(
            "train.sh",
            """
            echo "$TUNE_TRIAL_ID seed=${TUNE_SEED:-none} $*" >> '\(sandbox.path("runs.txt"))'
            for a in "$@"; do case "$a" in --x=*) x="${a#--x=}";; esac; done
            if [ "${TUNE_SEED:-}" = 2 ] && [ "$x" = 0.9 ] && [ -e '\(sandbox.path("fail-once"))' ]; then rm '\(sandbox.path("fail-once"))'; echo boom >&2; exit 3; fi
            if [ "${TUNE_SEED:-}" = 1 ] && [ "$TUNE_TRIAL_ATTEMPT" = 1 ] && [ -e '\(sandbox.path("hold"))' ]; then touch '\(sandbox.path("held"))'; sleep 60; fi
            case "${TUNE_SEED:-0}" in \(table) esac
            awk -v x="$x" -v n="$n" 'BEGIN { printf "acc=%.6f\\n", x + n }'
            """)
    }

    static let params = """
          - parameterName: x
            type: DISCRETE
            discreteValues: [0.1, 0.5, 0.8, 0.9]
        """

    @Test func theBestRunAgainWithSeedsGroupedWithTheirStatisticsAndTopUp() async throws {
        let sandbox = try Sandbox()
        try Self.trainer(sandbox)
        try sandbox.write("c.yml", config(maxTrials: 4, parallel: 2, algorithm: "GRID_SEARCH", params: Self.params))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "c", "-q"])
        try #require(run.status == 0, "\(run)")

        let confirm = try await sandbox.tune(["confirm", "c", "--top", "2", "--repeats", "3", "--seed-flag", "seed"])
        #expect(confirm.status == 0, "\(confirm)")
        let trials = try await trialsJSON(sandbox, "c")
        #expect(trials.count == 10)
        let originals = byId(trials).filter { $0.value["repeatOf"] == nil }
        let best = originals.sorted { (objective($0.value) ?? 0) > (objective($1.value) ?? 0) }.prefix(2).map(\.key)
        #expect(best.map { hyperparameters(originals[$0]!)["x"] } == ["0.9", "0.8"])

        // Each repeat follows its original, seeds 1…3, the same parameters; the trainer got TUNE_SEED and --seed.
        let order = trials.compactMap { ($0["trialId"] as? String).flatMap(Int.init) }
        let runs = sandbox.read("runs.txt") ?? ""
        for original in best {
            let repeats = trials.filter { $0["repeatOf"] as? String == String(original) }
            #expect(repeats.compactMap { $0["seed"] as? Int } == [1, 2, 3])
            let position = try #require(order.firstIndex(of: original))
            let ids = repeats.compactMap { ($0["trialId"] as? String).flatMap(Int.init) }
            #expect(Array(order[(position + 1)...(position + 3)]) == ids, "\(order)")
            let x = hyperparameters(originals[original]!)["x"]!
            for (repeated, seed) in zip(repeats, 1...3) {
                #expect(hyperparameters(repeated) == ["x": x])
                #expect(abs((objective(repeated) ?? 0) - (Double(x)! + Self.noise[seed])) < 1e-9)
                let id = repeated["trialId"] as! String
                #expect(runs.contains("\(id) seed=\(seed) --x=\(x) --seed=\(seed)\n"), "\(runs)")
            }
        }
        // The first runs had no seed.
        #expect(runs.contains("1 seed=none --x=0.1\n"), "\(runs)")

        // Statistics of the repeats (noise +0.01, −0.02, +0.03): mean x + 0.00667, sd 0.02517,
        // 95% CI ± t(0.975, 2) · sd / √3 = ± 0.06252; 0.1 apart, they differ beyond the noise
        // (Welch: standard error 0.02055, t(0.975, 4) = 2.776, p = 0.008).
        #expect(confirm.stdout.contains("0.9 ") && confirm.stdout.contains("0.9067"), "\(confirm.stdout)")
        #expect(confirm.stdout.contains("0.8067"), "\(confirm.stdout)")
        #expect(confirm.stdout.contains("0.02517"), "\(confirm.stdout)")
        #expect(confirm.stdout.contains("± 0.06252"), "\(confirm.stdout)")
        #expect(confirm.stdout.contains("best: trial \(best[0])'s configuration: acc mean 0.9067 ± 0.06252 (95% CI, 3 repeats)"), "\(confirm.stdout)")
        #expect(
            confirm.stdout.contains("better than trial \(best[1])'s (0.8067) beyond the noise: difference 0.1 ± 0.05705 (95%, Welch, p = 0.008)"),
            "\(confirm.stdout)")

        // Repeats are not the search's: the budget is spent, the grid done, nothing to resume.
        let resume = try await sandbox.tune(["resume", "c"])
        #expect(resume.status == 0 && resume.stdout.contains("Nothing to resume"), "\(resume)")
        #expect(resume.stdout.contains("all its 4 trials finished"), "\(resume)")
        let status = try await sandbox.tune(["status", "c"])
        #expect(status.stdout.contains("4/4 trials finished: 4 succeeded, 0 failed; 6 repeats (tune confirm): 6 succeeded"), "\(status.stdout)")
        #expect(status.stdout.contains("confirmed  2 configurations"), "\(status.stdout)")

        // Asked again: nothing to run. Wider and more: only the missing repeats, with the next seeds.
        let again = try await sandbox.tune(["confirm", "c", "--top", "2", "--repeats", "3"])
        #expect(again.status == 0 && again.stdout.contains("Nothing to run"), "\(again)")
        let wider = try await sandbox.tune(["confirm", "c", "--top", "3", "--repeats", "4"])
        #expect(wider.status == 0, "\(wider)")
        let after = try await trialsJSON(sandbox, "c")
        let seeds = { (original: Int) -> [Int] in after.filter { $0["repeatOf"] as? String == String(original) }.compactMap { $0["seed"] as? Int } }
        #expect(seeds(best[0]) == [1, 2, 3, 4])
        #expect(seeds(best[1]) == [1, 2, 3, 4])
        let third = try #require(originals.first { hyperparameters($0.value)["x"] == "0.5" }?.key)
        #expect(seeds(third) == [1, 2, 3, 4])
        #expect(wider.stderr.contains("with 6 repeats"), "\(wider.stderr)")
        let rows = wider.stdout.split(separator: "\n").map { $0.split(separator: " ") }.filter { $0.count > 3 && Int($0[0]) != nil }
        #expect(rows.map { $0[2] } == ["4", "4", "4"], "\(wider.stdout)")
    }

    @Test func aFailedRepeatIsMadeUpAndAnInterruptedOneRunsAgain() async throws {
        let sandbox = try Sandbox()
        try Self.trainer(sandbox)
        try sandbox.write("c.yml", config(maxTrials: 4, algorithm: "GRID_SEARCH", params: Self.params))
        try #require(try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "f", "-q"]).status == 0)

        // tune is SIGKILLed while repeat seed 1 runs (seed 2 created, waiting): the next confirm runs both again.
        _ = try sandbox.write("hold", "")
        let killed = try sandbox.start(["confirm", "f", "--top", "1", "--repeats", "2", "--grace-period", "1"])
        try #require(await sandbox.waitUntil { sandbox.exists("held") }, "\(killed.stderrSoFar)")
        killed.signal(SIGKILL)
        _ = await killed.finish()
        try FileManager.default.removeItem(atPath: sandbox.path("hold"))

        _ = try sandbox.write("fail-once", "")
        let first = try await sandbox.tune(["confirm", "f", "--top", "1", "--repeats", "2"])
        #expect(first.status == 0, "\(first)")
        #expect(first.stderr.contains("with 2 repeats (2 interrupted, run again)"), "\(first.stderr)")
        #expect(first.stdout.contains("(1 failed)"), "\(first.stdout)")
        let second = try await sandbox.tune(["confirm", "f", "--top", "1", "--repeats", "2"])
        #expect(second.status == 0, "\(second)")
        let repeats = try await trialsJSON(sandbox, "f").filter { $0["repeatOf"] != nil }
        #expect(repeats.map { $0["state"] as? String } == ["SUCCEEDED", "FAILED", "SUCCEEDED"])
        #expect(repeats.compactMap { $0["seed"] as? Int } == [1, 2, 3])
        #expect(repeats.first?["attempt"] as? Int == 2)
        #expect(second.stdout.contains("best: trial 4's configuration: acc mean 0.92 ± "), "\(second.stdout)")
    }

    @Test func whatConfirmRefuses() async throws {
        let sandbox = try Sandbox()
        try Self.trainer(sandbox)
        try sandbox.write("c.yml", config(maxTrials: 2, algorithm: "GRID_SEARCH", params: Self.params))
        try #require(try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "r", "-q"]).status == 0)
        let clash = try await sandbox.tune(["confirm", "r", "--seed-flag", "x"])
        #expect(clash.status == 2 && clash.stderr.contains("--seed-flag x: x is one of the job's hyperparameters"), "\(clash)")
        let dashes = try await sandbox.tune(["confirm", "r", "--seed-flag", "--seed"])
        #expect(dashes.status == 2, "\(dashes)")
        let zero = try await sandbox.tune(["confirm", "r", "--repeats", "0"])
        #expect(zero.status == 2 && zero.stderr.contains("--repeats 0"), "\(zero)")

        _ = try sandbox.script("fail.sh", "exit 1")
        try sandbox.write("f.yml", config(maxTrials: 1, params: Self.params))
        _ = try await sandbox.tune(["./fail.sh", "--config", "f.yml", "--job", "nothing", "-q"])
        let none = try await sandbox.tune(["confirm", "nothing"])
        #expect(none.status == 2 && none.stderr.contains("has no succeeded trial that ran to its end to re-check yet"), "\(none)")
        #expect(!sandbox.exists(".tune/nothing/trials/2"))
    }
}
