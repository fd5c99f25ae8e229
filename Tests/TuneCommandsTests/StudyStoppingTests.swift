import Foundation
import Testing
import TuneCore
import TuneTestSupport

/// Job-level stop rules (issue 19, first step): `targetValue`, Vertex AI's
/// `studyStoppingConfig` (no progress in N trials or for a duration, a time limit across resumes,
/// the floors), each run end to end with real trials, and `tune resume --max-trials` going on.
@Suite("End to end: job stop rules", .limitedParallelism)
struct StudyStoppingTests {
    /// Trial with --x=k prints acc=k/10.
    static let linear = """
        x=$(printf '%s' "$1" | sed 's/^--x=//')
        echo "acc=$(awk -v x="$x" 'BEGIN { print x / 10 }')"
        """

    static func grid(_ extra: String, goal: String = "MAXIMIZE", maxTrials: Int = 8) -> String {
        """
        maxTrials: \(maxTrials)
        algorithm: GRID_SEARCH
        goal: \(goal)
        hyperparameterMetricTag: acc
        \(extra)
        params:
        - {parameterName: x, type: DISCRETE, discreteValues: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}

        """
    }

    @Test("targetValue stops new trials once a trial reaches it; resume --max-trials goes on from there")
    func targetValue() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", Self.linear)
        try sandbox.write("c.yml", Self.grid("targetValue: 0.45"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "t"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("tune: stopping: target reached: trial 5 has acc=0.5 (targetValue ≥ 0.45); no new trials"), "\(run)")
        #expect(run.stdout.contains("Stopped early: target reached: trial 5 has acc=0.5 (targetValue ≥ 0.45)"), "\(run)")
        #expect(try await trialsJSON(sandbox, "t").count == 5)
        let status = try await sandbox.tune(["status", "t"])
        #expect(status.stdout.contains("state       SUCCEEDED: stopped early: target reached: trial 5"), "\(status)")
        #expect(status.stdout.contains("stop rules  target ≥ 0.45"), "\(status)")

        // A plain resume keeps the rule: nothing new. A raised budget goes on, and the next trial reaches it again.
        let plain = try await sandbox.tune(["resume", "t"])
        #expect(plain.status == 0 && plain.stderr.contains("stopping: target reached"), "\(plain)")
        #expect(try await trialsJSON(sandbox, "t").count == 5)
        let more = try await sandbox.tune(["resume", "t", "--max-trials", "9"])
        #expect(more.status == 0, "\(more)")
        #expect(more.stderr.contains("target reached: trial 6 has acc=0.6"), "\(more)")
        #expect(try await trialsJSON(sandbox, "t").count == 6)
    }

    @Test("maxNumTrialsNoProgress: N finished trials without a better one; minImprovement sets what counts as better")
    func noProgress() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", Self.linear)
        try sandbox.write("c.yml", Self.grid("studyStoppingConfig: {maxNumTrialsNoProgress: 3}", goal: "MINIMIZE"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "n"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("Stopped early: no progress in the last 3 trials (maxNumTrialsNoProgress); best acc=0.1 (trial 1)"), "\(run)")
        #expect(try await trialsJSON(sandbox, "n").count == 4)

        // Rising by 0.001 a trial: with minImprovement 0.01 none of it is progress after trial 1.
        try sandbox.script("slow.sh", "x=${1#--x=}\necho \"acc=$(awk -v x=\"$x\" 'BEGIN { print 0.5 + x / 1000 }')\"")
        try sandbox.write("m.yml", Self.grid("minImprovement: 0.01\nstudyStoppingConfig: {maxNumTrialsNoProgress: 2}"))
        let creeping = try await sandbox.tune(["./slow.sh", "--config", "m.yml", "--job", "m"])
        #expect(creeping.status == 0, "\(creeping)")
        #expect(try await trialsJSON(sandbox, "m").count == 3, "\(creeping)")
        try sandbox.write("m0.yml", Self.grid("studyStoppingConfig: {maxNumTrialsNoProgress: 2}"))
        let anyGain = try await sandbox.tune(["./slow.sh", "--config", "m0.yml", "--job", "m0"])
        #expect(try await trialsJSON(sandbox, "m0").count == 8, "every trial improves a little: \(anyGain)")
    }

