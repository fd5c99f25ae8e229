import Foundation
import Testing
import TuneTestSupport

/// `tune report` of jobs with several objectives and a safety metric: the Pareto front chart,
/// a column per objective and metric, each metric's curves, and infeasible trials shown as such.
@Suite("End to end: tune report of a multi-objective job", .limitedParallelism)
struct ParetoReportTests {
    /// Trial n's final (step 3) values, by `case`: acc (MAXIMIZE), loss (MINIMIZE), latency
    /// (safety: at most 20), size (a third objective when `objectives` says so).
    /// - 1: (0.9, 0.5) and 2: (0.7, 0.2) on the front; 5 ties 2 exactly (also on the front);
    /// - 6: (0.8, 0.5) ties 1 in loss, worse in acc: rank 2; 3: (0.6, 0.6) dominated by 6 too: rank 3;
    /// - 4: (0.95, 0.1) would dominate every trial, but its latency 35 crosses the bound.
    /// With size, trial 3 (size 1, the smallest) is on the front too.
    static let trainer = """
        case $TUNE_TRIAL_ID in
          1) a=0.9 l=0.5 t=10 z=5 ;; 2) a=0.7 l=0.2 t=10 z=5 ;; 3) a=0.6 l=0.6 t=10 z=1 ;;
          4) a=0.95 l=0.1 t=35 z=5 ;; 5) a=0.7 l=0.2 t=5 z=5 ;; 6) a=0.8 l=0.5 t=10 z=5 ;;
        esac
        echo "step=1 acc=0.1 loss=0.9 latency=$t size=$z lr_now=0.1"
        echo "step=2 acc=0.2 loss=0.8 latency=$t size=$z lr_now=0.05"
        echo "step=3 acc=$a loss=$l latency=$t size=$z lr_now=0.01"
        echo "step=3 secs=$TUNE_TRIAL_ID"
        """

