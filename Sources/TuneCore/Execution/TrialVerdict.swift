/// Decides how a trial ended from its exit and the readings it made.
public enum TrialVerdict {
    /// SUCCEEDED with the objective reading, or FAILED with a reason a person can act on.
    public static func judge(exit: TrialExit, readings: [MetricReading], spec: TuningSpec, lastErrorLine: String?) -> (state: TrialState, finalMetric: MetricReading?, reason: String?) {
        switch exit {
        case .signaled(let signal):
            return (.failed, nil, "killed by \(signalName(signal))" + errorSuffix(lastErrorLine))
        case .exited(let code) where code != 0:
            return (.failed, nil, "exited with code \(code)" + errorSuffix(lastErrorLine))
        case .exited:
            break
        }
        guard let objective = ObjectiveSelection.select(from: readings, tag: spec.metricTag, goal: spec.goal,
                                                        selection: spec.measurementSelection) else {
            return (.failed, nil, missingMetricReason(readings: readings, tag: spec.metricTag))
        }
        guard objective.value.isFinite else {
            return (.failed, nil, "the objective \(spec.metricTag) was \(objective.value) at step \(objective.step)")
        }
        return (.succeeded, objective, nil)
    }

    static func missingMetricReason(readings: [MetricReading], tag: String) -> String {
        var seen = Set<String>()
        let tags = readings.map(\.tag).filter { seen.insert($0).inserted }
        if tags.isEmpty {
            return "exited 0 but reported no metric: print a line like `\(tag)=0.97`, or report with cloudml-hypertune, for the tag '\(tag)'"
        }
        let shown = tags.prefix(12).joined(separator: ", ") + (tags.count > 12 ? ", …" : "")
        return "exited 0 but never reported the metric '\(tag)'; it reported: \(shown) — set hyperparameterMetricTag to one of these, or report '\(tag)'"
    }

    private static func errorSuffix(_ line: String?) -> String {
        guard let line, !line.isEmpty else { return "" }
        return ": \(line)"
    }

    public static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS",
                                      8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM"]
        return names[signal].map { "\($0) (signal \(signal))" } ?? "signal \(signal)"
    }
}
