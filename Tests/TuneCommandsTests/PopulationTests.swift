import Foundation
import Testing
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Population-based training end to end: a real trainer that keeps its checkpoint in
/// `$TUNE_CHECKPOINT_DIR`, through the real `tune`: what each interval starts from, the lineage in
/// the journal, the listing, status, report and collect, and a population resumed after tune was
/// killed mid-interval.
@Suite("End to end: population-based training", .limitedParallelism)
struct PopulationTests {
    /// Trains "epochs": acc moves toward 1 − lr/2 at a speed that grows with lr, so a large lr
    /// leads early and a small one ends higher — a schedule wins. The checkpoint holds the epoch,
    /// acc, and the ids of the trials that trained each epoch (its history). Every start and end
    /// is logged as `<trial>.<attempt> start|end <epoch> <history>`. While `hold` exists, trial
    /// `HOLD_TRIAL`'s first attempt trains one epoch, saves it, touches `held` and waits.
    static func trainer(_ sandbox: Sandbox) throws {
        _ = try sandbox.script(
            "train.sh",
            """
            for a in "$@"; do case "$a" in --lr=*) lr="${a#--lr=}";; --epochs=*) epochs="${a#--epochs=}";; esac; done
            ck="$TUNE_CHECKPOINT_DIR/state"
            epoch=0; acc=0.1; hist=-
            if [ -f "$ck" ]; then read epoch acc hist < "$ck"; fi
            log='\(sandbox.path("runs.txt"))'
            echo "$TUNE_TRIAL_ID.$TUNE_TRIAL_ATTEMPT start $epoch $hist" >> "$log"
            while [ "$epoch" -lt "$epochs" ]; do
              epoch=$((epoch + 1))
              acc=$(awk -v a="$acc" -v lr="$lr" 'BEGIN { top = 1 - lr / 2; printf "%.6f", top - (top - a) * exp(-4 * lr) }')
              hist="$hist,$TUNE_TRIAL_ID"
              printf '%s %s %s\\n' "$epoch" "$acc" "$hist" > "$ck.tmp" && mv "$ck.tmp" "$ck"
              echo "epoch=$epoch acc=$acc"
              if [ "$TUNE_TRIAL_ID" = "${HOLD_TRIAL:-0}" ] && [ "$TUNE_TRIAL_ATTEMPT" = 1 ] && [ -e '\(sandbox.path("hold"))' ]; then
                touch '\(sandbox.path("held"))'; sleep 60
              fi
            done
            echo "$TUNE_TRIAL_ID.$TUNE_TRIAL_ATTEMPT end $epoch $hist" >> "$log"
            """)
        try sandbox.write(
            "pbt.yml",
            """
            goal: MAXIMIZE
            hyperparameterMetricTag: acc
            maxParallelTrials: 2
            algorithm: PBT
            resourceParameter: epochs
            maxResource: 6
            perturbationInterval: 2
            populationSize: 4
            seed: 7
            params:
              - parameterName: lr
                type: DOUBLE
                minValue: 0.01
                maxValue: 1
                scaleType: UNIT_LOG_SCALE

            """)
    }

