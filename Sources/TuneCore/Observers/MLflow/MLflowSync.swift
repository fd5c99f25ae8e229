import Foundation

/// Brings an MLflow tracking server up to date with a job: the experiment named after the job, the
/// job's parent run, and a child run per trial attempt, each with what `MLflowMapping` says it
/// should hold. Keeps what it has sent, so each call sends only what changed; a new sync (another
/// process, `tune export mlflow`) first finds the job's runs by their tags (`tune.job`,
/// `tune.trial`, `tune.attempt`) and fills them in rather than making new ones.
///
/// Used by the live observer (on its own thread) and by `tune export mlflow`, so both make the
/// same runs. Throws when the server cannot be reached (nothing later would get through either);
/// a request the server refuses is set aside in `rejections` and the rest goes on.
public struct MLflowSync: Sendable {
    /// What the server holds of one run, as far as this sync knows.
    struct Ledger: Sendable {
        var runID: String
        var tags: [String: String]
        var params: Set<String>
        /// How many of the run's metric points were sent (readings of the attempt, or the parent's best-so-far points).
        var metricsSent = 0
        var status: String?
        var endTime: Int64?
    }

    public let client: MLflowClient
    public private(set) var experimentID: String?
    var runs: [MLflowRunKey: Ledger] = [:]
    private var discovered = false
    /// Runs of ended attempts the server has all of: passed over by later syncs.
    private var settled = Set<MLflowRunKey>()
    /// The requests the server refused, for people (each once).
    public private(set) var rejections: [String] = []
    /// Runs this sync made (the others it found on the server).
    public private(set) var createdRuns = 0

    /// MLflow's batch limits (runs/log-batch): 1000 items, of which at most 100 params and 100 tags.
    static let batchItems = 1000
    static let batchParams = 100
    static let batchTags = 100

    public init(client: MLflowClient) {
        self.client = client
    }

    /// The job's parent run, once known.
    public var parentRunID: String? { runs[.parent]?.runID }
    /// The child runs known: one per trial attempt.
    public var trialRunCount: Int { runs.keys.filter { $0.trial != nil }.count }

    public mutating func sync(_ job: JobRecord) throws(MLflowError) {
        let experiment = try ensureExperiment(job)
        if !discovered { try discover(job, in: experiment) }
        let best = MLflowMapping.bestSoFar(job)
        let parentID = try syncRun(MLflowMapping.parent(job), parent: nil, experiment: experiment, metricCount: best.count) { range in
            MLflowMapping.bestMetrics(best[range], job: job)
        }
        for trial in job.trials {
            for attempt in trial.previousAttempts where !settled.contains(MLflowRunKey(trial: trial.id, attempt: attempt.attempt)) {
                let content = MLflowMapping.earlierAttempt(attempt, of: trial, in: job)
                try syncRun(content, parent: parentID, experiment: experiment, metricCount: 0) { _ in [] }
                settled.insert(content.key)
            }
            let key = MLflowRunKey(trial: trial.id, attempt: trial.attempt)
            guard !settled.contains(key) else { continue }
            try syncRun(MLflowMapping.trial(trial, in: job), parent: parentID, experiment: experiment, metricCount: trial.readings.count) { range in
                MLflowMapping.metrics(trial, range)
            }
            // A finished attempt changes no more (a rerun is another attempt, another run).
            if trial.state.isFinished { settled.insert(key) }
        }
    }

    // MARK: the experiment and the runs already there

    private mutating func ensureExperiment(_ job: JobRecord) throws(MLflowError) -> String {
        if let experimentID { return experimentID }
        let id: String
        if let found = try client.experiment(named: job.id) {
            if found.lifecycle_stage == "deleted" {
                throw MLflowError(
                    .rejected,
                    "MLflow at \(client.uri) has experiment '\(job.id)' deleted (id \(found.experiment_id)): restore it "
                        + "(`mlflow experiments restore --experiment-id \(found.experiment_id)`) or remove it for good (`mlflow gc`), then try again")
            }
            id = found.experiment_id
        } else {
            do throws(MLflowError) {
                id = try client.createExperiment(job.id)
                // A new experiment holds no runs of the job.
                discovered = true
            } catch  where error.code == "RESOURCE_ALREADY_EXISTS" {
                guard let found = try client.experiment(named: job.id) else { throw error }
                id = found.experiment_id
            }
        }
        experimentID = id
        return id
    }

