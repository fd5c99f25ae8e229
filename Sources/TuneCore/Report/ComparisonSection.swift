import Foundation

/// The comparison of jobs as HTML (`tune compare --html`): the overlaid best-so-far chart (an
/// inline SVG, a step line per job in its own colour and dash) and the comparison table, in a
/// `<section id="comparison">`; `page` wraps it in a self-contained page (inline CSS, nothing fetched).
/// Every string that comes from the user (job names, parameters) is escaped.
public struct ComparisonSection {
    public var comparison: JobComparison

    public init(comparison: JobComparison) {
        self.comparison = comparison
    }

    /// A whole page: the section, styled as `tune report`'s pages are.
    public func page(generated: Date = Date()) -> String {
        let e = HTMLEscape.escape
        let names = comparison.entries.map(\.job.id).joined(separator: ", ")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>tune comparison: \(e(names))</title>
            <style>\(HTMLReport.css)\(Self.css)</style></head><body>
            <h1>tune comparison: \(e(names))</h1>
            \(section())<footer>Made by tune at \(e(HTMLReport.timestamp(generated))) from the journals of jobs \(e(names)).</footer>
            </body></html>

            """
    }

    /// The section: what is compared, the chart and its key, the table, the notes.
    public func section() -> String {
        let e = HTMLEscape.escape
        var body = "<p>\(e(comparison.goal.rawValue)) <code>\(e(comparison.metricTag))</code>: the best value so far of each job, by trial number.</p>\n"
        body += chart() + "\n" + key() + "\n" + table() + "\n" + reachNote()
        if !comparison.notes.isEmpty {
            body += "<ul class=\"notes\">" + comparison.notes.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n"
        }
        return "<section id=\"comparison\"><h2>Comparison</h2>\n\(body)</section>\n"
    }

    static func color(_ index: Int) -> String { Palette.qualitative[index % Palette.qualitative.count] }

    /// Solid, dashed, dotted…: a second way to tell the lines apart.
    static func dash(_ index: Int) -> String {
        let dashes = ["", "8 4", "2 3", "10 3 2 3", "4 4", "1 5"]
        return dashes[index % dashes.count]
    }

    func chart() -> String {
        let entries = comparison.entries
        let values = entries.flatMap { $0.curve.steps.map(\.value) }
        guard !values.isEmpty else { return ReportData.none("no job has a succeeded trial that counts: nothing to plot") }
        var chart = SVGChart()
        chart.title("best \(comparison.metricTag) so far by trial")
        let lastTrial = entries.flatMap { $0.job.searchTrials.map(\.id) }.max() ?? 1
        let xAxis = AxisScale.linear(0, Double(max(lastTrial, 5)), minimumStep: 1)
        let yAxis = AxisScale.automatic(values + (comparison.reach.map { [$0.target] } ?? []))
        chart.xAxis(.numeric(xAxis), label: "trial")
        chart.yAxis(.numeric(yAxis), label: "best \(comparison.metricTag) so far")
        if let reach = comparison.reach {
            let y = n(chart.py(yAxis.fraction(reach.target)))
            chart.add(
                "<path class=\"target\" d=\"M\(n(chart.left)) \(y)H\(n(chart.right))\"><title>target: \(HTMLEscape.escape(MetricReading.display(reach.target)))</title></path>")
        }
        // The first job on top: drawn last.
        for (index, entry) in entries.enumerated().reversed() {
            guard let first = entry.curve.first else { continue }
            let job = HTMLEscape.escape(entry.job.id)
            let x = { (trial: Int) in n(chart.px(xAxis.fraction(Double(trial)))) }
            let y = { (value: Double) in n(chart.py(yAxis.fraction(value))) }
            var d = "M\(x(first.trial)) \(y(first.value))"
            for step in entry.curve.steps.dropFirst() { d += "H\(x(step.trial))V\(y(step.value))" }
            let last = max(entry.job.searchTrials.map(\.id).max() ?? first.trial, entry.curve.best?.trial ?? first.trial)
            d += "H\(x(last))"
            let dash = Self.dash(index).isEmpty ? "" : " stroke-dasharray=\"\(Self.dash(index))\""
            var marks = "<path class=\"series\" data-job=\"\(job)\" stroke=\"\(Self.color(index))\"\(dash) d=\"\(d)\"/>"
            for step in entry.curve.steps {
                let value = HTMLEscape.escape(MetricReading.display(step.value))
                marks +=
                    "<circle class=\"step\" data-job=\"\(job)\" data-trial=\"\(step.trial)\" fill=\"\(Self.color(index))\" cx=\"\(x(step.trial))\" cy=\"\(y(step.value))\" r=\"3\"><title>\(job), trial \(step.trial): \(value)</title></circle>"
            }
            chart.add("<g class=\"job\" data-job=\"\(job)\">\(marks)</g>")
        }
        return chart.render(label: "best \(comparison.metricTag) so far by trial, one line per job", id: "comparison-chart")
    }

    /// Each job's colour and dash, as the chart draws it.
    func key() -> String {
        let items = comparison.entries.enumerated().map { index, entry in
            let dash = Self.dash(index).isEmpty ? "" : " stroke-dasharray=\"\(Self.dash(index))\""
            let swatch =
                "<svg class=\"swatch\" width=\"28\" height=\"10\" aria-hidden=\"true\"><path d=\"M1 5H27\" stroke=\"\(Self.color(index))\" stroke-width=\"2\"\(dash)/></svg>"
            return "<span class=\"k-job\" data-job=\"\(HTMLEscape.escape(entry.job.id))\">\(swatch) \(HTMLEscape.escape(entry.job.id))</span>"
        }
        let target = comparison.reach == nil ? "" : " · <span class=\"k-target\">- - -</span> target"
        return "<p class=\"key\">" + items.joined(separator: " · ") + target + "</p>"
    }

    func table() -> String {
        let e = HTMLEscape.escape
        let percent = comparison.reach.map { Self.percent($0.fraction) } ?? ""
        let headers = ["job", "strategy", "trials", "succeeded", "best", "best trial", "parameters", "trials to reach \(percent)"]
        var rows = ""
        for entry in comparison.entries {
            let best = entry.curve.best
            var cells: [String] = [e(entry.job.id), e(entry.strategyText), String(entry.trialsRun), String(entry.succeeded)]
            cells.append(best.map { e(MetricReading.display($0.value)) } ?? "—")
            cells.append(best.map { String($0.trial) } ?? "—")
            cells.append("<code>" + e(entry.bestParametersText) + "</code>")
            cells.append(entry.trialsToReach.map { String($0) } ?? "—")
            rows += "<tr data-job=\"\(e(entry.job.id))\">" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        let head = headers.map { "<th>\(e($0))</th>" }.joined()
        return "<table class=\"comparison\"><thead><tr>\(head)</tr></thead><tbody>\n\(rows)</tbody></table>"
    }

    /// How "trials to reach" is counted, with this comparison's numbers.
    func reachNote() -> String {
        guard let reach = comparison.reach else { return "" }
        let e = HTMLEscape.escape
        let text =
            "Trials to reach \(Self.percent(reach.fraction)): the trial number at which a job's best so far first reached "
            + "\(MetricReading.display(reach.target)), which closes \(Self.percent(reach.fraction)) of the gap from "
            + "\(MetricReading.display(reach.baseline)) (the worst of the jobs' first values) to \(MetricReading.display(reach.best)) "
            + "(the best of all jobs); — when it never did. Trial numbers count every trial of the job, failed ones included."
        return "<p class=\"note\">\(e(text))</p>\n"
    }

    /// `95%`, `97.5%`.
    public static func percent(_ fraction: Double) -> String {
        let value = fraction * 100
        return (value == value.rounded() ? String(Int(value)) : String(format: "%g", value)) + "%"
    }

    static let css = """
        path.series{fill:none;stroke-width:2}path.target{stroke:#888;stroke-width:1;stroke-dasharray:5 4;fill:none}
        table.comparison td{border-top:1px solid #eee}svg.swatch{display:inline;vertical-align:middle}
        .k-target{color:#888}ul.notes{color:#555;font-size:12px}
        """
}
