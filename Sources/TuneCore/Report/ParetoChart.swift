import Foundation

/// The Pareto front of a job with several objectives. Two objectives: one scatter of the
/// succeeded trials with the front joined by its attainment boundary; three or four: a scatter
/// per pair of objectives. Front trials are emphasised, dominated ones grey, and infeasible ones
/// (a safety bound crossed) are red × marks, never on the front.
extension ReportData {
    /// A succeeded trial placed by its objective values.
    struct ObjectivePoint {
        let trial: TrialRecord
        /// In `spec.objectives` order, all finite.
        let values: [Double]
        /// Pareto rank among the feasible trials (1: on the front); nil for an infeasible trial.
        let rank: Int?
        /// Each safety bound crossed (empty for a feasible trial).
        let violations: [String]

        var kind: String { rank == nil ? "infeasible" : rank == 1 ? "front" : "dominated" }
    }

    /// The succeeded trials with every objective, placed; empty for a job with one objective.
    static func objectivePoints(_ job: JobRecord, ranks: [Int: Int], safety: [Int: SafetyCheck]) -> [ObjectivePoint] {
        guard job.spec.isMultiObjective else { return [] }
        return job.trials.compactMap { trial in
            guard let values = job.objectiveValues(of: trial), values.allSatisfy(\.isFinite) else { return nil }
            let violations = safety[trial.id].map { $0.isSafe ? [] : $0.violations } ?? []
            if violations.isEmpty, ranks[trial.id] == nil { return nil }
            return ObjectivePoint(trial: trial, values: values, rank: violations.isEmpty ? ranks[trial.id] : nil, violations: violations)
        }
    }

    /// The front section: the scatter (or pairwise scatters), the key and what was left out.
    func paretoFront() -> String {
        let objectives = job.spec.objectives
        guard !objectivePoints.isEmpty else {
            return Self.none("no succeeded trial reported every objective (\(objectives.map(\.metricTag).joined(separator: ", "))): nothing to plot")
        }
        let axes = objectives.indices.map { i in AxisScale.automatic(objectivePoints.map { $0.values[i] }) }
        var html = ""
        if objectives.count == 2 {
            html += paretoScatter(0, 1, axes: axes, id: "pareto", large: true)
        } else {
            html += "<div class=\"slices\">"
            for i in objectives.indices {
                for j in objectives.indices where j > i {
                    html += paretoScatter(i, j, axes: axes, id: "pareto-\(i + 1)-\(j + 1)", large: false)
                }
            }
            html += "</div>"
        }
        html += Self.paretoKey(boundary: objectives.count == 2, safety: !job.spec.safety.isEmpty)
        let count = { (kind: String) in objectivePoints.filter { $0.kind == kind }.count }
        var parts = ["\(count("front")) on the front", "\(count("dominated")) dominated"]
        if !job.spec.safety.isEmpty { parts.append("\(count("infeasible")) infeasible") }
        let succeeded = job.trials.filter { $0.state == .succeeded }.count
        var note = "Of the \(succeeded) succeeded trial\(succeeded == 1 ? "" : "s"): " + parts.joined(separator: ", ")
        if succeeded > objectivePoints.count {
            note += "; \(succeeded - objectivePoints.count) without a value of every objective are not drawn"
        }
        html += "<p class=\"note\">\(HTMLEscape.escape(note)).</p>"
        if objectives.count > 2 {
            html +=
                "<p class=\"note\">Each chart shows one pair of objectives: a trial on the front (in all objectives together) can look dominated in a pair.</p>"
        }
        return html
    }

