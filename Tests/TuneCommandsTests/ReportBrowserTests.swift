import Foundation
import Testing
import TuneTestSupport

/// The report as a person sees it: rendered by a real headless Chromium (Debian's `chromium`,
/// which .ci/run installs) to a PNG, with the browser's console captured and the network cut off.
@Suite("End to end: tune report in a browser", .limitedParallelism)
struct ReportBrowserTests {
    /// The browser, if one is installed.
    static let browser: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }()

    /// In CI (.ci/run sets TUNE_CI=1) the browser must be there; elsewhere the test says how to run it.
    static let runnable = browser != nil || ProcessInfo.processInfo.environment["TUNE_CI"] == "1"

    /// Renders `page` to `png` at 1280×2400 (or, with `png` nil, prints its DOM after its scripts
    /// ran): Chromium's stdout and stderr (console messages included).
    static func render(_ page: String, to png: String?, profile: String) async throws -> (stdout: String, stderr: String) {
        let browser = try #require(browser, "no chromium on PATH: `apt-get install chromium` (.ci/run does)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
            // No network: anything the page tried to fetch would fail and show in the console.
            "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--user-data-dir=\(profile)", "--window-size=1280,2400", png.map { "--screenshot=\($0)" } ?? "--dump-dom", "file://\(page)",
        ]
        let out = URL(fileURLWithPath: profile + ".out")
        let err = URL(fileURLWithPath: profile + ".err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        await process.exited()
        return ((try? String(contentsOf: out, encoding: .utf8)) ?? "", (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    @Test(.enabled(if: runnable, "needs chromium (`apt-get install chromium`; .ci/run installs it)"), .timeLimit(.minutes(10)))
    func reportRendersWithNoConsoleErrors() async throws {
        let sandbox = try Sandbox()
        let run = try await ReportTests.job(sandbox)
        try #require(run.status == 0, "\(run)")
        let report = try await sandbox.tune(["report", "rep"])
        try #require(report.status == 0, "\(report)")
        let page = report.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        // A blank page of the same size, rendered the same way, is the baseline for "not blank".
        let blank = try sandbox.write("blank.html", "<!doctype html><html><body></body></html>")
        let profile = sandbox.path("profile")
        _ = try await Self.render(blank, to: sandbox.path("blank.png"), profile: profile)
        let log = try await Self.render(page, to: sandbox.path("report.png"), profile: profile).stderr

        let size = { (name: String) -> Int in
            ((try? FileManager.default.attributesOfItem(atPath: sandbox.path(name)))?[.size] as? Int) ?? 0
        }
        #expect(size("blank.png") > 0, "chromium wrote a screenshot: \(log)")
        #expect(size("report.png") > 10 * size("blank.png"), "the report drew much more than a blank page: \(size("report.png")) vs \(size("blank.png")) bytes")
        let console = log.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }
        #expect(console.isEmpty, "console messages: \(console)")
    }

    @Test(.enabled(if: runnable, "needs chromium (`apt-get install chromium`; .ci/run installs it)"), .timeLimit(.minutes(10)))
    func trialsTableSortsWhenAHeaderIsClicked() async throws {
        let sandbox = try Sandbox()
        let run = try await ReportTests.job(sandbox)
        try #require(run.status == 0, "\(run)")
        let report = try await sandbox.tune(["report", "rep"])
        let html = try #require(sandbox.read(report.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        // The report plus a script that clicks the `trial` header twice and notes the column each time.
        let probe = """
            <script>
            var table = document.querySelector("table.trials");
            var heads = [].slice.call(table.querySelectorAll("th"));
            var i = heads.findIndex(function (h) { return h.textContent.trim() === "trial"; });
            function column() { return [].slice.call(table.tBodies[0].rows).map(function (r) { return r.cells[i].textContent.trim(); }).join(","); }
            heads[i].click(); document.body.setAttribute("data-up", column());
            heads[i].click(); document.body.setAttribute("data-down", column());
            </script>
            """
        let page = try sandbox.write("probe.html", html.replacingOccurrences(of: "</body>", with: probe + "</body>"))
        let dom = try await Self.render(page, to: nil, profile: sandbox.path("profile")).stdout
        func attribute(_ name: String) -> String? {
            guard let start = dom.range(of: "\(name)=\""), let end = dom.range(of: "\"", range: start.upperBound..<dom.endIndex) else { return nil }
            return String(dom[start.upperBound..<end.lowerBound])
        }
        #expect(attribute("data-up") == "1,2,3,4,5,6", "ascending by trial: \(attribute("data-up") ?? "none")")
        #expect(attribute("data-down") == "6,5,4,3,2,1", "a second click reverses: \(attribute("data-down") ?? "none")")
    }
}
