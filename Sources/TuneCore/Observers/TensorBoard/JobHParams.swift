import Foundation

/// What the HParams dashboard shows of a job, built from the job's record alone: the experiment
/// (one column per hyperparameter and per metric) and one session per trial that started.
enum JobHParams {
    /// The experiment: the spec's parameters with their domains, then the metrics: each
    /// objective, each safety metric, then the other tags the trials reported, each under the
    /// name(s) TensorBoard finds the trials' values under (`metrics`: each trial's, by id).
    static func experiment(of job: JobRecord, metrics: [Int: TrialHParamsMetrics]) -> HParamsExperiment {
        let spec = job.spec
        var infos: [MetricInfo] = []
        var seen = Set<HParamsMetricName>()
        func add(_ name: HParamsMetricName, _ description: String) {
            guard seen.insert(name).inserted else { return }
            infos.append(MetricInfo(name: name, displayName: name.tuneTag, description: description, datasetType: datasetType(of: name)))
        }
        let measured = job.trials.compactMap { metrics[$0.id] }
        var defined: [(tag: String, description: String)] = spec.objectives.map { ($0.metricTag, "objective (\($0.goal.rawValue))") }
        defined += spec.safety.map { ($0.metricTag, "safety metric: \($0.boundText)") }
        var definedTags = Set<String>()
        for (tag, description) in defined {
            var named = false
            for trialMetrics in measured {
                guard let resolved = trialMetrics.defined[tag], let name = trialMetrics.name(of: resolved) else { continue }
                definedTags.insert(resolved)
                add(name, description)
                named = true
            }
            if !named { add(HParamsMetricName(group: "", tag: tag), description) }
        }
        for trialMetrics in measured {
            for entry in trialMetrics.entries where !definedTags.contains(entry.reading.tag) {
                add(entry.name, "reported by the trials")
            }
        }
        return HParamsExperiment(
            name: job.id,
            description: "tune job \(job.id): \(spec.objectiveDescription), \(job.header.strategy)",
            timeCreated: job.header.createTime.timeIntervalSince1970,
            hparams: spec.params.map(hparamInfo),
            metrics: infos)
    }

    /// A parameter's column: DOUBLE and INTEGER as an interval, CATEGORICAL and DISCRETE as the set of their values.
    static func hparamInfo(_ parameter: ParameterSpec) -> HParamInfo {
        var description = parameter.typeName
        switch parameter.domain {
        case .double(let low, let high, let scale):
            description += scale == .none ? "" : ", \(scale.rawValue)"
            return HParamInfo(name: parameter.name, description: description, type: .float64, domain: .interval(min: low, max: high))
        case .integer(let low, let high, let scale):
            description += scale == .none ? "" : ", \(scale.rawValue)"
            return HParamInfo(
                name: parameter.name, description: description, type: .float64, domain: .interval(min: Double(low), max: Double(high)))
        case .categorical(let values):
            return HParamInfo(name: parameter.name, description: description, type: .string, domain: .discrete(values.map { .string($0) }))
        case .discrete(let values):
            return HParamInfo(name: parameter.name, description: description, type: .float64, domain: .discrete(values.map { .number($0.value) }))
        }
    }

    /// A trial's values, typed as their parameters' columns; parameters it did not get (an
    /// inactive conditional one) are left out.
    static func hparams(of trial: TrialRecord, spec: TuningSpec) -> [(name: String, value: HParamValue)] {
        spec.params.compactMap { parameter in
            guard let text = trial.parameters[parameter.name] else { return nil }
            switch parameter.domain {
            case .categorical: return (parameter.name, .string(text))
            case .double, .integer, .discrete: return (parameter.name, Double(text).map { .number($0) } ?? .string(text))
            }
        }
    }

    /// The session's status: SUCCEEDED is a success, FAILED and CANCELLED a failure; a trial still
    /// running has no end yet.
    static func status(of state: TrialState) -> SessionEndInfo.Status? {
        switch state {
        case .succeeded: .success
        case .failed, .cancelled: .failure
        case .pending, .running: nil
        }
    }

    /// A run folder named like an evaluation run (`validation`, `eval`, …) holds validation
    /// metrics; `train` or `training`, training metrics.
    static func datasetType(of name: HParamsMetricName) -> MetricInfo.DatasetType {
        let last = (name.group.split(separator: "/").last.map(String.init) ?? "").lowercased()
        if MetricTagMatch.evaluationRuns.contains(last) { return .validation }
        if last == "train" || last == "training" { return .training }
        return .unknown
    }

    /// The events of a trial's session file: the start, then (once it ended) the values tune
    /// writes (`TrialHParamsMetrics`) and the end. nil for a trial that has not started.
    static func sessionEvents(of trial: TrialRecord, spec: TuningSpec, metrics: TrialHParamsMetrics?) -> [SummaryEvent]? {
        guard let start = trial.startTime ?? (trial.state.isFinished ? trial.createTime : nil) else { return nil }
        let startTime = start.timeIntervalSince1970
        let startInfo = SessionStartInfo(hparams: hparams(of: trial, spec: spec), groupName: "", startTime: startTime)
        var events = [
            SummaryEvent(wallTime: startTime, body: .fileVersion),
            HParamsPluginData.sessionStart(startInfo).event(wallTime: startTime),
        ]
        guard trial.state.isFinished, let status = status(of: trial.state) else { return events }
        let endTime = (trial.endTime ?? start).timeIntervalSince1970
        for entry in metrics?.entries ?? [] where entry.written {
            events.append(
                SummaryEvent(
                    wallTime: endTime, step: Int64(entry.reading.step), body: .scalar(tag: entry.name.tag, value: Float(entry.reading.value))))
        }
        events.append(HParamsPluginData.sessionEnd(SessionEndInfo(status: status, endTime: endTime)).event(wallTime: endTime))
        return events
    }

    /// The events of the job's experiment file.
    static func experimentEvents(_ experiment: HParamsExperiment) -> [SummaryEvent] {
        [
            SummaryEvent(wallTime: experiment.timeCreated, body: .fileVersion),
            HParamsPluginData.experiment(experiment).event(wallTime: experiment.timeCreated),
        ]
    }
}
