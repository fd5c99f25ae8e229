import Foundation

/// The report's charts, each an inline `<svg>` (or a sentence saying why there is none).
/// Marks carry `data-trial` (and `data-state`) so tests and readers can find each trial.
extension ReportData {
    static let maxParallelTrials = 1000

    static func none(_ text: String) -> String { "<p class=\"none\">\(HTMLEscape.escape(text))</p>" }

    /// Objective by trial number: succeeded trials as dots (stopped-early ones hollow), failed
    /// and cancelled ones as × on the bottom edge, infeasible ones (a safety bound crossed) as a
    /// red × at their value, and the best value so far among the feasible as a step line.
    func history() -> String {
        guard !succeeded.isEmpty else { return Self.none("no succeeded trial: nothing to plot") }
        var chart = SVGChart()
        chart.title("\(metric) by trial")
        let lastId = job.searchTrials.map(\.id).max() ?? 1
        let xAxis = AxisScale.linear(0, Double(max(lastId, 5)), minimumStep: 1)
        chart.xAxis(.numeric(xAxis), label: "trial")
        chart.yAxis(.numeric(objectiveAxis), label: metric)
        // Past 2,000 trials: smaller dots and no tooltips, to keep the file small.
        let many = succeeded.count > 2000
        let radius = many ? "1.5" : "3"
        var best: Double?
        var line = ""
        for (trial, value) in succeeded where !isInfeasible(trial) {
            let x = chart.px(xAxis.fraction(Double(trial.id)))
            if let current = best, !job.spec.goal.isBetter(value, than: current) { continue }
            let y = n(chart.py(objectiveAxis.fraction(value)))
            line += best == nil ? "M\(n(x)) \(y)" : "H\(n(x))V\(y)"
            best = value
        }
        if best != nil {
            line += "H\(n(chart.px(xAxis.fraction(Double(lastId)))))"
            chart.add("<path class=\"best\" d=\"\(line)\"/>")
        }
        for (trial, value) in succeeded {
            if isInfeasible(trial) {
                let (x, y) = (chart.px(xAxis.fraction(Double(trial.id))), chart.py(objectiveAxis.fraction(value)))
                let violations = safety[trial.id]?.violations.joined(separator: "; ") ?? ""
                chart.add(
                    "<path class=\"infeasible\" data-trial=\"\(trial.id)\" data-state=\"infeasible\" d=\"\(cross(x, y, 3.5))\""
                        + (many
                            ? "/>" : "><title>trial \(trial.id): \(HTMLEscape.escape(MetricReading.display(value))), infeasible: \(HTMLEscape.escape(violations))</title></path>"))
                continue
            }
            let state = trial.stoppedEarly ? "stopped" : "succeeded"
            chart.add(
                "<circle class=\"\(state)\" data-trial=\"\(trial.id)\" data-state=\"\(state)\" cx=\"\(n(chart.px(xAxis.fraction(Double(trial.id)))))\" cy=\"\(n(chart.py(objectiveAxis.fraction(value))))\" r=\"\(radius)\""
                    + (many ? "/>" : "><title>trial \(trial.id): \(HTMLEscape.escape(MetricReading.display(value)))</title></circle>"))
        }
        for trial in unsuccessful {
            let (x, y) = (chart.px(xAxis.fraction(Double(trial.id))), chart.py(0))
            let state = trial.state == .failed ? "failed" : "cancelled"
            chart.add(
                "<path class=\"\(state)\" data-trial=\"\(trial.id)\" data-state=\"\(state)\" d=\"\(cross(x, y, 3.5))\""
                    + (many ? "/>" : "><title>trial \(trial.id) \(state)</title></path>"))
        }
        return chart.render(label: "\(metric) by trial number", id: "history")
    }

