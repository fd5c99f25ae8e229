import Foundation

/// The report's Population-based training section (`algorithm: PBT`): for each parameter a chart
/// of its value over the resource along each member's schedule (the chain of checkpoints its
/// latest interval continues), the best member's drawn over the others; then the lineage: every
/// exploit step, who copied whom at which interval and how the values moved.
extension ReportData {
    func populationSection() -> String {
        guard let population = job.spec.population else { return "" }
        let members = job.populationMembers
        let latest: [TrialRecord] = members.keys.sorted().compactMap { members[$0]?.last }
        guard !latest.isEmpty else { return ReportData.none("no member has started") }
        let best = job.bestSchedule?.trial.id
        // The best member last, so it is drawn on top.
        let ordered = latest.filter { $0.id != best } + latest.filter { $0.id == best }
        let schedules = ordered.map { (trial: $0, steps: job.schedule(of: $0)) }
        let resource = population.resourceParameter
        let xAxis = AxisScale.linear(0, Double(population.maxResource))
        var html =
            "<p class=\"key\">Each line is a member's schedule: the values its current model was trained with over \(HTMLEscape.escape(resource)), following the checkpoints it continued (a jump is an exploit: it copied a better member and perturbed its values). Colour: the member's latest \(HTMLEscape.escape(metric)); the best model's schedule is the thick line.</p><div class=\"slices\">"
        for (index, param) in params.enumerated() {
            var chart = SVGChart(width: 380, height: 260, left: 64, top: 30, right: 16, bottom: 44)
            chart.title(ChartAxis.clip(param.name, to: 30) + " over " + ChartAxis.clip(resource, to: 20))
            let yAxis = parameterAxes[index]
            chart.xAxis(.numeric(xAxis), label: resource)
            chart.yAxis(yAxis, label: param.name)
            for (trial, steps) in schedules {
                var d = ""
                for step in steps {
                    guard let key = Self.key(param, parameters: step.parameters) else { continue }
                    let y = n(chart.py(yAxis.fraction(key)))
                    d += (d.isEmpty ? "M" : "L") + "\(n(chart.px(xAxis.fraction(Double(step.fromResource))))) \(y)"
                    d += "L\(n(chart.px(xAxis.fraction(Double(step.toResource))))) \(y)"
                }
                guard !d.isEmpty else { continue }
                let isBest = trial.id == best
                let colour = trial.finalMetric.map { color($0.value) } ?? Palette.grey
                let member = trial.population?.member ?? 0
                chart.add(
                    "<path class=\"schedule\(isBest ? " best" : "")\" data-member=\"\(member)\" data-trial=\"\(trial.id)\" stroke=\"\(isBest ? Palette.vermillion : colour)\" stroke-width=\"\(isBest ? "3" : "1.2")\" fill=\"none\" d=\"\(d)\"><title>member \(member) (trial \(trial.id))</title></path>"
                )
            }
            html += chart.render(label: "\(param.name) over \(resource) along each member's schedule", id: "schedule-\(index)")
        }
        html += "</div>" + lineageTable(population)
        return html
    }

    /// Every exploit: at which interval a member took which trial's checkpoint, and the values before and after.
    func lineageTable(_ population: PopulationSpec) -> String {
        let e = HTMLEscape.escape
        let exploits = job.trials.filter { $0.population?.donor != nil }
        guard !exploits.isEmpty else { return "<p class=\"note\">No member has exploited another yet.</p>" }
        let names = params.map(\.name)
        var html = "<h3>Lineage</h3><table class=\"lineage\"><thead><tr>"
        html += ["interval", population.resourceParameter, "member", "trial", "continued", "its values", "explored values"].map { "<th>\(e($0))</th>" }.joined()
        html += "</tr></thead><tbody>\n"
        for trial in exploits {
            guard let lineage = trial.population, let donorId = lineage.donor, let donor = job.trial(donorId) else { continue }
            let before = names.compactMap { name in donor.parameters[name].map { "\(name)=\($0)" } }.joined(separator: " ")
            let after = names.compactMap { name in trial.parameters[name].map { "\(name)=\($0)" } }.joined(separator: " ")
            let span = "\((job.trial(donorId)?.population?.budget ?? 0) + 1)–\(lineage.budget)"
            let source = "member \(donor.population?.member ?? 0)'s (trial \(donorId))"
            let cells = [String(lineage.interval), span, String(lineage.member), String(trial.id), source, before, after]
            html += "<tr data-trial=\"\(trial.id)\" data-donor=\"\(donorId)\">" + cells.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody></table>"
    }
}
