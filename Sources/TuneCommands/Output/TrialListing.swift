import Foundation
import TuneCore

/// The shapes `tune trials` prints: Cloud ML's job_trials() table, HyperparameterOutput JSON, CSV.
struct TrialListing {
    let job: JobRecord
    /// Metrics besides the objective shown as table columns (`--metrics`, `--all-metrics`).
    var metrics: [String] = []
    /// Only the Pareto-optimal trials (`--pareto`): with one objective, the best trial.
    var paretoOnly = false

    private var ordered: [TrialRecord] { paretoOnly ? job.paretoFront : job.trialsBestFirst }
    /// The columns of the job's own metrics: each objective (one: `objectiveValue`), then each safety metric.
    private var objectiveHeaders: [String] { job.spec.isMultiObjective ? job.spec.objectives.map(\.metricTag) : ["objectiveValue"] }
    private var safetyTags: [String] { job.spec.safety.map(\.metricTag) }
    private var paramNames: [String] { job.spec.params.map(\.name) }

    /// The columns of a multi-fidelity job: Hyperband's budget, configuration and rung, or PBT's
    /// budget, member, interval and the trial whose checkpoint an exploiting interval copied (`donor`).
    private var resourceHeaders: [String] {
        if let hyperband = job.spec.hyperband { return [hyperband.resourceParameter, "configuration", "rung"] }
        if let population = job.spec.population { return [population.resourceParameter, "member", "interval", "donor"] }
        return []
    }

    private func resourceCells(_ trial: TrialRecord) -> [String] {
        if job.spec.hyperband != nil {
            return [
                trial.placement.map { String($0.budget) } ?? "", trial.placement.map { String($0.configuration) } ?? "",
                trial.placement.map { String($0.rung) } ?? "",
            ]
        }
        if job.spec.population != nil {
            let lineage = trial.population
            return [
                lineage.map { String($0.budget) } ?? "", lineage.map { String($0.member) } ?? "", lineage.map { String($0.interval) } ?? "",
                lineage?.donor.map(String.init) ?? "",
            ]
        }
        return []
    }

    func table() -> String {
        let shown = ordered
        let withReasons = shown.contains { reason(of: $0) != nil }
        let withAttempts = shown.contains { $0.attempt > 1 }
        let withStopped = shown.contains { $0.stoppedEarly }
        let withRepeats = shown.contains { $0.repeatOf != nil }
        // The launcher's system's own id of each trial (`slurmJob`), when it has them.
        let system = job.trials.lazy.compactMap { $0.scheduler?.jobId != nil ? $0.scheduler?.system : nil }.first
        let withScheduler = system != nil
        let resource = resourceHeaders
        let multi = job.spec.isMultiObjective
        let ranks = job.paretoRanks
        let metrics = metrics.filter { !job.spec.definedMetricTags.contains($0) }
        let lead = (multi ? ["front"] : []) + objectiveHeaders + ["trainingStep"] + safetyTags + (safetyTags.isEmpty ? [] : ["safe"])
        var headers = lead + metrics + paramNames
        headers += resource
        headers += ["trialId", "state"]
        if let system { headers.append(system + "Job") }
        if withStopped { headers.append("stoppedEarly") }
        if withRepeats { headers.append("repeat") }
        if withAttempts { headers.append("attempt") }
        if withReasons { headers.append("reason") }
        let idColumn = paramNames.count + metrics.count + lead.count + resource.count
        let numeric = Array(0..<(lead.count - (safetyTags.isEmpty ? 0 : 1))) + metrics.indices.map { $0 + lead.count }
        var table = TextTable(headers: headers, rightAligned: Set([idColumn] + numeric + ((idColumn - resource.count)..<idColumn)))
        for trial in shown {
            var row: [String] = []
            if multi { row.append(ranks[trial.id].map { $0 == 1 ? "*" : String($0) } ?? "-") }
            if multi {
                let values = job.objectiveValues(of: trial)
                row += job.spec.objectives.indices.map { i in values.map { MetricReading.display($0[i]) } ?? "-" }
            } else {
                row.append(trial.finalMetric.map { MetricReading.display($0.value) } ?? "-")
            }
            row.append(trial.finalMetric.map { String($0.step) } ?? "-")
            if let check = job.safetyCheck(of: trial) {
                row += check.values.map { $0.map(MetricReading.display) ?? "-" }
                row.append(check.isSafe ? "yes" : "NO")
            } else if !safetyTags.isEmpty {
                row += safetyTags.map { _ in "-" } + [""]
            }
            if !metrics.isEmpty {
                let measurement = job.finalMeasurement(of: trial)
                row += metrics.map { tag in measurement[tag].map { MetricReading.display($0.value) } ?? "-" }
            }
            row += paramNames.map { trial.parameters[$0] ?? "" }
            row += resourceCells(trial)
            row += [String(trial.id), trial.shownState.rawValue]
            if withScheduler { row.append(trial.scheduler?.jobId ?? "") }
            if withStopped { row.append(trial.stoppedEarly ? "yes" : "") }
            if withRepeats { row.append(trial.repeatOf.map { "of \($0.of), seed \($0.seed)" } ?? "") }
            if withAttempts { row.append(String(trial.attempt)) }
            if withReasons { row.append(Self.clip(reason(of: trial) ?? "", to: 70)) }
            table.add(row)
        }
        return table.render()
    }