    /// Finds the job's runs already on the server (an earlier run of the job, a resume, an export).
    private mutating func discover(_ job: JobRecord, in experiment: String) throws(MLflowError) {
        let quote = job.id.contains("'") ? "\"" : "'"
        let found = try client.searchRuns(experiment: experiment, filter: "tags.`tune.job` = \(quote)\(job.id)\(quote)")
        for run in found {
            let tags = Dictionary((run.data?.tags ?? []).map { ($0.key, $0.value) }) { first, _ in first }
            guard tags["tune.job"] == job.id else { continue }
            let key: MLflowRunKey
            if let trial = tags["tune.trial"].flatMap({ Int($0) }) {
                key = MLflowRunKey(trial: trial, attempt: tags["tune.attempt"].flatMap { Int($0) } ?? 1)
            } else {
                key = .parent
            }
            // The first found is kept, should the server hold two of one.
            guard runs[key] == nil else { continue }
            runs[key] = Ledger(
                runID: run.info.run_id, tags: tags, params: Set((run.data?.params ?? []).map(\.key)), status: run.info.status,
                endTime: run.info.end_time)
        }
        discovered = true
    }

    // MARK: one run

    /// Makes the run if the server has none, then sends what it lacks: params, changed tags, the
    /// metric points from `metricCount`'s unsent end, and its status. Returns its id.
    @discardableResult
    private mutating func syncRun(
        _ content: MLflowRunContent, parent: String?, experiment: String, metricCount: Int, metrics: (Range<Int>) -> [MLflowWire.Metric]
    ) throws(MLflowError) -> String {
        let key = content.key
        if runs[key] == nil {
            var tags = content.tags
            if let parent { tags.append(MLflowWire.Tag(key: "mlflow.parentRunId", value: parent)) }
            let request = MLflowWire.CreateRun(experiment_id: experiment, run_name: content.name, start_time: content.startTime, tags: tags)
            let id = try client.createRun(request)
            runs[key] = Ledger(runID: id, tags: Dictionary(tags.map { ($0.key, $0.value) }) { _, last in last }, params: [], status: "RUNNING")
            createdRuns += 1
        }
        guard var ledger = runs[key] else { return "" }
        let params = content.params.filter { !ledger.params.contains($0.key) }
        let tags = content.tags.filter { ledger.tags[$0.key] != $0.value }
        let points = metricCount > ledger.metricsSent ? metrics(ledger.metricsSent..<metricCount) : []
        for batch in Self.batches(run: ledger.runID, params: params, tags: tags, metrics: points) {
            try refusable("logging to \(content.name)") { (client: MLflowClient) throws(MLflowError) in try client.logBatch(batch) }
            for param in batch.params { ledger.params.insert(param.key) }
            for tag in batch.tags { ledger.tags[tag.key] = tag.value }
            ledger.metricsSent += batch.metrics.count
            runs[key] = ledger
        }
        let ended = content.endTime ?? ledger.endTime
        if ledger.status != content.status || ledger.endTime != ended {
            let update = MLflowWire.UpdateRun(run_id: ledger.runID, status: content.status, end_time: ended)
            try refusable("setting \(content.name)'s status") { (client: MLflowClient) throws(MLflowError) in try client.updateRun(update) }
            ledger.status = content.status
            ledger.endTime = ended
            runs[key] = ledger
        }
        return ledger.runID
    }

    /// Runs `request`; a refusal (4xx) is kept in `rejections` and passed over, anything else thrown.
    private mutating func refusable(_ what: String, _ request: (MLflowClient) throws(MLflowError) -> Void) throws(MLflowError) {
        do throws(MLflowError) {
            try request(client)
        } catch  where error.kind == .rejected {
            rejections.append("\(what): \(error.message)")
        }
    }

    /// Params, tags and metrics split into log-batch requests within MLflow's limits, params and
    /// tags first.
    static func batches(run: String, params: [MLflowWire.Param], tags: [MLflowWire.Tag], metrics: [MLflowWire.Metric]) -> [MLflowWire.LogBatch] {
        var batches: [MLflowWire.LogBatch] = []
        var p = params[...]
        var t = tags[...]
        var m = metrics[...]
        while !p.isEmpty || !t.isEmpty || !m.isEmpty {
            let someParams = Array(p.prefix(batchParams))
            p = p.dropFirst(someParams.count)
            let someTags = Array(t.prefix(batchTags))
            t = t.dropFirst(someTags.count)
            let someMetrics = Array(m.prefix(batchItems - someParams.count - someTags.count))
            m = m.dropFirst(someMetrics.count)
            batches.append(MLflowWire.LogBatch(run_id: run, metrics: someMetrics, params: someParams, tags: someTags))
        }
        return batches
    }
}