    /// `<trial>.<attempt>` → (start epoch, start history) and → (end epoch, end history), from runs.txt.
    static func log(_ sandbox: Sandbox) -> (starts: [String: (Int, String)], ends: [String: (Int, String)]) {
        var starts: [String: (Int, String)] = [:]
        var ends: [String: (Int, String)] = [:]
        for line in (sandbox.read("runs.txt") ?? "").split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard words.count == 4, let epoch = Int(words[2]) else { continue }
            if words[1] == "start" { starts[words[0]] = (epoch, words[3]) } else { ends[words[0]] = (epoch, words[3]) }
        }
        return (starts, ends)
    }

    /// Every trial started from exactly the checkpoint its lineage names: the first interval from
    /// nothing, the others from the end state of the trial they continue (its last attempt).
    static func expectStartsFromLineage(_ trials: [[String: Any]], _ sandbox: Sandbox, sourceLocation: SourceLocation = #_sourceLocation) {
        let (starts, ends) = log(sandbox)
        let attempts = Dictionary(uniqueKeysWithValues: trials.map { ($0["trialId"] as! String, $0["attempt"] as? Int ?? 1) })
        for trial in trials {
            let id = trial["trialId"] as! String
            let key = "\(id).\(attempts[id]!)"
            guard let start = starts[key] else {
                Issue.record("trial \(key) never started: \(sandbox.read("runs.txt") ?? "")", sourceLocation: sourceLocation)
                continue
            }
            let source = (trial["donor"] as? String) ?? (trial["parent"] as? String)
            if let source {
                let end = ends["\(source).\(attempts[source]!)"]
                #expect(
                    end != nil && start.0 == end!.0 && start.1 == end!.1, "trial \(key) started at \(start), trial \(source) ended at \(String(describing: end))",
                    sourceLocation: sourceLocation)
            } else {
                #expect(start.0 == 0 && start.1 == "-", "trial \(key) is a first interval: \(start)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("each interval starts from a copy of the checkpoint its lineage names; listing, status, report and collect show the schedule")
    func population() async throws {
        let sandbox = try Sandbox()
        try Self.trainer(sandbox)
        let run = try await sandbox.tune(["./train.sh", "--config", "pbt.yml", "--job", "p"])
        try #require(run.status == 0, "\(run)")
        #expect(run.stdout.contains("the best model's schedule (member"), "\(run.stdout)")

        let trials = try await trialsJSON(sandbox, "p")
        #expect(trials.count == 12, "4 members × 3 intervals")
        #expect(trials.allSatisfy { $0["state"] as? String == "SUCCEEDED" })
        Self.expectStartsFromLineage(trials, sandbox)
        let exploits = trials.filter { $0["donor"] != nil }
        #expect(exploits.count == 2, "one of the 4 members exploits after each of the 2 decisions: \(exploits.map { $0["trialId"]! })")
        for trial in exploits {
            let donor = trials.first { $0["trialId"] as? String == trial["donor"] as? String }!
            #expect(donor["member"] as? Int != trial["member"] as? Int, "never a member onto itself")
            #expect(donor["interval"] as? Int == (trial["interval"] as! Int) - 1)
            let ratio = Double(hyperparameters(trial)["lr"]!)! / Double(hyperparameters(donor)["lr"]!)!
            // Perturbed by 0.8 or 1.2 (within the bounds), or resampled.
            #expect(ratio != 1, "explored: \(ratio)")
        }

        // Listed by member, best member first: its latest interval, then its earlier ones.
        let best = trials[0]
        #expect(best["interval"] as? Int == 3)
        #expect(trials.prefix(3).map { $0["member"] as? Int } == Array(repeating: best["member"] as? Int, count: 3))
        #expect(trials.prefix(3).map { $0["interval"] as? Int } == [3, 2, 1])
        let schedule = try #require(best["schedule"] as? [[String: Any]])
        #expect(schedule.map { $0["to"] as? Int } == [2, 4, 6])
        // The schedule is the chain of checkpoints: the history in the best trial's checkpoint.
        let (_, ends) = Self.log(sandbox)
        let history = ends["\(best["trialId"]!).1"]!.1.split(separator: ",").dropFirst().map(String.init)
        #expect(history == schedule.flatMap { step in Array(repeating: step["trialId"] as! String, count: 2) }, "\(history) vs \(schedule)")

        let table = try await sandbox.tune(["trials", "p"])
        #expect(table.stdout.contains("member") && table.stdout.contains("interval") && table.stdout.contains("donor"), "\(table.stdout)")
        let status = try await sandbox.tune(["status", "p"])
        #expect(status.stdout.contains("population  4 of 4 members started; every member through interval 3 of 3 (2 epochs each); 2 exploits so far"), "\(status.stdout)")
        #expect(status.stdout.contains("epochs 5–6"), "\(status.stdout)")

        // Only the last interval's checkpoints are kept: the earlier ones were spent.
        let kept = Set(sandbox.list(".tune/p/checkpoints"))
        #expect(kept == Set(trials.filter { $0["interval"] as? Int == 3 }.map { $0["trialId"] as! String }), "\(kept)")

        let collect = try await sandbox.tune(["collect", "p", "--to", "out"])
        #expect(collect.status == 0, "\(collect)")
        let folder = "out/p-\(best["trialId"]!)"
        #expect(sandbox.read(folder + "/checkpoint/state")?.hasPrefix("6 ") == true)
        let written = try #require(sandbox.read(folder + "/schedule.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: Any])
        #expect((json["schedule"] as? [[String: Any]])?.count == 3)
        #expect(json["resourceParameter"] as? String == "epochs")

        let report = try await sandbox.tune(["report", "p", "-o", "r.html"])
        #expect(report.status == 0, "\(report)")
        let html = sandbox.read("r.html") ?? ""
        #expect(html.contains("<section id=\"population-section\">"))
        #expect(html.components(separatedBy: "class=\"schedule best\"").count == 2, "the best schedule drawn once for lr")
        #expect(html.components(separatedBy: "data-donor=").count == 3, "a lineage row per exploit")
    }

    @Test("killed mid-interval, the population resumes: the interrupted interval starts again from the same copied checkpoint")
    func resumeMidPopulation() async throws {
        let sandbox = try Sandbox()
        try Self.trainer(sandbox)
        try sandbox.write("hold", "")
        // Trial 6 is member 2's second interval (maxParallelTrials 2 keeps the order: 1-4, then 5-8).
        let tune = try sandbox.start(["./train.sh", "--config", "pbt.yml", "--job", "r", "--grace-period", "0.5"], env: ["HOLD_TRIAL": "6"])
        let held = await sandbox.waitUntil(timeout: 60) { sandbox.exists("held") }
        try #require(held, "trial 6 held: \(tune.stderrSoFar)")
        tune.signal(SIGKILL)
        _ = await tune.finish()
        try FileManager.default.removeItem(atPath: sandbox.path("hold"))

        let resumed = try await sandbox.tune(["resume", "r", "--grace-period", "0.5"], timeout: 120)
        #expect(resumed.status == 0, "\(resumed)")
        let trials = try await trialsJSON(sandbox, "r")
        #expect(trials.count == 12, "\(trials.map { $0["trialId"]! })")
        #expect(trials.allSatisfy { $0["state"] as? String == "SUCCEEDED" })
        let six = try #require(trials.first { $0["trialId"] as? String == "6" })
        #expect(six["attempt"] as? Int == 2)
        let (starts, ends) = Self.log(sandbox)
        // The first attempt trained an epoch into its folder before tune died; the second started over from the copy.
        #expect(ends["6.1"] == nil)
        #expect(starts["6.1"]?.0 == starts["6.2"]?.0 && starts["6.1"]?.1 == starts["6.2"]?.1, "\(starts)")
        Self.expectStartsFromLineage(trials, sandbox)
        // The lineage is the one the first run would have made: the same as an uninterrupted job with the same seed.
        let straight = try await sandbox.tune(["./train.sh", "--config", "pbt.yml", "--job", "s"])
        #expect(straight.status == 0, "\(straight)")
        let again = try await trialsJSON(sandbox, "s")
        func lineage(_ trials: [[String: Any]]) -> [String] {
            trials.map { "\($0["trialId"]!) m\($0["member"]!) i\($0["interval"]!) p\($0["parent"] ?? "-") d\($0["donor"] ?? "-") \(hyperparameters($0))" }.sorted()
        }
        #expect(lineage(trials) == lineage(again))
    }
}
