import Foundation

/// Learning curves: the objective's readings by step (one chart, a line per trial), then a small
/// chart for each other metric the trials reported: the other objectives and the safety metrics
/// (with their bound) first, then every other tag in the order trials first reported it.
extension ReportData {
    static let maxCurves = 200
    static let maxCurvePoints = 300
    /// The small charts of the other metrics: how many, and the trials and points in each.
    static let maxMetricCharts = 12
    static let maxMetricCurves = 50
    static let maxMetricCurvePoints = 150

    /// The objective tag's readings by step, a line per trial (the best `maxCurves` trials);
    /// stopped trials dashed and ending in ×.
    func learningCurves() -> String {
        let (lines, total) = curveLines(metric, maxTrials: Self.maxCurves)
        guard !lines.isEmpty else { return Self.none("no trial reported \(metric) readings") }
        var chart = SVGChart()
        chart.title("\(metric) during training")
        let (xAxis, yAxis) = curveAxes(lines)
        chart.xAxis(.numeric(xAxis), label: "step")
        chart.yAxis(.numeric(yAxis), label: metric)
        chart.colorLegend(id: "viridis-curves", low: AxisScale.compact(objectiveAxis.lower), high: AxisScale.compact(objectiveAxis.upper), caption: "final \(metric)")
        drawCurves(lines, on: &chart, xAxis: xAxis, yAxis: yAxis, maxPoints: Self.maxCurvePoints)
        var html = chart.render(label: "\(metric) readings by step", id: "curves")
        if total > lines.count {
            html += "<p class=\"note\">The best \(lines.count) of the \(total) trials with readings are drawn.</p>"
        }
        return html
    }

    /// The metrics other than the objective, in the order their charts come: the other
    /// objectives, the safety metrics, then the tags trials reported that resolve to none of
    /// the job's defined metrics.
    var otherMetrics: [String] {
        let spec = job.spec
        let defined = spec.definedMetricTags.filter { $0 != metric }
        var resolved = Set(spec.definedMetricTags)
        for trial in job.trials {
            for tag in spec.definedMetricTags {
                if case .found(let name, _, _) = MetricTagMatch.resolve(tag, in: trial.readings) { resolved.insert(name) }
            }
        }
        return defined + job.otherMetricTags.filter { !resolved.contains($0) }
    }

    /// A small chart of readings by step for each metric in `otherMetrics` (the first
    /// `maxMetricCharts`), each line coloured by its trial's final objective; a safety metric's
    /// bound is a dashed line.
    func metricCurves() -> String {
        let tags = otherMetrics
        guard !tags.isEmpty else { return "" }
        var html = "<h3>Other metrics</h3><div class=\"slices\">"
        var drawn = 0
        for tag in tags.prefix(Self.maxMetricCharts) {
            let (lines, total) = curveLines(tag, maxTrials: Self.maxMetricCurves)
            guard !lines.isEmpty else { continue }
            drawn += 1
            let safety = job.spec.safety.first { $0.metricTag == tag }
            let objective = job.spec.objectives.first { $0.metricTag == tag }
            var chart = SVGChart(width: 380, height: 260, left: 64, top: 30, right: 16, bottom: 44)
            let role = objective.map { " (objective, \($0.goal.rawValue.lowercased()))" } ?? safety.map { " (safe: \($0.boundText))" } ?? ""
            chart.title(ChartAxis.clip(tag, to: 30) + role)
            let (xAxis, yAxis) = curveAxes(lines, including: safety.map(\.threshold))
            chart.xAxis(.numeric(xAxis), label: "step")
            chart.yAxis(.numeric(yAxis), label: ChartAxis.clip(tag, to: 24) + (yAxis.kind == .log ? " (log)" : ""))
            if let safety {
                let y = n(chart.py(yAxis.fraction(safety.threshold)))
                chart.add(
                    "<path class=\"threshold\" d=\"M\(n(chart.left)) \(y)H\(n(chart.right))\"><title>\(HTMLEscape.escape("safety bound: \(safety.boundText)"))</title></path>")
            }
            drawCurves(lines, on: &chart, xAxis: xAxis, yAxis: yAxis, maxPoints: Self.maxMetricCurvePoints)
            html += "<figure class=\"metric\" data-metric=\"\(HTMLEscape.escape(tag))\">"
            html += chart.render(label: "\(tag) readings by step", id: "metric-curves-\(drawn)")
            if total > lines.count { html += "<figcaption class=\"note\">The best \(lines.count) of \(total) trials are drawn.</figcaption>" }
            html += "</figure>"
        }
        html += "</div>"
        if tags.count > Self.maxMetricCharts {
            let rest = tags.dropFirst(Self.maxMetricCharts)
            let names = rest.prefix(10).joined(separator: ", ") + (rest.count > 10 ? ", …" : "")
            html += "<p class=\"note\">\(HTMLEscape.escape("\(rest.count) more metrics are not drawn: \(names)")).</p>"
        }
        return html
    }

