import Foundation
import Testing
import TuneTestSupport

/// `tune plot` and `tune watch` on real jobs.
@Suite("End to end: plot and watch", .limitedParallelism)
struct PlotWatchTests {
    @Test func plotHistorySliceAndRefusals() async throws {
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            for a in "$@"; do case $a in --x=*) x=${a#--x=};; esac; done
            if [ "$TUNE_TRIAL_ID" = 3 ]; then echo boom >&2; exit 1; fi
            echo "acc=$x"
            """)
        try sandbox.write("c.yml", config(maxTrials: 6, extra: "seed: 3"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "p"])
        #expect(run.status == 0, "\(run)")

        let plot = try await sandbox.tune(["plot", "p", "--width", "60", "--height", "12"])
        #expect(plot.status == 0, "\(plot)")
        let lines = plot.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines.count == 12, "\(plot)")
        #expect(lines.allSatisfy { $0.count <= 60 }, "\(plot)")
        #expect(lines.first?.hasPrefix("job p · MAXIMIZE acc · best ") == true, "\(plot)")
        #expect(plot.stdout.contains("•") && plot.stdout.contains("─"), "points and the best so far: \(plot)")
        #expect(lines.contains { $0.contains("│") && $0.contains("x") && !$0.contains("•") }, "the failed trial on its lane: \(plot)")
        #expect(lines.last?.contains("x failed") == true, "\(plot)")

        let slice = try await sandbox.tune(["plot", "p", "--param", "x", "--width", "60", "--height", "12"])
        #expect(slice.status == 0, "\(slice)")
        #expect(slice.stdout.split(separator: "\n").count == 12, "\(slice)")
        #expect(slice.stdout.contains("x: x"), "\(slice)")

        let unknown = try await sandbox.tune(["plot", "p", "--param", "nope"])
        #expect(unknown.status == 2, "\(unknown)")
        #expect(unknown.stderr.contains("has no parameter nope; its parameters: x"), "\(unknown)")
        #expect(unknown.stdout.isEmpty, "\(unknown)")
        let narrow = try await sandbox.tune(["plot", "p", "--width", "5"])
        #expect(narrow.status == 2, "\(narrow)")

        // Not a terminal, no --width: 80 × 20.
        let plain = try await sandbox.tune(["plot", "p"], env: ["COLUMNS": "", "LINES": ""])
        #expect(plain.stdout.split(separator: "\n").count == 20, "\(plain)")
    }

    @Test func plotWithNothingSucceeded() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("fail.sh", "exit 3")
        try sandbox.write("c.yml", config(maxTrials: 2))
        _ = try await sandbox.tune(["./fail.sh", "--config", "c.yml", "--job", "f"])
        let plot = try await sandbox.tune(["plot", "f"])
        #expect(plot.status == 0, "\(plot)")
        #expect(plot.stdout == "no succeeded trial: nothing to plot (job f: 2 trials: 0 succeeded, 2 failed)\n", "\(plot)")
    }

    @Test func watchFollowsARunningJobAndEndsWithIt() async throws {
        let sandbox = try Sandbox()
        let gate = sandbox.path("gate")
        try sandbox.script(
            "train.sh",
            """
            echo "acc=0.$TUNE_TRIAL_ID step=1"
            while [ ! -f '\(gate)' ]; do sleep 0.05; done
            echo "acc=0.$((TUNE_TRIAL_ID + 5)) step=2"
            """)
        try sandbox.write("c.yml", config(maxTrials: 2, parallel: 1))
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", "w"])
        let started = await sandbox.waitUntil { sandbox.read(".tune/w/trials/1/stdout.log")?.contains("acc=0.1") == true }
        try #require(started, "trial 1 started: \(tune.stderrSoFar)")

        let watch = try sandbox.start(["watch", "w", "--interval", "0.2"])
        let shown = await sandbox.waitUntil { watch.stdoutSoFar.contains("running   trial 1") }
        #expect(shown, "a snapshot with the running trial: \(watch.stdoutSoFar)")
        #expect(watch.stdoutSoFar.contains("tune watch w"), "\(watch.stdoutSoFar)")
        #expect(watch.isRunning, "watch keeps going while the job runs")

        _ = try sandbox.write("gate", "")
        let end = await tune.finish(timeout: 60)
        #expect(end.status == 0, "\(end)")
        let watched = await watch.finish(timeout: 60)
        #expect(watched.status == 0, "\(watched)")
        let last = watched.stdout.components(separatedBy: "tune watch w").last ?? ""
        #expect(last.contains("the job is no longer running") && last.contains("SUCCEEDED"), "the last snapshot: \(watched)")

        // status --follow is the same view; on a finished job it shows it once and ends.
        let follow = try await sandbox.tune(["status", "w", "--follow"], timeout: 15)
        #expect(follow.status == 0, "\(follow)")
        #expect(follow.stdout.contains("SUCCEEDED") && follow.stdout.components(separatedBy: "tune watch w").count == 2, "\(follow)")
    }
}
