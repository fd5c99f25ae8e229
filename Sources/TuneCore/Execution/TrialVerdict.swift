/// Decides how a trial ended from its exit and the readings it made.
public enum TrialVerdict {
    /// How a trial ended: its state, its objective reading when it succeeded, why it failed, and a
    /// note for the user when the metric tag was found in more than one source.
    public struct Judgement: Sendable, Equatable {
        public var state: TrialState
        public var finalMetric: MetricReading?
        public var reason: String?
        public var sourceNote: String?
    }

    /// SUCCEEDED with the objective reading, or FAILED with a reason a person can act on.
    public static func judge(exit: TrialExit, readings: [MetricReading], spec: TuningSpec, lastErrorLine: String?) -> Judgement {
        switch exit {
        case .signaled(let signal):
            return Judgement(state: .failed, reason: "killed by \(signalName(signal))" + errorSuffix(lastErrorLine))
        case .exited(let code) where code != 0:
            return Judgement(state: .failed, reason: "exited with code \(code)" + errorSuffix(lastErrorLine))
        case .exited:
            break
        }
        let match = MetricTagMatch.resolve(spec.metricTag, in: readings)
        switch match {
        case .missing:
            return Judgement(state: .failed, reason: missingMetricReason(readings: readings, tag: spec.metricTag))
        case .ambiguous(let choices):
            return Judgement(
                state: .failed,
                reason: "the metric tag '\(spec.metricTag)' is in several event-file runs: \(choices.joined(separator: ", ")) — set hyperparameterMetricTag to one of these")
        case .found(let tag, let source, let alsoIn):
            guard
                let objective = ObjectiveSelection.select(
                    from: match.readings(from: readings), tag: tag, goal: spec.goal,
                    selection: spec.measurementSelection)
            else {
                return Judgement(state: .failed, reason: missingMetricReason(readings: readings, tag: spec.metricTag))
            }
            guard objective.value.isFinite else {
                return Judgement(
                    state: .failed,
                    reason:
                        "the metric \(tag) is \(objective.value) at step \(objective.step) in \(sourceName(objective.source)): a NaN or infinite objective cannot be ranked — the training may have diverged"
                )
            }
            if let failure = otherObjectiveFailure(readings: readings, spec: spec, objectiveStep: objective.step) {
                return Judgement(state: .failed, reason: failure)
            }
            var note: String?
            if !alsoIn.isEmpty {
                let others = alsoIn.map(sourceName).joined(separator: " and ")
                let shown = tag == spec.metricTag ? "" : " (as '\(tag)')"
                note = "'\(spec.metricTag)' is reported both in \(sourceName(source))\(shown) and in \(others): the objective comes from \(sourceName(source))"
            } else if tag != spec.metricTag {
                note =
                    "the metric tag '\(spec.metricTag)' is read from the event-file tag '\(tag)'"
                    + MetricTagMatch.why(spec.metricTag, readAs: tag, in: readings)
            }
            return Judgement(state: .succeeded, finalMetric: objective, sourceNote: note)
        }
    }

    /// Why a trial of a job with several objectives cannot be placed: an objective after the first
    /// is missing, ambiguous or not finite. nil when every one has a value.
    static func otherObjectiveFailure(readings: [MetricReading], spec: TuningSpec, objectiveStep: Int) -> String? {
        for objective in spec.objectives.dropFirst() {
            let match = MetricTagMatch.resolve(objective.metricTag, in: readings)
            guard case .found(let tag, _, _) = match else {
                if case .ambiguous(let choices) = match {
                    return "the metric tag '\(objective.metricTag)' is in several event-file runs: \(choices.joined(separator: ", ")) — name one of these in metrics"
                }
                return missingMetricReason(readings: readings, tag: objective.metricTag, field: "metrics")
            }
            guard
                let reading = ObjectiveSelection.companion(
                    from: match.readings(from: readings), tag: tag, selection: spec.measurementSelection, objectiveStep: objectiveStep)
            else { return missingMetricReason(readings: readings, tag: objective.metricTag, field: "metrics") }
            guard reading.value.isFinite else {
                return
                    "the objective \(tag) is \(reading.value) at step \(reading.step) in \(sourceName(reading.source)): a NaN or infinite objective cannot be placed on the Pareto front — the training may have diverged"
            }
        }
        return nil
    }

    public static func sourceName(_ source: MetricSourceKind) -> String {
        switch source {
        case .stdout: return "the trial's output"
        case .hypertune: return "the cloudml-hypertune file"
        case .events: return "TensorFlow event files"
        }
    }

    static func missingMetricReason(readings: [MetricReading], tag: String, field: String = "hyperparameterMetricTag") -> String {
        var seen = Set<String>()
        let tags = readings.map(\.tag).filter { seen.insert($0).inserted }
        if tags.isEmpty {
            return
                "exited 0 but reported no metric: print a line like `\(tag)=0.97`, report it with cloudml-hypertune, or write it to TensorFlow event files under $TUNE_TRIAL_DIR, as the tag '\(tag)'"
        }
        let shown = tags.prefix(12).joined(separator: ", ") + (tags.count > 12 ? ", …" : "")
        var reason = "exited 0 but never reported the metric '\(tag)'; it reported: \(shown)"
        if let hint = KerasMetricNames.hint(for: tag, seen: tags) {
            reason += " — \(hint)"
        } else {
            reason += " — set \(field) to one of these, or report '\(tag)'"
        }
        return reason
    }

    private static func errorSuffix(_ line: String?) -> String {
        guard let line, !line.isEmpty else { return "" }
        return ": \(line)"
    }

    public static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [
            1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS",
            8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
        ]
        return names[signal].map { "\($0) (signal \(signal))" } ?? "signal \(signal)"
    }
}
