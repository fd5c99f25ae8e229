/// `tune compare`'s chart: each job's best so far by trial number, one step line per job drawn
/// with its own mark (`TerminalChart.seriesMarks`, in the order the jobs were given), named in the
/// legend. Each line runs from the job's first counted trial to its last trial. Where lines share a
/// cell, the job given first shows.
public enum ComparisonPlot {
    public static func chart(_ comparison: JobComparison) -> TerminalChart {
        var series: [TerminalChart.Series] = []
        for (index, entry) in comparison.entries.enumerated() {
            let steps = entry.curve.steps.map { (x: Double($0.trial), y: $0.value) }
            let last = entry.job.searchTrials.map(\.id).max().map(Double.init)
            let mark = TerminalChart.seriesMarks[index % TerminalChart.seriesMarks.count]
            series.append(TerminalChart.Series(name: seriesName(entry), mark: mark, steps: steps, end: last))
        }
        let lastTrial = comparison.entries.flatMap { $0.job.searchTrials.map(\.id) }.max() ?? 1
        let ys = comparison.entries.flatMap { $0.curve.steps.map(\.value) }
        let logY = (ys.min() ?? 0) > 0 && (ys.max() ?? 0) / (ys.min() ?? 1) > 1000
        var title = "best \(comparison.metricTag) so far by trial · \(comparison.goal.rawValue)"
        if let best = comparison.overallBest {
            title += " · best \(MetricReading.display(best.step.value)) (job \(best.entry.job.id), trial \(best.step.trial))"
        }
        var chart = TerminalChart(
            title: title, xName: "trial", yName: "best \(comparison.metricTag) so far", xScale: .integers,
            xDomain: 1...Double(max(lastTrial, 1)), logY: logY, points: [])
        chart.series = series
        return chart
    }

    /// `job-a (best 0.93)`, or `job-a (no value)` for a job with nothing on its curve.
    static func seriesName(_ entry: CompareEntry) -> String {
        guard let best = entry.curve.best else { return "\(entry.job.id) (no value)" }
        return "\(entry.job.id) (best \(MetricReading.display(best.value)))"
    }
}
