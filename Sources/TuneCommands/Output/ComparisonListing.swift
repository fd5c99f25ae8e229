import Foundation
import TuneCore

/// The shapes `tune compare` prints: a table, JSON, CSV.
struct ComparisonListing {
    let comparison: JobComparison

    private var percent: String { comparison.reach.map { ComparisonSection.percent($0.fraction) } ?? "" }

    /// A headline (objective, target), then a row per job in the order given.
    func table() -> String {
        var lines = ["\(comparison.goal.rawValue) \(comparison.metricTag) · \(comparison.entries.count) jobs"]
        if let reach = comparison.reach {
            let sign = comparison.goal == .maximize ? "≥" : "≤"
            lines[0] +=
                " · to reach \(percent): best so far \(sign) \(MetricReading.display(reach.target)) (\(percent) of the way from \(MetricReading.display(reach.baseline)), the worst first value, to \(MetricReading.display(reach.best)), the best of all)"
        }
        var table = TextTable(headers: ["job", "strategy", "state", "trials", "succeeded", "best", "trial", "to \(percent)", "parameters"], rightAligned: [3, 4, 5, 6, 7])
        for entry in comparison.entries {
            let best = entry.curve.best
            var row: [String] = [entry.job.id, entry.strategyText, entry.job.state.rawValue, String(entry.trialsRun), String(entry.succeeded)]
            row.append(best.map { MetricReading.display($0.value) } ?? "—")
            row.append(best.map { String($0.trial) } ?? "—")
            row.append(entry.trialsToReach.map { String($0) } ?? "—")
            row.append(entry.bestParametersText)
            table.add(row)
        }
        lines.append(table.render())
        return lines.joined(separator: "\n")
    }

    func json() -> String {
        var object: [String: Any] = ["goal": comparison.goal.rawValue, "metricTag": comparison.metricTag, "notes": comparison.notes]
        if let reach = comparison.reach {
            object["reach"] = [
                "fraction": reach.fraction, "baseline": TrialListing.jsonNumber(reach.baseline), "best": TrialListing.jsonNumber(reach.best),
                "target": TrialListing.jsonNumber(reach.target),
            ]
        } else {
            object["reach"] = NSNull()
        }
        if let overall = comparison.overallBest {
            object["overallBest"] = ["job": overall.entry.job.id, "trialId": String(overall.step.trial), "objectiveValue": TrialListing.jsonNumber(overall.step.value)]
        }
        object["jobs"] = comparison.entries.map(jobObject)
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private func jobObject(_ entry: CompareEntry) -> [String: Any] {
        var object: [String: Any] = [
            "job": entry.job.id, "state": entry.job.state.rawValue, "algorithm": entry.job.spec.algorithm.rawValue,
            "strategy": entry.job.header.strategy, "trials": entry.trialsRun, "succeeded": entry.succeeded,
            "objectives": entry.job.spec.objectives.map { ["metricTag": $0.metricTag, "goal": $0.goal.rawValue] },
            "bestSoFar": entry.curve.steps.map { ["trialId": String($0.trial), "objectiveValue": TrialListing.jsonNumber($0.value)] },
        ]
        object["trialsToReach"] = entry.trialsToReach.map { $0 as Any } ?? NSNull()
        if let best = entry.curve.best {
            object["best"] = [
                "trialId": String(best.trial), "objectiveValue": TrialListing.jsonNumber(best.value),
                "hyperparameters": entry.bestTrial?.parameters ?? [:],
            ]
        } else {
            object["best"] = NSNull()
        }
        return object
    }

    /// A row per job; the best trial's parameters a column each (every job's parameters, in the
    /// order first met), empty where a job has no such parameter.
    func csv() -> String {
        var names: [String] = []
        for entry in comparison.entries {
            for param in entry.job.spec.params where !names.contains(param.name) { names.append(param.name) }
        }
        let fixed = ["job", "state", "algorithm", "strategy", "trials", "succeeded", "bestValue", "bestTrialId", "trialsToReach", "reachTarget"]
        let taken = Set(fixed)
        let headers = fixed + names.map { taken.contains($0) ? "param:" + $0 : $0 }
        var lines = [headers.map(TrialListing.csvField).joined(separator: ",")]
        let target = comparison.reach.map { ParameterValue.format($0.target) } ?? ""
        for entry in comparison.entries {
            let best = entry.curve.best
            let parameters = entry.bestTrial?.parameters ?? [:]
            var row: [String] = [entry.job.id, entry.job.state.rawValue, entry.job.spec.algorithm.rawValue, entry.job.header.strategy]
            row += [String(entry.trialsRun), String(entry.succeeded)]
            row.append(best.map { ParameterValue.format($0.value) } ?? "")
            row.append(best.map { String($0.trial) } ?? "")
            row.append(entry.trialsToReach.map { String($0) } ?? "")
            row.append(target)
            row += names.map { parameters[$0] ?? "" }
            lines.append(row.map(TrialListing.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }
}
