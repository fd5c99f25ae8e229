import Foundation

/// How a tune job reads in MLflow: a parent run named after the job, a child run per trial attempt
/// (`mlflow.parentRunId`), the trial's values as params, every metric reading with its step, and
/// the trial's state as the run's status. Pure functions of the job, shared by the live observer
/// and `tune export mlflow`, so both make the same runs.
enum MLflowMapping {
    /// The longest param value MLflow keeps (6000 characters); tags are cut shorter than theirs.
    static let paramValueLimit = 6000
    static let tagValueLimit = 5000

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// A trial's state as MLflow's RunStatus. A trial waiting in Slurm's queue is SCHEDULED.
    static func status(_ trial: TrialRecord) -> String {
        switch trial.shownState {
        case .pending: return "SCHEDULED"
        case .running: return "RUNNING"
        case .succeeded: return "FINISHED"
        case .failed: return "FAILED"
        case .cancelled: return "KILLED"
        }
    }

    static func status(_ state: TrialState) -> String {
        switch state {
        case .pending: return "SCHEDULED"
        case .running: return "RUNNING"
        case .succeeded: return "FINISHED"
        case .failed: return "FAILED"
        case .cancelled: return "KILLED"
        }
    }

    static func status(_ state: JobState) -> String {
        switch state {
        case .running: return "RUNNING"
        case .succeeded: return "FINISHED"
        case .failed: return "FAILED"
        case .cancelled: return "KILLED"
        }
    }