    /// The readings of `tag` (finite, by step) of the first `maxTrials` trials, best first, that
    /// have any; and how many trials have any.
    func curveLines(_ tag: String, maxTrials: Int) -> (lines: [(TrialRecord, [MetricReading])], total: Int) {
        var lines: [(TrialRecord, [MetricReading])] = []
        var total = 0
        for trial in bestFirst {
            let readings = trial.readings(ofMetric: tag).filter { $0.value.isFinite }
            guard !readings.isEmpty else { continue }
            total += 1
            if lines.count < maxTrials {
                lines.append((trial, readings.enumerated().sorted { ($0.1.step, $0.0) < ($1.1.step, $1.0) }.map(\.1)))
            }
        }
        return (lines, total)
    }

    /// Steps (linear, from 0) and values (log when they span two decades) of `lines`.
    func curveAxes(_ lines: [(TrialRecord, [MetricReading])], including extra: Double? = nil) -> (AxisScale, AxisScale) {
        let values = lines.flatMap { $0.1.map(\.value) } + (extra.map { [$0] } ?? [])
        let steps = lines.flatMap { $0.1.map { Double($0.step) } }
        return (AxisScale.linear(min(0, steps.min() ?? 0), max(1, steps.max() ?? 1), minimumStep: 1), AxisScale.automatic(values))
    }

    /// A path per trial, worst first so the best are on top, at most `maxPoints` points each;
    /// coloured by the trial's final objective (grey without one); a single reading is a dot;
    /// stopped and failed trials dashed and ending in ×.
    func drawCurves(_ lines: [(TrialRecord, [MetricReading])], on chart: inout SVGChart, xAxis: AxisScale, yAxis: AxisScale, maxPoints: Int) {
        let strokeWidth = lines.count > 50 ? "0.8" : "1.4"
        for (trial, readings) in lines.reversed() {
            let stride = max(1, (readings.count + maxPoints - 1) / maxPoints)
            var kept = readings.enumerated().filter { $0.offset % stride == 0 }.map(\.element)
            if let last = readings.last, kept.last != last { kept.append(last) }
            let points = kept.map { (chart.px(xAxis.fraction(Double($0.step))), chart.py(yAxis.fraction($0.value))) }
            var d = points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(n($0.element.0)) \(n($0.element.1))" }.joined()
            if points.count == 1 { d += "h0" }
            let colour = trial.state == .succeeded ? trial.finalMetric.map { color($0.value) } ?? Palette.grey : Palette.grey
            let state = trial.stoppedEarly ? "stopped" : trial.state.rawValue.lowercased()
            chart.add(
                "<path class=\"curve \(state)\" data-trial=\"\(trial.id)\" data-state=\"\(state)\" stroke=\"\(colour)\" stroke-width=\"\(points.count == 1 ? "5" : strokeWidth)\" d=\"\(d)\"><title>trial \(trial.id)</title></path>"
            )
            if trial.stoppedEarly || trial.state == .failed, let end = points.last {
                chart.add("<path class=\"cut\" d=\"\(cross(end.0, end.1, 3))\"/>")
            }
        }
    }
}