    /// One vertical axis per parameter and one for the objective; a polyline per succeeded trial
    /// coloured by its objective (viridis), the best drawn last.
    func parallelCoordinates() -> String {
        guard !succeeded.isEmpty else { return Self.none("no succeeded trial: nothing to plot") }
        guard !params.isEmpty else { return Self.none("the job has no parameters") }
        let columns = params.count + 1
        let width = Double(max(720, 130 * columns))
        var chart = SVGChart(width: width, height: 420, left: 60, top: 56, right: 60, bottom: 40)
        chart.title("parallel coordinates")
        chart.colorLegend(id: "viridis-parallel", low: AxisScale.compact(objectiveAxis.lower), high: AxisScale.compact(objectiveAxis.upper), caption: metric)
        let step = (chart.right - chart.left) / Double(columns - 1)
        let axes = parameterAxes + [.numeric(objectiveAxis)]
        let names = params.map(\.name) + [metric]
        // Worst first, so the best lines are on top.
        var ordered = succeeded.sorted { job.spec.goal.isBetter($1.value, than: $0.value) }
        if ordered.count > Self.maxParallelTrials { ordered = Array(ordered.suffix(Self.maxParallelTrials)) }
        let strokeWidth = ordered.count > 300 ? "0.6" : "1.2"
        // A conditional parameter's axis has an `absent` mark below it, where the lines of the
        // trials it is inactive in pass: never on the axis itself, where they would read as a value.
        let isConditional = params.map { $0.condition != nil }
        let absentY = chart.bottom + 26
        for (trial, value) in ordered {
            var points: [String] = []
            for (i, axis) in axes.enumerated() {
                let key = i < params.count ? Self.key(params[i], trial) : value
                guard let key else {
                    if i < params.count, isConditional[i] { points.append("\(n(chart.left + Double(i) * step)),\(n(absentY))") }
                    continue
                }
                points.append("\(n(chart.left + Double(i) * step)),\(n(chart.py(axis.fraction(key))))")
            }
            chart.add("<polyline data-trial=\"\(trial.id)\" stroke=\"\(color(value))\" stroke-width=\"\(strokeWidth)\" points=\"\(points.joined(separator: " "))\"/>")
        }
        for (i, axis) in axes.enumerated() {
            let x = chart.left + Double(i) * step
            var parts = [
                "<g class=\"axis\" data-param=\"\(HTMLEscape.escape(names[i]))\" data-scale=\"\(axis.scaleName)\">",
                "<line x1=\"\(n(x))\" y1=\"\(n(chart.top))\" x2=\"\(n(x))\" y2=\"\(n(chart.bottom))\"/>",
            ]
            for (f, text) in axis.tickMarks {
                let y = n(chart.py(f))
                parts.append(
                    "<line x1=\"\(n(x - 3))\" y1=\"\(y)\" x2=\"\(n(x + 3))\" y2=\"\(y)\"/><text class=\"tick\" x=\"\(n(x + 5))\" y=\"\(y)\" dy=\"0.32em\">\(HTMLEscape.escape(text))</text>"
                )
            }
            if i < params.count, isConditional[i] {
                parts.append("<text class=\"tick absent\" x=\"\(n(x + 5))\" y=\"\(n(absentY))\" dy=\"0.32em\">absent</text>")
            }
            let scale = axis.scaleName == "log" ? " (log)" : ""
            parts.append(
                "<text class=\"label\" x=\"\(n(x))\" y=\"\(n(chart.top - 10))\" text-anchor=\"middle\">\(HTMLEscape.escape(ChartAxis.clip(names[i], to: 18) + scale))</text></g>")
            chart.add(parts.joined())
        }
        var html = chart.render(label: "parallel coordinates of the parameters and \(metric)", id: "parallel")
        if succeeded.count > ordered.count {
            html += "<p class=\"note\">The best \(ordered.count) of \(succeeded.count) succeeded trials are drawn.</p>"
        }
        return html
    }