    /// A name MLflow takes for a metric or param: letters, digits, `_ - . / space`; anything else
    /// becomes `_`.
    static func key(_ name: String) -> String {
        let allowed = Set("_-./ ")
        let cleaned = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || allowed.contains($0)) ? $0 : "_" })
        return cleaned.isEmpty ? "_" : String(cleaned.prefix(250))
    }

    static func tag(_ key: String, _ value: String) -> MLflowWire.Tag {
        MLflowWire.Tag(key: key, value: String(value.prefix(tagValueLimit)))
    }

    static func runName(trial: Int, attempt: Int) -> String {
        attempt == 1 ? "trial-\(trial)" : "trial-\(trial)-attempt-\(attempt)"
    }

    static func commandText(_ job: JobRecord) -> String {
        job.header.command.joined(separator: " ")
    }

    // MARK: trials

    /// The tags every run of the job carries, by which `tune export` finds them again.
    static func jobTags(_ job: JobRecord) -> [MLflowWire.Tag] {
        [tag("tune.job", job.id), tag("tune.command", commandText(job)), tag("tune.strategy", job.header.strategy)]
    }

    static func params(_ parameters: [String: String]) -> [MLflowWire.Param] {
        parameters.keys.sorted().map { MLflowWire.Param(key: key($0), value: String(parameters[$0]!.prefix(paramValueLimit))) }
    }

    /// The trial's current attempt.
    static func trial(_ trial: TrialRecord, in job: JobRecord) -> MLflowRunContent {
        var tags = jobTags(job)
        tags.append(tag("mlflow.runName", runName(trial: trial.id, attempt: trial.attempt)))
        tags.append(tag("tune.trial", String(trial.id)))
        tags.append(tag("tune.attempt", String(trial.attempt)))
        tags.append(tag("tune.state", trial.shownState.rawValue))
        if trial.stoppedEarly { tags.append(tag("tune.stoppedEarly", "true")) }
        if let reason = trial.failureReason { tags.append(tag("tune.failureReason", reason)) }
        if let budget = trial.resourceBudget { tags.append(tag("tune.budget", String(budget))) }
        if let repeated = trial.repeatOf { tags.append(tag("tune.repeatOf", String(repeated.of))) }
        if let final = trial.finalMetric {
            tags.append(tag("tune.objective", MetricReading.display(final.value)))
            tags.append(tag("tune.objectiveStep", String(final.step)))
        }
        return MLflowRunContent(
            key: MLflowRunKey(trial: trial.id, attempt: trial.attempt), name: runName(trial: trial.id, attempt: trial.attempt),
            startTime: milliseconds(trial.startTime ?? trial.createTime), status: status(trial),
            endTime: trial.state.isFinished ? trial.endTime.map(milliseconds) : nil,
            params: params(trial.parameters), tags: tags)
    }

    /// An earlier attempt of a trial that was run again: its own run, ended as the attempt ended.
    /// (The journal keeps only the current attempt's readings: an earlier attempt's metrics are
    /// those the live observer sent while it ran.)
    static func earlierAttempt(_ attempt: TrialAttempt, of trial: TrialRecord, in job: JobRecord) -> MLflowRunContent {
        var tags = jobTags(job)
        tags.append(tag("mlflow.runName", runName(trial: trial.id, attempt: attempt.attempt)))
        tags.append(tag("tune.trial", String(trial.id)))
        tags.append(tag("tune.attempt", String(attempt.attempt)))
        tags.append(tag("tune.state", attempt.state.rawValue))
        tags.append(tag("tune.rerunCause", attempt.rerunCause.rawValue))
        if let reason = attempt.reason { tags.append(tag("tune.failureReason", reason)) }
        // A trial is run again after it ended or was cut off: never RUNNING any more.
        let state = attempt.state.isFinished ? attempt.state : .cancelled
        return MLflowRunContent(
            key: MLflowRunKey(trial: trial.id, attempt: attempt.attempt), name: runName(trial: trial.id, attempt: attempt.attempt),
            startTime: milliseconds(attempt.startTime ?? trial.createTime), status: status(state),
            endTime: (attempt.endTime ?? attempt.startTime).map(milliseconds), params: params(trial.parameters), tags: tags)
    }

    /// Readings `range` of the trial's current attempt as MLflow metrics, each with its step. The
    /// journal keeps no time per reading: each is stamped at the attempt's start plus its index in
    /// milliseconds, so the same reading always makes the same metric point and a re-sync adds no
    /// duplicates (MLflow keeps one of identical points).
    static func metrics(_ trial: TrialRecord, _ range: Range<Int>) -> [MLflowWire.Metric] {
        let base = milliseconds(trial.startTime ?? trial.createTime)
        return range.map { index in
            let reading = trial.readings[index]
            return MLflowWire.Metric(key: key(reading.tag), value: reading.value, timestamp: base + Int64(index), step: Int64(reading.step))
        }
    }

    // MARK: the job's parent run

    /// One point of the parent's best-so-far series: after `step` trials had finished, the best
    /// objective was `value`, reached by `trial`.
    struct BestPoint: Equatable, Sendable {
        var step: Int
        var value: Double
        var trial: Int
        var time: Date
    }

    /// Each improvement of the objective as trials finished (by end time): the parent run's metric
    /// named as the job's metric tag, over steps that count finished trials.
    static func bestSoFar(_ job: JobRecord) -> [BestPoint] {
        let finished = job.trials.filter { $0.state.isFinished && $0.endTime != nil }
            .sorted { ($0.endTime!, $0.id) < ($1.endTime!, $1.id) }
        var points: [BestPoint] = []
        for (index, trial) in finished.enumerated() {
            guard trial.state == .succeeded, trial.repeatOf == nil, let value = trial.finalMetric?.value, !value.isNaN else { continue }
            if let last = points.last, !job.spec.goal.isBetter(value, than: last.value) { continue }
            points.append(BestPoint(step: index + 1, value: value, trial: trial.id, time: trial.endTime!))
        }
        return points
    }

    static func bestMetrics(_ points: ArraySlice<BestPoint>, job: JobRecord) -> [MLflowWire.Metric] {
        points.map { MLflowWire.Metric(key: key(job.spec.metricTag), value: $0.value, timestamp: milliseconds($0.time), step: Int64($0.step)) }
    }

    static func parent(_ job: JobRecord) -> MLflowRunContent {
        var tags = jobTags(job)
        tags.append(tag("mlflow.runName", job.id))
        tags.append(tag("tune.state", job.state.rawValue))
        tags.append(tag("tune.metric", job.spec.metricTag))
        tags.append(tag("tune.goal", job.spec.goal.rawValue))
        tags.append(tag("tune.algorithm", job.spec.algorithm.rawValue))
        tags.append(tag("tune.maxTrials", String(job.spec.plannedTrials)))
        let counts = TrialState.allCases.compactMap { state in job.count(state) > 0 ? "\(job.count(state)) \(state.rawValue)" : nil }
        tags.append(tag("tune.trials", counts.joined(separator: ", ")))
        var note = "tune job \(job.id): \(job.trials.count) trials of `\(commandText(job))` (\(job.header.strategy)), \(job.spec.goal.rawValue.lowercased()) \(job.spec.metricTag)."
        if let best = job.bestTrial, let final = best.finalMetric {
            tags.append(tag("tune.bestTrial", String(best.id)))
            tags.append(tag("tune.best." + key(job.spec.metricTag), MetricReading.display(final.value)))
            for (name, value) in best.parameters.sorted(by: { $0.key < $1.key }) { tags.append(tag("tune.best." + key(name), value)) }
            let values = best.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            note += " Best: trial \(best.id), \(job.spec.metricTag)=\(MetricReading.display(final.value)) with \(values)."
        }
        tags.append(tag("mlflow.note.content", note))
        return MLflowRunContent(
            key: .parent, name: job.id, startTime: milliseconds(job.header.createTime), status: status(job.state),
            endTime: job.state == .running ? nil : job.endTime.map(milliseconds), params: [], tags: tags)
    }
}
