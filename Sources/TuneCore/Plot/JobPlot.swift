import Foundation

/// The charts of a job: its optimization history (objective by trial) and slices (objective by
/// one parameter's value).
///
/// Succeeded trials are points (`◦` when stopped early, `×` when they crossed a safety bound),
/// failed trials `x` on the lane under the plot; pending, running and cancelled trials are only
/// counted in the title. The best so far (history only) counts feasible trials that ran their
/// whole course, as `tune status` ranks them. With several objectives, `front` charts the first two.
public enum JobPlot {
    /// Why there is nothing to plot (no succeeded trial), with the trials' counts; nil when there is.
    public static func nothingToPlot(_ job: JobRecord) -> String? {
        guard !points(job).isEmpty else {
            return "no succeeded trial: nothing to plot (job \(job.id): \(counts(job)))"
        }
        return nil
    }

    /// A log y axis when asked for, or by default when every objective is > 0 and they span more than 3 decades.
    public static func wantsLogY(_ job: JobRecord, requested: Bool) -> Bool {
        let ys = points(job).map(\.value)
        guard let low = ys.min(), let high = ys.max(), low > 0 else { return false }
        return requested || high / low > 1000
    }

    /// Objective by trial number, with the best so far as a step line.
    public static func history(_ job: JobRecord, logY requested: Bool = false) -> TerminalChart {
        let logY = wantsLogY(job, requested: requested)
        var best: Double?
        var line: [(x: Double, y: Double)] = []
        for (trial, value) in points(job) where !trial.stoppedEarly && job.isFeasible(trial) {
            if best.map({ job.spec.goal.isBetter(value, than: $0) }) ?? true {
                best = value
                line.append((Double(trial.id), value))
            }
        }
        let ids = job.searchTrials.map { Double($0.id) }
        let domain = (ids.min() ?? 1)...max(ids.max() ?? 1, ids.min() ?? 1)
        return TerminalChart(
            title: title(job), xName: "trial", yName: job.spec.metricTag, xScale: .integers, xDomain: domain,
            logY: logY, points: points(job).map { point(x: Double($0.trial.id), $0, in: job) },
            failures: job.searchTrials.filter { $0.state == .failed }.map { Double($0.id) },
            bestLine: line, note: requested && !logY ? "linear: not every value > 0" : nil)
    }

    /// With several objectives: the second objective against the first, a mark per succeeded
    /// trial with both (`*` on the Pareto front, `·` dominated, `×` unsafe); nil for one objective.
    public static func front(_ job: JobRecord, logY requested: Bool = false) -> TerminalChart? {
        let objectives = job.spec.objectives
        guard objectives.count >= 2 else { return nil }
        let ranks = job.paretoRanks
        let points = job.trials.compactMap { trial -> TerminalChart.Point? in
            guard let values = job.objectiveValues(of: trial), values.prefix(2).allSatisfy(\.isFinite) else { return nil }
            let mark: TerminalChart.Mark = !job.isFeasible(trial) ? .infeasible : ranks[trial.id] == 1 ? .front : .dominated
            return TerminalChart.Point(x: values[0], y: values[1], mark: mark)
        }
        let ys = points.map(\.y)
        let logY = requested && (ys.min() ?? 0) > 0
        let arrow = { (goal: Goal) in goal == .maximize ? " ↑" : " ↓" }
        var title = "job \(job.id) · Pareto front of \(objectives.map(\.metricTag).joined(separator: ", ")) · \(job.paretoFront.count) on the front · " + counts(job)
        if objectives.count > 2 { title += " · first two objectives shown" }
        return TerminalChart(
            title: title, xName: objectives[0].metricTag + arrow(objectives[0].goal), yName: objectives[1].metricTag + arrow(objectives[1].goal),
            xScale: .linear, logY: logY, points: points, note: requested && !logY ? "linear: not every value > 0" : nil)
    }

    /// Objective by the value of `param`: log x for UNIT_LOG_SCALE, categories as evenly spaced columns.
    public static func slice(_ job: JobRecord, param: ParameterSpec, logY requested: Bool = false) -> TerminalChart {
        let logY = wantsLogY(job, requested: requested)
        var scale = TerminalChart.XScale.linear
        var domain: ClosedRange<Double>
        var position: (String) -> Double?
        switch param.domain {
        case .double(let low, let high, let s):
            scale = s == .log && low > 0 ? .logarithmic : .linear
            domain = low...high
            position = { Double($0) }
        case .integer(let low, let high, let s):
            scale = s == .log && low > 0 ? .logarithmic : .linear
            domain = Double(low)...Double(high)
            position = { Int($0).map(Double.init) }
        case .discrete(let values):
            domain = (values.first?.value ?? 0)...(values.last?.value ?? 1)
            position = { text in param.value(fromText: text).flatMap { if case .discrete(let v) = $0 { return v.value } else { return nil } } }
        case .categorical(let names):
            scale = .categories(names)
            domain = 0...Double(max(names.count - 1, 0))
            position = { text in names.firstIndex(of: text).map(Double.init) }
        }
        let chosen = points(job).compactMap { trial, value in
            trial.parameters[param.name].flatMap(position).map { point(x: $0, (trial, value), in: job) }
        }
        let failures = job.trials.filter { $0.state == .failed }.compactMap { $0.parameters[param.name].flatMap(position) }
        return TerminalChart(
            title: title(job) + " · by \(param.name)", xName: param.name, yName: job.spec.metricTag, xScale: scale,
            xDomain: domain, logY: logY, points: chosen, failures: failures,
            note: requested && !logY ? "linear: not every value > 0" : nil)
    }

    /// `job J · MAXIMIZE acc · best 0.95 (trial 7) · 12 trials: 11 succeeded, 1 failed` (cut at the end when long).
    static func title(_ job: JobRecord) -> String {
        var text = "job \(job.id) · \(job.spec.goal.rawValue) \(job.spec.metricTag)"
        if let best = job.bestTrial, let metric = best.finalMetric {
            text += " · best \(MetricReading.display(metric.value)) (trial \(best.id))"
        }
        return text + " · " + counts(job)
    }

    static func counts(_ job: JobRecord) -> String {
        var parts = ["\(job.count(.succeeded)) succeeded"]
        let stopped = job.trials.filter(\.stoppedEarly).count
        if stopped > 0 { parts[0] += " (\(stopped) stopped early)" }
        if job.count(.failed) > 0 { parts.append("\(job.count(.failed)) failed") }
        if job.count(.cancelled) > 0 { parts.append("\(job.count(.cancelled)) cancelled") }
        let unfinished = job.trials.filter { !$0.state.isFinished }.count
        if unfinished > 0 { parts.append("\(unfinished) unfinished") }
        return "\(job.trials.count) trial\(job.trials.count == 1 ? "" : "s"): " + parts.joined(separator: ", ")
    }

    /// Succeeded trials with a finite objective, by id.
    /// The search's succeeded trials with their objective (`tune confirm`'s repeats are not plotted).
    static func points(_ job: JobRecord) -> [(trial: TrialRecord, value: Double)] {
        job.searchTrials.compactMap { trial in
            guard trial.state == .succeeded, let value = trial.finalMetric?.value, value.isFinite else { return nil }
            return (trial, value)
        }
    }

    private static func point(x: Double, _ entry: (trial: TrialRecord, value: Double), in job: JobRecord) -> TerminalChart.Point {
        let mark: TerminalChart.Mark = !job.isFeasible(entry.trial) ? .infeasible : entry.trial.stoppedEarly ? .stoppedEarly : .succeeded
        return TerminalChart.Point(x: x, y: entry.value, mark: mark)
    }
}
