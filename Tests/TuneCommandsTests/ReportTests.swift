import Foundation
import Testing
import TuneTestSupport

/// `tune report`: the HTML file of a real job, read back by scanning for the report's data attributes.
@Suite("End to end: tune report", .limitedParallelism)
struct ReportTests {
    static let params = """
          - parameterName: lr
            type: DOUBLE
            minValue: 0.0001
            maxValue: 0.1
            scaleType: UNIT_LOG_SCALE
          - parameterName: layers
            type: INTEGER
            minValue: 1
            maxValue: 4
          - parameterName: kind
            type: CATEGORICAL
            categoricalValues: ["<script>alert(1)</script>", "it's \\"quoted\\" & <b>"]
        """

    /// 6 trials printing acc at steps 1…3; trials 3 and 6 fail after their readings.
    static func job(_ sandbox: Sandbox, failing: String = "[ $((TUNE_TRIAL_ID % 3)) -eq 0 ]") async throws -> TuneOutcome {
        try sandbox.script(
            "train.sh",
            """
            for s in 1 2 3; do echo "step=$s acc=0.$TUNE_TRIAL_ID$s"; done
            if \(failing); then echo boom >&2; exit 1; fi
            """)
        try sandbox.write("c.yml", config(maxTrials: 6, parallel: 2, params: params))
        return try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "rep"])
    }

    /// The text of `<svg id="id" …>…</svg>`.
    static func svg(_ id: String, in html: String) -> String? {
        guard let start = html.range(of: "<svg id=\"\(id)\""),
            let end = html.range(of: "</svg>", range: start.upperBound..<html.endIndex)
        else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func reportOfAMixedJob() async throws {
        let sandbox = try Sandbox()
        let run = try await Self.job(sandbox)
        try #require(run.status == 0, "\(run)")
        let result = try await sandbox.tune(["report", "rep"])
        try #require(result.status == 0, "\(result)")
        let path = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(path == sandbox.store + "/rep/report.html" || path == ".tune/rep/report.html", "\(result)")
        let html = try #require(sandbox.read(path), "no file at \(path)")

        // Self-contained, and user strings escaped.
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.contains("<link") && !html.contains("<script src") && !html.contains("<img"))
        #expect(!html.contains("<script>alert(1)</script>"))
        #expect(!html.contains("<b>"))
        // Every category is an axis tick (clipped there); a category no trial drew appears nowhere else.
        #expect(html.contains("&lt;script&gt;alert"))
        #expect(Self.count("<script", in: html) == 1, "only tune's own sorting script")

        // History: a mark per trial, failed ones marked as such.
        let history = try #require(Self.svg("history", in: html))
        #expect(Self.count("data-trial=", in: history) == 6)
        #expect(Self.count("data-state=\"failed\"", in: history) == 2)
        for id in 1...6 { #expect(history.contains("data-trial=\"\(id)\""), "trial \(id)") }
        #expect(history.contains("class=\"best\""))

        // Parallel coordinates: a polyline per succeeded trial; lr's axis is log, kind's categorical.
        let parallel = try #require(Self.svg("parallel", in: html))
        #expect(Self.count("<polyline", in: parallel) == 4)
        #expect(parallel.contains("data-param=\"lr\" data-scale=\"log\""))
        #expect(parallel.contains("data-param=\"layers\" data-scale=\"linear\""))
        #expect(parallel.contains("data-param=\"kind\" data-scale=\"ordinal\""))

        // Slices, one per parameter; learning curves, one per trial with readings (failed ones too).
        for id in 1...3 { #expect(Self.svg("slice-\(id)", in: html) != nil) }
        let slice = try #require(Self.svg("slice-1", in: html))
        #expect(slice.contains("class=\"axis x\" data-scale=\"log\""))
        let curves = try #require(Self.svg("curves", in: html))
        #expect(Self.count("class=\"curve ", in: curves) == 6)
        #expect(Self.count("class=\"curve failed\"", in: curves) == 2)

        // Summary, importance and the table.
        #expect(html.contains("reproduce"))
        #expect(html.contains("./train.sh --lr="))
        #expect(html.contains("correlation ratio"))
        #expect(Self.count("<tr class=", in: html) == 6)
        #expect(html.contains("table class=\"trials sortable\""))
    }

    @Test func outputFileAndOpen() async throws {
        let sandbox = try Sandbox()
        let run = try await Self.job(sandbox)
        try #require(run.status == 0, "\(run)")
        let elsewhere = sandbox.path("out/r.html")
        let result = try await sandbox.tune(["report", "latest", "-o", elsewhere])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == elsewhere + "\n")
        #expect(sandbox.exists(elsewhere))
        #expect(!sandbox.exists(".tune/rep/report.html"))

        // --open hands the file to xdg-open when it is on PATH, and says how to open it when not.
        try sandbox.script("bin/xdg-open", "echo \"$1\" > \"\(sandbox.path("opened.txt"))\"")
        let opened = try await sandbox.tune(["report", "--open"], env: ["PATH": sandbox.path("bin") + ":/usr/bin:/bin"])
        #expect(opened.status == 0, "\(opened)")
        #expect(sandbox.read("opened.txt")?.contains("rep/report.html") == true, "\(opened)")
        let noOpener = try await sandbox.tune(["report", "--open"], env: ["PATH": sandbox.path("nothing")])
        #expect(noOpener.status == 0, "\(noOpener)")
        #expect(noOpener.stderr.contains("open file://"), "\(noOpener)")
    }

    @Test func openWithoutABrowserSaysWhereTheReportIs() async throws {
        let sandbox = try Sandbox()
        let run = try await Self.job(sandbox)
        try #require(run.status == 0, "\(run)")
        let report = sandbox.store + "/rep/report.html"

        // No $BROWSER, and a PATH with no xdg-open (nor anything else).
        try FileManager.default.createDirectory(atPath: sandbox.path("empty-bin"), withIntermediateDirectories: true)
        let bare = ["PATH": sandbox.path("empty-bin"), "BROWSER": "", "DISPLAY": "", "WAYLAND_DISPLAY": ""]
        let none = try await sandbox.tune(["report", "rep", "--open"], env: bare)
        #expect(none.status == 0, "\(none)")
        #expect(none.stdout == report + "\n" || none.stdout == ".tune/rep/report.html\n", "\(none)")
        #expect((sandbox.read(report) ?? "").contains("</html>"), "the report is written all the same")
        #expect(none.stderr.contains("could not open a browser (no $BROWSER is set and there is no xdg-open on PATH)"), "\(none)")
        #expect(none.stderr.contains("The report is \(report):"), "\(none)")
        #expect(none.stderr.contains("open file://\(report) in a web browser"), "\(none)")
        #expect(none.stderr.contains("scp "), "\(none)")

        // xdg-open there but without a browser to hand the file to (it exits 3): the same hint.
        try sandbox.script("bin/xdg-open", "echo 'xdg-open: no method available for opening' >&2; exit 3")
        let failing = try await sandbox.tune(["report", "rep", "--open"], env: bare.merging(["PATH": sandbox.path("bin")]) { $1 })
        #expect(failing.status == 0, "\(failing)")
        #expect(failing.stderr.contains("could not open a browser (xdg-open failed (exit 3))"), "\(failing)")
        #expect(failing.stderr.contains("open file://\(report)"), "\(failing)")

        // $BROWSER is tried first, with %s standing for the URL.
        let opened = sandbox.path("opened.txt")
        try sandbox.script("bin/mybrowser", "echo \"$1 $2\" > '\(opened)'")
        let browser = try await sandbox.tune(
            ["report", "rep", "--open"],
            env: bare.merging(["PATH": sandbox.path("bin"), "BROWSER": "nobrowser:mybrowser --new-tab %s"]) { $1 })
        #expect(browser.status == 0, "\(browser)")
        #expect(sandbox.read(opened) == "--new-tab file://\(report)\n", "\(browser)")
        #expect(!browser.stderr.contains("could not open"), "\(browser)")
    }

    @Test func importanceOfASmallJobSaysTooFewTrials() async throws {
        let sandbox = try Sandbox()
        let run = try await Self.job(sandbox)
        try #require(run.status == 0, "\(run)")
        let result = try await sandbox.tune(["report", "rep"])
        try #require(result.status == 0, "\(result)")
        let html = try #require(sandbox.read(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let start = try #require(html.range(of: "<section id=\"importance-section\">"))
        let section = html[start.lowerBound...].components(separatedBy: "</section>")[0]
        // 4 succeeded trials, each with its own lr: no parameter has 3 trials in its median group.
        #expect(section.contains("too few trials per group to estimate importance: with 4 succeeded trials"), "\(section)")
        #expect(section.contains("lr: 4 groups, median 1 trial"), "\(section)")
        #expect(!section.contains("%</td>"), "no share shown: \(section)")
    }

    @Test func allFailedJob() async throws {
        let sandbox = try Sandbox()
        let run = try await Self.job(sandbox, failing: "true")
        #expect(run.status == 1, "\(run)")
        let result = try await sandbox.tune(["report", "rep"])
        try #require(result.status == 0, "\(result)")
        let html = try #require(sandbox.read(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(html.contains("no succeeded trial"))
        #expect(!html.contains("<polyline") && !html.contains("<circle"))
        #expect(Self.svg("history", in: html) == nil)
    }

    @Test func unknownJob() async throws {
        let sandbox = try Sandbox()
        let result = try await sandbox.tune(["report", "nope"])
        #expect(result.status == 2, "\(result)")
    }
}
