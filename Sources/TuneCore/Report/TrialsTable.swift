import Foundation

/// The report's trials table, best first: the objective (each objective, with several, and the
/// Pareto rank), the parameters, how each trial ran, then each safety metric and every other
/// tag the trials reported (the first `maxMetricColumns`) at the final measurement.
extension HTMLReport {
    static let maxMetricColumns = 16

    func trialsTable(_ data: ReportData) -> String {
        guard !job.trials.isEmpty else { return ReportData.none("the job has no trials yet") }
        let e = HTMLEscape.escape
        let spec = job.spec
        let resource = spec.hyperband?.resourceParameter
        let withStopped = job.trials.contains(where: \.stoppedEarly)
        let withAttempts = job.trials.contains { $0.attempt > 1 }
        let withRepeats = job.trials.contains { $0.repeatOf != nil }
        let withReasons = job.trials.contains { $0.failureReason != nil }
        let multi = spec.isMultiObjective
        let moreObjectives = spec.objectives.dropFirst().map(\.metricTag)
        let safetyTags = spec.safety.map(\.metricTag)
        let defined = Set(spec.definedMetricTags)
        let others = data.otherMetrics.filter { !defined.contains($0) }
        let shown = Array(others.prefix(Self.maxMetricColumns))

        var headers = [("trial", ""), ("state", "")]
        if multi { headers.append(("Pareto rank", "1: on the Pareto front")) }
        if !safetyTags.isEmpty { headers.append(("safety", spec.safety.map(\.boundText).joined(separator: ", "))) }
        headers += ([spec.metricTag] + moreObjectives).map { ($0, "objective") } + [("step", "")]
        headers += spec.params.map { ($0.name, "") }
        if let resource { headers += [(resource, ""), ("configuration", ""), ("rung", "")] }
        if withStopped { headers.append(("stopped early", "")) }
        if withAttempts { headers.append(("attempt", "")) }
        if withRepeats { headers.append(("repeat", "tune confirm: a repeat of an earlier trial's configuration, with its seed")) }
        if withReasons { headers.append(("reason", "")) }
        headers += spec.safety.map { ($0.metricTag, "safe: " + $0.boundText) }
        headers += shown.map { ($0, "at the final measurement (\(spec.measurementSelection.rawValue))") }

        var html = "<p class=\"key\">Click a column's header to sort by it."
        if multi { html += " Trials on the Pareto front are marked ★." }
        if !safetyTags.isEmpty { html += " Infeasible trials (a safety bound crossed) are marked unsafe; hover for the bound." }
        html += "</p>"
        if others.count > shown.count {
            let rest = others.dropFirst(shown.count)
            let names = rest.prefix(10).joined(separator: ", ") + (rest.count > 10 ? ", …" : "")
            let note = "\(rest.count) more metrics are not shown (\(names)): tune trials \(job.id) --all-metrics lists every one."
            html += "<p class=\"note\">\(e(note))</p>"
        }
        html += "<table class=\"trials sortable\"><thead><tr>"
        html += headers.map { $0.1.isEmpty ? "<th>\(e($0.0))</th>" : "<th title=\"\(e($0.1))\">\(e($0.0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for trial in data.bestFirst {
            let rank = data.ranks[trial.id]
            let check = data.safety[trial.id]
            var rowClass = trial.state.rawValue.lowercased()
            var cells = [td(String(trial.id)), td(trial.state.rawValue)]
            if multi {
                cells.append(td(rank.map(String.init) ?? "", "class=\"rank\""))
                if rank == 1 { rowClass += " front" }
            }
            if !safetyTags.isEmpty {
                if let check, !check.isSafe {
                    rowClass += " infeasible"
                    cells.append(td("unsafe", "class=\"unsafe\" title=\"\(e(check.violations.joined(separator: "; ")))\""))
                } else {
                    cells.append(td(check == nil ? "" : "safe"))
                }
            }
            cells.append(td(trial.finalMetric.map { MetricReading.display($0.value) } ?? ""))
            cells += job.reportedValues(of: moreObjectives, in: trial).map { td($0.map(MetricReading.display) ?? "") }
            cells.append(td(trial.finalMetric.map { String($0.step) } ?? ""))
            cells += spec.params.map { td(trial.parameters[$0.name] ?? "") }
            if resource != nil {
                cells += [
                    trial.placement.map { String($0.budget) } ?? "", trial.placement.map { String($0.configuration) } ?? "",
                    trial.placement.map { String($0.rung) } ?? "",
                ].map { td($0) }
            }
            if withStopped { cells.append(td(trial.stoppedEarly ? "yes" : "")) }
            if withAttempts { cells.append(td(String(trial.attempt))) }
            if withRepeats { cells.append(td(trial.repeatOf.map { "of \($0.of), seed \($0.seed)" } ?? "")) }
            if withReasons { cells.append(td(trial.failureReason ?? "")) }
            cells += job.reportedValues(of: safetyTags, in: trial).map { td($0.map(MetricReading.display) ?? "") }
            let final = job.finalMeasurement(of: trial)
            cells += shown.map { td(final[$0].map { MetricReading.display($0.value) } ?? "") }
            html += "<tr class=\"\(rowClass)\" data-trial=\"\(trial.id)\">" + cells.joined() + "</tr>\n"
        }
        return html + "</tbody></table>"
    }

    /// A cell holding `text` (escaped), with `attributes` as given.
    private func td(_ text: String, _ attributes: String = "") -> String {
        "<td\(attributes.isEmpty ? "" : " " + attributes)>\(HTMLEscape.escape(text))</td>"
    }
}