    @Test("with several objectives, progress is a new trial on the Pareto front; minNumTrials delays the rule")
    func noProgressOnTheFront() async throws {
        let sandbox = try Sandbox()
        // x = 1, 2 trade a against b (both on the front); x ≥ 3 are dominated by x = 2.
        try sandbox.script(
            "train.sh",
            """
            x=$(printf '%s' "$1" | sed 's/^--x=//')
            case $x in 1) echo "a=1 b=5" ;; 2) echo "a=2 b=4" ;; *) echo "a=1.5 b=3" ;; esac
            """)
        let config = """
            maxTrials: 10
            algorithm: GRID_SEARCH
            metrics:
            - {metricId: a, goal: MAXIMIZE}
            - {metricId: b, goal: MAXIMIZE}
            studyStoppingConfig: {maxNumTrialsNoProgress: 3, minNumTrials: MIN}
            params:
            - {parameterName: x, type: DISCRETE, discreteValues: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}

            """
        try sandbox.write("c.yml", config.replacingOccurrences(of: "MIN", with: "1"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "f"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("no progress in the last 3 trials (maxNumTrialsNoProgress); Pareto front of 2"), "\(run)")
        #expect(try await trialsJSON(sandbox, "f").count == 5)
        try sandbox.write("d.yml", config.replacingOccurrences(of: "MIN", with: "7"))
        _ = try await sandbox.tune(["./train.sh", "--config", "d.yml", "--job", "d"])
        #expect(try await trialsJSON(sandbox, "d").count == 7, "minNumTrials 7: no rule acts before 7 trials finished")
    }

    @Test("maximumRuntimeConstraint counts the job's time across resumes; a raised budget gets its own")
    func timeLimitAcrossResumes() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "sleep 1\necho acc=0.5")
        try sandbox.write(
            "c.yml",
            """
            maxTrials: 40
            algorithm: RANDOM_SEARCH
            hyperparameterMetricTag: acc
            studyStoppingConfig:
              maximumRuntimeConstraint: {maxDuration: 3s}
            params:
            - {parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}

            """)
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "l"], timeout: 60)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("Stopped early: time limit: the job ran"), "\(run)")
        let first = try await trialsJSON(sandbox, "l").count
        #expect(first >= 2 && first <= 4, "about 3 s of 1 s trials: \(first)")

        let plain = try await sandbox.tune(["resume", "l"])
        #expect(plain.stderr.contains("stopping: time limit"), "the time used before counts: \(plain)")
        #expect(try await trialsJSON(sandbox, "l").count == first)
        let more = try await sandbox.tune(["resume", "l", "--max-trials", "41"])
        #expect(more.status == 0, "\(more)")
        let second = try await trialsJSON(sandbox, "l").count
        #expect(second >= first + 2 && second <= first + 5, "a new 3 s after the raised budget: \(first) → \(second)")
    }

    @Test("stopRunningTrials: at the time limit the running trials are stopped, and end CANCELLED")
    func timeLimitStopsRunningTrials() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "sleep 30\necho acc=0.5")
        try sandbox.write(
            "c.yml",
            """
            maxTrials: 4
            maxParallelTrials: 2
            algorithm: RANDOM_SEARCH
            hyperparameterMetricTag: acc
            studyStoppingConfig:
              maximumRuntimeConstraint: {maxDuration: 2s}
              stopRunningTrials: true
            params:
            - {parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}

            """)
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "s", "--grace-period", "1"], timeout: 90)
        // The job's own clock, not the process's: on a loaded machine (the whole suite at once) the
        // process's exit has been seen to lag.
        let job = try JobStore(root: sandbox.store).load("s")
        let took = try #require(job.endTime).timeIntervalSince(job.header.createTime)
        #expect(took < 20, "the 30 s trials were stopped: the job ended after \(took) s: \(run)")
        #expect(run.stderr.contains("no new trials, stopping the 2 running"), "\(run)")
        let trials = try await trialsJSON(sandbox, "s")
        #expect(trials.count == 2 && trials.allSatisfy { $0["state"] as? String == "CANCELLED" }, "\(trials)")
    }

    @Test("stopOnConvergence: Bayesian optimization stops once its model expects almost nothing more")
    func convergence() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "x=${1#--x=}\necho \"acc=$(awk -v x=\"$x\" 'BEGIN { print -(x - 0.3) * (x - 0.3) }')\"")
        let config = """
            maxTrials: 40
            hyperparameterMetricTag: acc
            seed: 4
            studyStoppingConfig: {stopOnConvergence: true, convergenceThreshold: 0.01}
            params:
            - {parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}

            """
        try sandbox.write("c.yml", config)
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "c"], timeout: 240)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("Stopped early: converged: the model expects at most"), "\(run)")
        let trials = try await trialsJSON(sandbox, "c")
        #expect(trials.count < 40 && trials.count >= 8, "\(trials.count) trials")
        let best = try #require(trials.first.flatMap(objective))
        #expect(best > -1e-3, "it had found the top (x near 0.3) before it stopped: \(best)")

        try sandbox.write("r.yml", config.replacingOccurrences(of: "seed: 4", with: "seed: 4\nalgorithm: RANDOM_SEARCH"))
        let random = try await sandbox.tune(["./train.sh", "--config", "r.yml", "--job", "r", "--max-trial-count", "3"])
        #expect(random.stderr.contains("stopOnConvergence asks the Gaussian process of Bayesian optimization with one objective"), "\(random)")
    }
}