    /// Objective `j` against objective `i`, a mark per placed trial; with `large` (two objectives)
    /// the front is joined by the attainment boundary: the edge of the region it dominates.
    func paretoScatter(_ i: Int, _ j: Int, axes: [AxisScale], id: String, large: Bool) -> String {
        let objectives = job.spec.objectives
        var chart = large ? SVGChart(width: 720, height: 420) : SVGChart(width: 380, height: 300, left: 64, top: 30, right: 16, bottom: 48)
        let (x, y) = (objectives[i], objectives[j])
        chart.title(large ? "Pareto front" : "\(y.metricTag) against \(x.metricTag)")
        chart.xAxis(.numeric(axes[i]), label: Self.label(x, axes[i]))
        chart.yAxis(.numeric(axes[j]), label: Self.label(y, axes[j]))
        func position(_ point: ObjectivePoint) -> (Double, Double) {
            (chart.px(axes[i].fraction(point.values[i])), chart.py(axes[j].fraction(point.values[j])))
        }
        if large {
            // Best in x first: each next front point is worse in x and better in y; the boundary
            // runs from the worse edge of y to the first point, steps through the corners (worse x,
            // worse y of each pair) and leaves along the worse edge of x.
            let front = objectivePoints.filter { $0.rank == 1 }.sorted { a, b in
                x.goal.isBetter(a.values[i], than: b.values[i]) || (a.values[i] == b.values[i] && y.goal.isBetter(b.values[j], than: a.values[j]))
            }
            if let first = front.first {
                let worseY = chart.py(y.goal == .maximize ? 0 : 1)
                let worseX = chart.px(x.goal == .maximize ? 0 : 1)
                var d = "M\(n(position(first).0)) \(n(worseY))"
                for point in front {
                    let (px, py) = position(point)
                    d += "H\(n(px))V\(n(py))"
                }
                d += "H\(n(worseX))"
                chart.add("<path class=\"front-line\" d=\"\(d)\"/>")
            }
        }
        // Past 2,000 trials: no tooltips, to keep the file small.
        let many = objectivePoints.count > 2000
        for kind in ["dominated", "infeasible", "front"] {
            for point in objectivePoints where point.kind == kind {
                let (px, py) = position(point)
                let title = many ? "" : "<title>\(HTMLEscape.escape(tooltip(point)))</title>"
                let rank = point.rank.map { " data-rank=\"\($0)\"" } ?? ""
                if kind == "infeasible" {
                    chart.add("<path class=\"infeasible\" data-trial=\"\(point.trial.id)\" d=\"\(cross(px, py, 4))\">\(title)</path>")
                } else {
                    chart.add(
                        "<circle class=\"\(kind)\" data-trial=\"\(point.trial.id)\"\(rank) cx=\"\(n(px))\" cy=\"\(n(py))\" r=\"\(kind == "front" ? "4.5" : "3")\">\(title)</circle>"
                    )
                }
            }
        }
        return chart.render(label: "\(y.metricTag) against \(x.metricTag), the Pareto front marked", id: id)
    }

    /// "trial 3: acc=0.91, loss=0.2 — on the front".
    func tooltip(_ point: ObjectivePoint) -> String {
        let values = zip(job.spec.objectives, point.values).map { "\($0.metricTag)=\(MetricReading.display($1))" }.joined(separator: ", ")
        let standing: String
        switch point.rank {
        case nil: standing = "infeasible: " + point.violations.joined(separator: "; ")
        case 1?: standing = "on the front"
        case let rank?: standing = "dominated (rank \(rank))"
        }
        return "trial \(point.trial.id): \(values) — \(standing)"
    }

    /// An objective's axis label with the direction that is better: "loss (lower is better, log)".
    static func label(_ objective: ObjectiveMetric, _ axis: AxisScale) -> String {
        objective.metricTag + " (" + (objective.goal == .maximize ? "higher" : "lower") + " is better" + (axis.kind == .log ? ", log" : "") + ")"
    }

    static func paretoKey(boundary: Bool, safety: Bool) -> String {
        var parts = [
            "<span class=\"k-front\">●</span> on the Pareto front" + (boundary ? " (the line is its attainment boundary)" : ""),
            "<span class=\"k-dominated\">●</span> dominated",
        ]
        if safety { parts.append("<span class=\"k-infeasible\">×</span> infeasible: crossed a safety bound (never on the front)") }
        return "<p class=\"key\">" + parts.joined(separator: " · ") + "</p>"
    }
}
