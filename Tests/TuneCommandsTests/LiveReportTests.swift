import Foundation
import Testing
import TuneTestSupport

/// `tune report JOB --watch`: a real job, the real watch beside it, the file read while it is
/// rewritten, and the versions rendered in headless Chromium with the network cut off.
@Suite("End to end: tune report --watch", .limitedParallelism)
struct LiveReportTests {
    /// Trials that wait for the test's `go` file (or `go-N` for trial N alone), then take 0.3 s
    /// each, one at a time.
    static func startJob(_ sandbox: Sandbox, trials: Int = 4) throws -> RunningTune {
        try sandbox.script(
            "train.sh",
            """
            while [ ! -e go ] && [ ! -e go-$TUNE_TRIAL_ID ]; do sleep 0.05; done
            sleep 0.3
            echo "step=1 acc=0.$TUNE_TRIAL_ID"
            """)
        try sandbox.write("c.yml", config(maxTrials: trials, parallel: 1, params: ReportTests.params))
        return try sandbox.start(["./train.sh", "--config", "c.yml", "--job", "live"])
    }

    /// Every version a reader saw while the watch ran, in order (each one whole, or the test fails).
    final class Reader: @unchecked Sendable {
        private(set) var versions: [String] = []
        private(set) var partial: [String] = []