    /// The objective against each parameter's value, one small chart per parameter.
    func slices() -> String {
        guard !succeeded.isEmpty else { return Self.none("no succeeded trial: nothing to plot") }
        guard !params.isEmpty else { return Self.none("the job has no parameters") }
        var html = "<div class=\"slices\">"
        for (p, spec) in params.enumerated() {
            var chart = SVGChart(width: 360, height: 260, left: 64, top: 30, right: 16, bottom: 48)
            chart.title(spec.name)
            let axis = parameterAxes[p]
            chart.xAxis(axis, label: spec.name + (axis.scaleName == "log" ? " (log)" : ""))
            chart.yAxis(.numeric(objectiveAxis), label: metric)
            var dots = ["", ""]
            for (trial, value) in succeeded {
                guard var key = Self.key(spec, trial) else { continue }
                if case .ordinal = axis {
                    // Spread each value's dots a little (±¼ of its slot), the same way every time.
                    key += (Double(UInt(bitPattern: trial.id &* 2654435761) % 1000) / 1000 - 0.5) * 0.5
                }
                dots[trial.stoppedEarly ? 1 : 0] += "M\(n(chart.px(axis.fraction(key)))) \(n(chart.py(objectiveAxis.fraction(value))))h0"
            }
            if !dots[0].isEmpty { chart.add("<path class=\"dots\" d=\"\(dots[0])\"/>") }
            if !dots[1].isEmpty { chart.add("<path class=\"dots stopped\" d=\"\(dots[1])\"/>") }
            html += chart.render(label: "\(metric) against \(spec.name)", id: "slice-\(p + 1)")
        }
        return html + "</div>"
    }

    /// The importance table: each parameter's share, bar, raw η² and groups. A parameter whose
    /// median group holds fewer than ParameterImportance.minimumGroupSize trials shows no numbers
    /// but says so; when no parameter has enough, there is no table.
    func importanceTable() -> String {
        guard succeeded.count >= 3 else { return Self.none("too few succeeded trials (\(succeeded.count)) to estimate importance; it needs 3") }
        guard !params.isEmpty else { return Self.none("the job has no parameters") }
        let importance = importance
        let needed = ParameterImportance.minimumGroupSize
        func groupsText(_ entry: ParameterImportance.Entry) -> String {
            "\(entry.groups) group\(entry.groups == 1 ? "" : "s"), median \(entry.medianGroupSize == entry.medianGroupSize.rounded() ? String(Int(entry.medianGroupSize)) : String(format: "%.1f", entry.medianGroupSize)) trial\(entry.medianGroupSize == 1 ? "" : "s")"
        }
        guard importance.isMeaningful else {
            let detail = importance.entries.map { "\($0.parameter): \(groupsText($0))" }.joined(separator: "; ")
            return Self.none(
                "too few trials per group to estimate importance: with \(succeeded.count) succeeded trials no parameter's median group holds \(needed) trials (\(detail)); numbers from so few would be noise — run more trials"
            )
        }
        let entries = importance.entries.filter(\.hasEnoughTrials).sorted { $0.share > $1.share }
        var rows = ""
        for entry in entries {
            let percent = entry.share * 100
            rows +=
                "<tr><td>\(HTMLEscape.escape(entry.parameter))</td><td class=\"bar\"><span style=\"width:\(n(percent * 2))px\"></span></td><td>\(String(format: "%.1f", percent))%</td><td>\(String(format: "%.3f", entry.etaSquared))</td><td>\(HTMLEscape.escape(groupsText(entry)))</td></tr>"
        }
        for entry in importance.entries where !entry.hasEnoughTrials {
            let why = entry.groups < 2 ? "a single value in the succeeded trials" : "too few trials per group (fewer than \(needed))"
            rows +=
                "<tr class=\"few\"><td>\(HTMLEscape.escape(entry.parameter))</td><td class=\"bar\"></td><td colspan=\"2\">— \(why)</td><td>\(HTMLEscape.escape(groupsText(entry)))</td></tr>"
        }
        return "<table class=\"importance\"><thead><tr><th>parameter</th><th></th><th>share</th><th>η²</th><th>groups</th></tr></thead><tbody>\(rows)</tbody></table>"
    }
}

/// An × centred at (x, y) as path data.
func cross(_ x: Double, _ y: Double, _ size: Double) -> String {
    "M\(n(x - size)) \(n(y - size))L\(n(x + size)) \(n(y + size))M\(n(x - size)) \(n(y + size))L\(n(x + size)) \(n(y - size))"
}