    static func job(_ sandbox: Sandbox, objectives: [String]) async throws -> String {
        try sandbox.script("train.sh", trainer)
        let goals = ["acc": "MAXIMIZE", "loss": "MINIMIZE", "size": "MINIMIZE"]
        let metrics = objectives.map { "  - {metricId: \($0), goal: \(goals[$0]!)}\n" }.joined()
        try sandbox.write(
            "c.yml",
            """
            metrics:
            \(metrics)  - {metricId: latency, goal: MINIMIZE, safetyConfig: {safetyThreshold: 20}}
            maxTrials: 6
            maxParallelTrials: 2
            algorithm: RANDOM_SEARCH
            params:
              - parameterName: x
                type: DOUBLE
                minValue: 0.0
                maxValue: 1.0

            """)
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "mo"])
        try #require(run.status == 0, "\(run)")
        let report = try await sandbox.tune(["report", "mo"])
        try #require(report.status == 0, "\(report)")
        return report.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The ids of the marks of `element` with class `kind` in `svg`, in order.
    static func marks(_ element: String, _ kind: String, in svg: String) -> [Int] {
        svg.components(separatedBy: "<\(element) class=\"\(kind)\" data-trial=\"").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }.sorted()
    }

    /// The value of attribute `name` in the first mark of trial `id` in `svg`.
    static func attribute(_ name: String, ofTrial id: Int, in svg: String) -> String? {
        guard let mark = svg.range(of: "data-trial=\"\(id)\"") else { return nil }
        let rest = svg[mark.upperBound...].prefix { $0 != ">" }
        guard let start = rest.range(of: " \(name)=\"") else { return nil }
        return String(rest[start.upperBound...].prefix { $0 != "\"" })
    }

    /// The row of trial `id` in the trials table.
    static func row(_ id: Int, in html: String) -> String? {
        guard let start = html.range(of: "data-trial=\"\(id)\"><td>\(id)</td>"), let open = html.range(of: "<tr ", options: .backwards, range: html.startIndex..<start.lowerBound),
            let end = html.range(of: "</tr>", range: start.upperBound..<html.endIndex)
        else { return nil }
        return String(html[open.lowerBound..<end.upperBound])
    }

    @Test func twoObjectivesWithASafetyMetric() async throws {
        let sandbox = try Sandbox()
        let html = try #require(sandbox.read(try await Self.job(sandbox, objectives: ["acc", "loss"])))

        // The front: 1, 2 and its tie 5; 6 (rank 2) and 3 (rank 3) dominated; 4 infeasible, never on it.
        let pareto = try #require(ReportTests.svg("pareto", in: html), "a Pareto front chart")
        #expect(Self.marks("circle", "front", in: pareto) == [1, 2, 5])
        #expect(Self.marks("circle", "dominated", in: pareto) == [3, 6])
        #expect(Self.marks("path", "infeasible", in: pareto) == [4])
        #expect(Self.attribute("data-rank", ofTrial: 6, in: pareto) == "2" && Self.attribute("data-rank", ofTrial: 3, in: pareto) == "3")
        #expect(pareto.contains("acc (higher is better)") && pareto.contains("loss (lower is better)"))
        #expect(pareto.contains("trial 4: acc=0.95, loss=0.1 — infeasible: latency = 35.0 (safe: latency ≤ 20)"), "\(pareto)")
        // The attainment boundary steps through each front point (best acc first: 1, then 2 and 5).
        let line = try #require(pareto.range(of: "<path class=\"front-line\" d=\"").map { String(pareto[$0.upperBound...].prefix { $0 != "\"" }) })
        for id in [1, 2] {
            let cx = try #require(Self.attribute("cx", ofTrial: id, in: pareto))
            let cy = try #require(Self.attribute("cy", ofTrial: id, in: pareto))
            #expect(line.contains("H\(cx)V\(cy)"), "the boundary passes trial \(id) at \(cx),\(cy): \(line)")
        }
        #expect(html.contains("trial 4: acc=0.95, loss=0.1 — infeasible") && !html.contains("trial 4: acc=0.95, loss=0.1 — on the front"))

        // The summary: the front instead of one best trial, and how many were safe.
        #expect(html.contains("<th>objectives</th><td>MAXIMIZE acc, MINIMIZE loss (LAST_MEASUREMENT)</td>"), "\(html)")
        #expect(html.contains("3 of 6 succeeded trials are on the front: trial 1 (acc=0.9, loss=0.5); trial 2 (acc=0.7, loss=0.2); trial 5"), "\(html)")
        #expect(html.contains("latency ≤ 20: 5 of 6 succeeded trials safe (83%)"))
        #expect(!html.contains("<th>best trial</th>"))

        // The table: a rank, the safety mark, both objectives, then latency, and every other tag.
        let head = try #require(html.range(of: "<thead>").map { String(html[$0.lowerBound...].prefix { $0 != "\n" }) })
        let names = head.components(separatedBy: "<th").dropFirst(2).map { $0.split(separator: ">", maxSplits: 1).last.map { String($0.prefix { $0 != "<" }) } ?? "" }
        #expect(names == ["trial", "state", "Pareto rank", "safety", "acc", "loss", "step", "x", "latency", "size", "lr_now", "secs"], "\(names)")
        let four = try #require(Self.row(4, in: html))
        #expect(four.contains("class=\"succeeded infeasible\""), "\(four)")
        #expect(four.contains("<td class=\"unsafe\" title=\"latency = 35.0 (safe: latency ≤ 20)\">unsafe</td>"), "\(four)")
        #expect(four.contains("<td class=\"rank\"></td>"), "no rank for an infeasible trial: \(four)")
        for id in [1, 2, 5] { #expect(Self.row(id, in: html)?.contains("class=\"succeeded front\"") == true, "trial \(id)") }
        let three = try #require(Self.row(3, in: html))
        #expect(three.contains("<td class=\"rank\">3</td><td>safe</td><td>0.6</td><td>0.6</td><td>3</td>"), "\(three)")
        #expect(three.hasSuffix("<td>10.0</td><td>1.0</td><td>0.01</td><td>3.0</td></tr>"), "latency, size, lr_now and secs at the final measurement: \(three)")
        // Best first: the front, the dominated, the infeasible last.
        let rows = html.components(separatedBy: "\" data-trial=\"").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
        let tableRows = Array(rows.suffix(6))
        #expect(Set(tableRows.prefix(3)) == [1, 2, 5] && Array(tableRows[3...4]) == [6, 3] && tableRows.last == 4, "\(tableRows)")

        // Each other metric's curves: a small chart each, latency's bound drawn.
        for tag in ["loss", "latency", "size", "lr_now", "secs"] {
            #expect(html.contains("<figure class=\"metric\" data-metric=\"\(tag)\">"), "a chart of \(tag)")
        }
        let latency = try #require(html.range(of: "data-metric=\"latency\"").map { String(html[$0.lowerBound...].prefix { _ in true }.components(separatedBy: "</figure>")[0]) })
        #expect(ReportTests.count("class=\"curve ", in: latency) == 6)
        #expect(latency.contains("<path class=\"threshold\""))
        #expect(latency.contains("safe: latency ≤ 20"))

        // The history shows trial 4 as infeasible, and the best so far ignores it.
        let history = try #require(ReportTests.svg("history", in: html))
        #expect(Self.marks("path", "infeasible", in: history) == [4])
        #expect(!html.contains("http://") && !html.contains("https://") && ReportTests.count("<script", in: html) == 1)
    }

    @Test func threeObjectivesArePairwiseScatters() async throws {
        let sandbox = try Sandbox()
        let html = try #require(sandbox.read(try await Self.job(sandbox, objectives: ["acc", "loss", "size"])))
        #expect(ReportTests.svg("pareto", in: html) == nil)
        #expect(!html.contains("class=\"front-line\""), "no boundary in a projection")
        // Trial 3 is dominated in acc and loss but the smallest: on the front in every pair's chart.
        for pair in ["1-2", "1-3", "2-3"] {
            let chart = try #require(ReportTests.svg("pareto-\(pair)", in: html), "the chart of objectives \(pair)")
            #expect(Self.marks("circle", "front", in: chart) == [1, 2, 3, 5], "\(pair)")
            #expect(Self.marks("circle", "dominated", in: chart) == [6], "\(pair)")
            #expect(Self.marks("path", "infeasible", in: chart) == [4], "\(pair)")
        }
        #expect(ReportTests.svg("pareto-1-3", in: html)?.contains("size (lower is better)") == true)
        #expect(html.contains("4 of 6 succeeded trials are on the front"))
        #expect(html.contains("<th title=\"objective\">size</th>"))
    }

    @Test(.enabled(if: ReportBrowserTests.runnable, "needs chromium (`apt-get install chromium`; .ci/run installs it)"), .timeLimit(.minutes(10)))
    func theFrontRendersInABrowser() async throws {
        let sandbox = try Sandbox()
        let path = try await Self.job(sandbox, objectives: ["acc", "loss"])
        let html = try #require(sandbox.read(path))
        // The report plus a script that measures what the browser laid out.
        let probe = """
            <script>
            function size(selector) { return [].slice.call(document.querySelectorAll(selector)).filter(function (e) { var b = e.getBBox(); return b.width > 0 || b.height > 0; }).length; }
            var line = document.querySelector("#pareto path.front-line").getBBox();
            document.body.setAttribute("data-front", size("#pareto circle.front"));
            document.body.setAttribute("data-dominated", size("#pareto circle.dominated"));
            document.body.setAttribute("data-infeasible", size("#pareto path.infeasible"));
            document.body.setAttribute("data-line", line.width > 50 && line.height > 50 ? "drawn" : "flat");
            document.body.setAttribute("data-metrics", size("figure.metric svg path.curve"));
            document.body.setAttribute("data-unsafe", document.querySelector("tr.infeasible td.unsafe").getAttribute("title"));
            </script>
            """
        let page = try sandbox.write("probe.html", html.replacingOccurrences(of: "</body>", with: probe + "</body>"))
        let result = try await ReportBrowserTests.render(page, to: nil, profile: sandbox.path("profile"))
        let dom = result.stdout
        func attribute(_ name: String) -> String? {
            guard let start = dom.range(of: "\(name)=\""), let end = dom.range(of: "\"", range: start.upperBound..<dom.endIndex) else { return nil }
            return String(dom[start.upperBound..<end.lowerBound])
        }
        #expect(attribute("data-front") == "3", "\(attribute("data-front") ?? "none")")
        #expect(attribute("data-dominated") == "2")
        #expect(attribute("data-infeasible") == "1")
        #expect(attribute("data-line") == "drawn")
        // loss, latency, size and lr_now: 6 curves each (secs, one reading each, is dots with no extent).
        #expect(attribute("data-metrics") == "24", "\(attribute("data-metrics") ?? "none")")
        #expect(attribute("data-unsafe") == "latency = 35.0 (safe: latency ≤ 20)")
        let console = result.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }
        #expect(console.isEmpty, "console messages: \(console)")

        // And as a person sees it: far more than a blank page (a PNG of a page this short is about 10 times one of a blank page).
        let blank = try sandbox.write("blank.html", "<!doctype html><html><body></body></html>")
        _ = try await ReportBrowserTests.render(blank, to: sandbox.path("blank.png"), profile: sandbox.path("profile2"))
        _ = try await ReportBrowserTests.render(path, to: sandbox.path("report.png"), profile: sandbox.path("profile2"))
        let size = { (name: String) in ((try? FileManager.default.attributesOfItem(atPath: sandbox.path(name)))?[.size] as? Int) ?? 0 }
        #expect(size("blank.png") > 0 && size("report.png") > 5 * size("blank.png"), "\(size("report.png")) vs \(size("blank.png")) bytes")
    }
}