        func look(at path: String) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
            if !text.hasPrefix("<!DOCTYPE html>") || !text.hasSuffix("</html>\n") {
                partial.append(String(text.suffix(80)))
            } else if versions.last != text {
                versions.append(text)
            }
        }
    }

    /// Rows of the trials table: all of them, or those of trials that succeeded.
    static func trialRows(_ html: String, succeeded: Bool = false) -> Int {
        guard let start = html.range(of: "<table class=\"trials"), let end = html.range(of: "</table>", range: start.upperBound..<html.endIndex) else { return 0 }
        return ReportTests.count(succeeded ? "<tr class=\"succeeded" : "<tr class=", in: String(html[start.upperBound..<end.lowerBound]))
    }

    static func succeededRows(_ html: String) -> Int { trialRows(html, succeeded: true) }

    static func isLive(_ html: String) -> Bool {
        html.contains("id=\"live\"") && html.contains("location.reload()")
    }

    @Test(.timeLimit(.minutes(10)))
    func rewritesWholeVersionsWhileTheJobRunsAndEndsWithIt() async throws {
        let sandbox = try Sandbox()
        let run = try Self.startJob(sandbox)
        let journal = sandbox.store + "/live/journal.jsonl"
        try #require(await sandbox.waitUntil(timeout: 30) { FileManager.default.fileExists(atPath: journal) }, "\(run.stderrSoFar)")
        let watch = try sandbox.start(["report", "live", "--watch", "--interval", "0.2"])
        let page = sandbox.store + "/live/report.html"
        let reader = Reader()
        try #require(
            await sandbox.waitUntil(timeout: 30) {
                reader.look(at: page)
                return reader.versions.last.map(Self.isLive) ?? false
            }, "a live version was written: \(watch.stderrSoFar)")
        let first = try #require(reader.versions.last)
        #expect(first.contains("● Live: job live is running"))
        #expect(first.contains("}, 1000);"), "the page reloads itself every second (--interval 0.2 s, at least 1 s)")
        // One trial at a time: the next starts once a version showing the last one succeeded was read.
        for trial in 1...4 {
            _ = try sandbox.write("go-\(trial)", "")
            let shown = await sandbox.waitUntil(timeout: 120) {
                reader.look(at: page)
                return reader.versions.last.map(Self.succeededRows) == trial
            }
            #expect(shown, "a version showing trial \(trial) succeeded was written")
        }
        // Read as fast as the watch writes, until it ends by itself with the job.
        let deadline = Date().addingTimeInterval(120)
        while watch.isRunning && Date() < deadline {
            reader.look(at: page)
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        reader.look(at: page)
        let watched = await watch.finish(timeout: 120)
        let job = await run.finish(timeout: 120)
        #expect(job.status == 0, "\(job)")
        #expect(watched.status == 0, "\(watched)")
        #expect(watched.stdout.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("live/report.html"), "\(watched)")
        #expect(watched.stderr.contains("job live succeeded: the report is final"), "\(watched)")
        #expect(reader.partial.isEmpty, "a reader saw half a file: \(reader.partial)")

        let live = reader.versions.filter(Self.isLive)
        let rows = live.map(Self.succeededRows)
        #expect(Set(rows).isSuperset(of: [0, 1, 2, 3]), "the report was rewritten live as each trial ended: succeeded rows \(rows)")
        #expect(rows == rows.sorted(), "each version holds at least the trials of the one before: \(rows)")
        let final = try #require(reader.versions.last)
        #expect(!Self.isLive(final), "the final version neither says it is live nor reloads")
        #expect(final.contains("SUCCEEDED"))
        #expect(Self.trialRows(final) == 4)
        #expect(final == sandbox.read(".tune/live/report.html"))
    }

    @Test func aFinishedJobGetsOneFinalVersion() async throws {
        let sandbox = try Sandbox()
        _ = try sandbox.write("go", "")
        let run = try Self.startJob(sandbox, trials: 2)
        #expect(await run.finish(timeout: 120).status == 0)
        let watched = try await sandbox.tune(["report", "live", "--watch", "-o", "out/live.html"])
        #expect(watched.status == 0, "\(watched)")
        #expect(watched.stderr.contains("job live succeeded: the report is final"), "\(watched)")
        let html = try #require(sandbox.read("out/live.html"))
        #expect(!Self.isLive(html))
        let bad = try await sandbox.tune(["report", "live", "--watch", "--interval", "0"])
        #expect(bad.status == 2 && bad.stderr.contains("--interval 0: expected a number of seconds above 0"), "\(bad)")
    }

    @Test func ctrlCStopsTheWatchAndThePageStopsReloading() async throws {
        let sandbox = try Sandbox()
        let run = try Self.startJob(sandbox)
        let journal = sandbox.store + "/live/journal.jsonl"
        try #require(await sandbox.waitUntil(timeout: 30) { FileManager.default.fileExists(atPath: journal) })
        let watch = try sandbox.start(["report", "live", "--watch", "--interval", "0.2"])
        try #require(await sandbox.waitUntil(timeout: 30) { sandbox.read(".tune/live/report.html").map(Self.isLive) ?? false })
        watch.signal(SIGINT)
        let watched = await watch.finish(timeout: 30)
        #expect(watched.status == 130, "\(watched)")
        #expect(watched.stderr.contains("stopped watching job live: the report no longer reloads"), "\(watched)")
        let html = try #require(sandbox.read(".tune/live/report.html"))
        #expect(!Self.isLive(html), "after Ctrl-C the page no longer reloads")
        _ = try sandbox.write("go", "")
        #expect(await run.finish(timeout: 120).status == 0)
    }

    /// The page's timers, noted by a script put before the report's own.
    static let timerProbe = """
        <script>
        (function () {
          var set = window.setTimeout, seen = [];
          window.setTimeout = function (f, ms) { seen.push(ms); document.documentElement.setAttribute("data-timers", seen.join(",")); return set(f, ms); };
        })();
        </script>
        """

    @Test(
        .enabled(if: ReportBrowserTests.runnable, "needs chromium (`apt-get install chromium`; .ci/run installs it)"),
        .timeLimit(.minutes(10)))
    func bothVersionsRenderInABrowserAndOnlyTheLiveOneReloads() async throws {
        let sandbox = try Sandbox()
        let run = try Self.startJob(sandbox, trials: 3)
        let journal = sandbox.store + "/live/journal.jsonl"
        try #require(await sandbox.waitUntil(timeout: 30) { FileManager.default.fileExists(atPath: journal) })
        let watch = try sandbox.start(["report", "live", "--watch", "--interval", "0.2"])
        let page = sandbox.store + "/live/report.html"
        try #require(await sandbox.waitUntil(timeout: 30) { sandbox.read(".tune/live/report.html").map(Self.isLive) ?? false })
        let profile = sandbox.path("profile")
        // The live page itself, as the browser finds it mid-job.
        let midJob = try await ReportBrowserTests.render(page, to: nil, profile: profile)
        let liveCopy = try #require(sandbox.read(".tune/live/report.html"))
        let probedLive = try sandbox.write("live-probe.html", liveCopy.replacingOccurrences(of: "<head>", with: "<head>" + Self.timerProbe))
        let live = try await ReportBrowserTests.render(probedLive, to: nil, profile: profile)

        _ = try sandbox.write("go", "")
        #expect(await run.finish(timeout: 120).status == 0)
        #expect(await watch.finish(timeout: 60).status == 0)
        let finalCopy = try #require(sandbox.read(".tune/live/report.html"))
        let probedFinal = try sandbox.write("final-probe.html", finalCopy.replacingOccurrences(of: "<head>", with: "<head>" + Self.timerProbe))
        let final = try await ReportBrowserTests.render(probedFinal, to: nil, profile: profile)
        let shot = sandbox.path("final.png")
        let drawn = try await ReportBrowserTests.render(page, to: shot, profile: profile)

        #expect(midJob.stdout.contains("● Live: job live is running"), "the live page rendered mid-job: \(midJob.stderr.suffix(600))")
        #expect(midJob.stdout.contains("table class=\"trials"), "\(midJob.stdout.suffix(300))")
        #expect(live.stdout.contains("data-timers=\"1000\""), "the live page arms one reload, after 1 s: \(live.stdout.prefix(300))")
        #expect(final.stdout.contains("SUCCEEDED") && !final.stdout.contains("● Live"), "\(final.stdout.suffix(300))")
        #expect(!final.stdout.contains("data-timers=\""), "the final page arms no timer")
        let size = ((try? FileManager.default.attributesOfItem(atPath: shot))?[.size] as? Int) ?? 0
        #expect(size > 20_000, "chromium drew the final report: \(size) bytes")
        for log in [midJob.stderr, live.stderr, final.stderr, drawn.stderr] {
            let console = log.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }
            #expect(console.isEmpty, "console messages: \(console)")
        }
        for html in [liveCopy, finalCopy] {
            for external in ["src=\"http", "href=\"http", "url(http", "src=\"//", "href=\"//"] {
                #expect(!html.contains(external), "no external reference (\(external))")
            }
        }
    }
}
