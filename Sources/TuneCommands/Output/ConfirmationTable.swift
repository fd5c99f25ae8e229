import Foundation
import TuneCore

/// What `tune confirm` and `tune status` show of the configurations re-checked: one row each, the
/// best mean first, then the verdict.
enum ConfirmationTable {
    static func lines(_ job: JobRecord) -> [String] {
        let confirmations = job.confirmations
        guard !confirmations.isEmpty else { return [] }
        let params = job.spec.params.map(\.name)
        var table = TextTable(
            headers: ["trialId", "first run", "repeats", "mean", "sd", "95% CI", "min", "max"] + params,
            rightAligned: Set(0..<8))
        for entry in confirmations {
            let stats = entry.statistics
            var repeats = "\(entry.values.count)"
            if entry.failed > 0 { repeats += " (\(entry.failed) failed)" }
            if entry.unfinished > 0 { repeats += " (\(entry.unfinished) running)" }
            let number: (Double) -> String = ConfirmationVerdict.number
            var row: [String] = [String(entry.trial.id), entry.trial.finalMetric.map { MetricReading.display($0.value) } ?? "-", repeats]
            row.append(stats.map { number($0.mean) } ?? "-")
            row.append(stats.map { $0.count > 1 ? number($0.standardDeviation) : "-" } ?? "-")
            row.append(stats?.halfWidth().map { "± " + number($0) } ?? "-")
            row.append(entry.values.min().map(number) ?? "-")
            row.append(entry.values.max().map(number) ?? "-")
            table.add(row + params.map { entry.trial.parameters[$0] ?? "" })
        }
        var lines = table.render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let verdict = job.confirmationVerdict { lines.append("best: " + verdict.text(metric: job.spec.metricTag)) }
        return lines
    }
}
