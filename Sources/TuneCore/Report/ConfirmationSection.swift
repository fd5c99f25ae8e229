import Foundation

/// The report's Confirmation section (`tune confirm`): each re-checked configuration's repeats —
/// mean, standard deviation, 95% interval, every value — the best mean first, and the verdict.
extension HTMLReport {
    func confirmationTable() -> String {
        let e = HTMLEscape.escape
        let number = ConfirmationVerdict.number
        let params = job.spec.params.map(\.name)
        var html = "<p class=\"key\">Each configuration ran again with other seeds ($TUNE_SEED). Its first run is left out of the mean: it was chosen for being best.</p>"
        if let verdict = job.confirmationVerdict { html += "<p class=\"verdict\">\(e("Best: " + verdict.text(metric: job.spec.metricTag)))</p>" }
        let headers = ["trial", "first run", "repeats", "mean", "sd", "95% CI", "values"] + params
        html += "<table class=\"confirmation\"><thead><tr>" + headers.map { "<th>\(e($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for entry in job.confirmations {
            let stats = entry.statistics
            var repeats = String(entry.values.count)
            if entry.failed > 0 { repeats += " (\(entry.failed) failed)" }
            var cells = [String(entry.trial.id), entry.trial.finalMetric.map { MetricReading.display($0.value) } ?? "", repeats]
            cells.append(stats.map { number($0.mean) } ?? "")
            cells.append(stats.map { $0.count > 1 ? number($0.standardDeviation) : "" } ?? "")
            cells.append(stats?.halfWidth().map { "± " + number($0) } ?? "")
            cells.append(entry.values.map(number).joined(separator: ", "))
            cells += params.map { entry.trial.parameters[$0] ?? "" }
            html += "<tr data-trial=\"\(entry.trial.id)\">" + cells.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody></table>"
    }
}