    /// Why a trial failed, or why a succeeded one is infeasible (the safety bounds it crossed).
    func reason(of trial: TrialRecord) -> String? {
        if let reason = trial.failureReason { return reason }
        guard let check = job.safetyCheck(of: trial), !check.isSafe else { return nil }
        return "unsafe: " + check.violations.joined(separator: "; ")
    }

    /// A JSON array of Cloud ML HyperparameterOutput objects, best first.
    func json() -> String {
        let ranks = job.paretoRanks
        let objects: [[String: Any]] = ordered.map { trial in
            var object: [String: Any] = [
                "trialId": String(trial.id),
                "state": trial.shownState.rawValue,
                "hyperparameters": trial.parameters,
                "isTrialStoppedEarly": trial.stoppedEarly,
            ]
            if let placement = trial.placement {
                // tune's own (Hyperband): which configuration this run is, at which rung and budget.
                object["configuration"] = placement.configuration
                object["rung"] = placement.rung
                object["budget"] = placement.budget
            }
            if let lineage = trial.population {
                // tune's own (PBT): the member and interval, the trials it continues, and the
                // schedule its weights were trained with.
                object["member"] = lineage.member
                object["interval"] = lineage.interval
                object["budget"] = lineage.budget
                if let parent = lineage.parent { object["parent"] = String(parent) }
                if let donor = lineage.donor { object["donor"] = String(donor) }
                object["schedule"] = job.schedule(of: trial).map(Self.scheduleEntry)
            }
            if let repeated = trial.repeatOf {
                // tune's own: a repeat of an earlier trial's configuration (`tune confirm`).
                object["repeatOf"] = String(repeated.of)
                object["seed"] = repeated.seed
            }
            if let rank = ranks[trial.id] {
                // tune's own: the trial's Pareto rank (1: on the front, Vertex AI's optimalTrials).
                object["paretoRank"] = rank
                object["paretoOptimal"] = rank == 1
            }
            if let check = job.safetyCheck(of: trial), !check.isSafe {
                // Vertex AI's Trial fields.
                object["infeasible"] = true
                object["infeasibleReason"] = check.violations.joined(separator: "; ")
            }
            if let metric = trial.finalMetric {
                object["finalMetric"] = ["trainingStep": String(metric.step), "objectiveValue": Self.jsonNumber(metric.value)]
            }
            let measurement = job.finalMeasurement(of: trial)
            if !measurement.metrics.isEmpty {
                // Vertex AI's Measurement: every metric at the final measurement, the objective first.
                var final: [String: Any] = [
                    "metrics": measurement.metrics.map { ["metricId": $0.tag, "value": Self.jsonNumber($0.value)] }
                ]
                if let step = trial.finalMetric?.step ?? measurement.metrics.first?.step { final["stepCount"] = String(step) }
                object["finalMeasurement"] = final
            }
            let all = trial.readings(ofMetric: job.spec.metricTag)
            if !all.isEmpty {
                object["allMetrics"] = all.map { ["trainingStep": String($0.step), "objectiveValue": Self.jsonNumber($0.value)] }
            }
            if let start = trial.startTime { object["startTime"] = Self.timestamp(start) }
            if let end = trial.endTime { object["endTime"] = Self.timestamp(end) }
            if let reason = trial.failureReason { object["failureReason"] = reason }
            if !trial.notes.isEmpty { object["notes"] = trial.notes }
            if let scheduler = trial.scheduler {
                // Where the launcher's system (Slurm) had the trial, as last seen.
                var entry: [String: Any] = ["system": scheduler.system]
                if let id = scheduler.jobId { entry["jobId"] = id }
                if !trial.state.isFinished {
                    entry["state"] = scheduler.state
                    if let reason = scheduler.reason { entry["reason"] = reason }
                }
                if let node = scheduler.node, !node.isEmpty { entry["node"] = node }
                object["scheduler"] = entry
            }
            if trial.attempt > 1 {
                // tune's own: the earlier runs of a resumed or retried trial.
                object["attempt"] = trial.attempt
                object["previousAttempts"] = trial.previousAttempts.map { earlier -> [String: Any] in
                    var entry: [String: Any] = [
                        "attempt": earlier.attempt, "state": earlier.state.rawValue,
                        "rerunCause": earlier.rerunCause.rawValue,
                    ]
                    if let reason = earlier.reason { entry["failureReason"] = reason }
                    if let folder = earlier.outputFolder { entry["outputFolder"] = folder }
                    return entry
                }
            }
            return object
        }
        let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Every metric besides the objective is a column at the end, named by its tag (`metric:<tag>`
    /// where a tag is also the name of another column).
    func csv() -> String {
        var headers = ["trialId", "state", "objectiveValue", "trainingStep"] + paramNames + ["startTime", "endTime", "failureReason", "attempt", "isTrialStoppedEarly"]
        headers += resourceHeaders
        let ranks = job.paretoRanks
        let multi = job.spec.isMultiObjective
        let constrained = !safetyTags.isEmpty
        if multi { headers.append("paretoRank") }
        if constrained { headers.append("feasible") }
        let repeats = job.trials.contains { $0.repeatOf != nil }
        if repeats { headers += ["repeatOf", "seed"] }
        let others = job.otherMetricTags
        let taken = Set(headers)
        headers += others.map { taken.contains($0) ? "metric:" + $0 : $0 }
        var lines = [headers.map(Self.csvField).joined(separator: ",")]
        for trial in ordered {
            var row = [
                String(trial.id), trial.shownState.rawValue,
                trial.finalMetric.map { ParameterValue.format($0.value) } ?? "",
                trial.finalMetric.map { String($0.step) } ?? "",
            ]
            row += paramNames.map { trial.parameters[$0] ?? "" }
            row += [
                trial.startTime.map(Self.timestamp) ?? "", trial.endTime.map(Self.timestamp) ?? "", trial.failureReason ?? "", String(trial.attempt), String(trial.stoppedEarly),
            ]
            row += resourceCells(trial)
            if multi { row.append(ranks[trial.id].map(String.init) ?? "") }
            if constrained { row.append(job.safetyCheck(of: trial).map { String($0.isSafe) } ?? "") }
            if repeats { row += [trial.repeatOf.map { String($0.of) } ?? "", trial.repeatOf.map { String($0.seed) } ?? ""] }
            if !others.isEmpty {
                let measurement = job.finalMeasurement(of: trial)
                row += others.map { tag in measurement[tag].map { ParameterValue.format($0.value) } ?? "" }
            }
            lines.append(row.map(Self.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }

    /// One interval of a PBT schedule in JSON (also `schedule.json` beside a collected checkpoint).
    static func scheduleEntry(_ step: ScheduleStep) -> [String: Any] {
        var entry: [String: Any] = [
            "trialId": String(step.trial), "member": step.member, "interval": step.interval,
            "from": step.fromResource, "to": step.toResource, "hyperparameters": step.parameters, "exploited": step.exploited,
        ]
        if let value = step.value { entry["objectiveValue"] = jsonNumber(value) }
        return entry
    }

    static func csvField(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// RFC 3339 in UTC with milliseconds, as Cloud ML writes times.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// JSON has no NaN or infinity: such values are written as strings.
    static func jsonNumber(_ x: Double) -> Any {
        x.isFinite ? x : String(describing: x)
    }

    static func clip(_ text: String, to width: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count <= width ? flat : String(flat.prefix(width - 1)) + "…"
    }
}
