import Foundation

/// What the report's charts are drawn from: the job's finished trials with their objective and
/// parameter positions, the objective axis, each parameter's axis, and (with several objectives
/// or safety metrics) the Pareto ranks and safety checks.
struct ReportData {
    let job: JobRecord
    /// Succeeded trials with a finite objective, by id.
    let succeeded: [(trial: TrialRecord, value: Double)]
    /// Trials that ended without a value: failed or cancelled.
    let unsuccessful: [TrialRecord]
    let objectiveAxis: AxisScale
    let parameterAxes: [ChartAxis]
    /// `job.trialsBestFirst`, computed once.
    let bestFirst: [TrialRecord]
    /// Pareto rank by trial id (`job.paretoRanks`; empty with one objective).
    let ranks: [Int: Int]
    /// Each succeeded trial's safety check by trial id (empty without safety metrics).
    let safety: [Int: SafetyCheck]
    /// The succeeded trials placed by their objectives (empty with one objective).
    let objectivePoints: [ObjectivePoint]

    init(job: JobRecord) {
        self.job = job
        bestFirst = job.trialsBestFirst
        ranks = job.paretoRanks
        var safety: [Int: SafetyCheck] = [:]
        for trial in job.trials { safety[trial.id] = job.safetyCheck(of: trial) }
        self.safety = safety
        objectivePoints = Self.objectivePoints(job, ranks: ranks, safety: safety)
        // The charts show the search: `tune confirm`'s repeats have their own section and rows.
        let searched = job.searchTrials
        succeeded = searched.compactMap { trial in
            guard trial.state == .succeeded, let value = trial.finalMetric?.value, value.isFinite else { return nil }
            return (trial, value)
        }
        unsuccessful = searched.filter { $0.state == .failed || $0.state == .cancelled }
        objectiveAxis = AxisScale.automatic(succeeded.map(\.value))
        let trials = succeeded.map(\.trial)
        parameterAxes = job.spec.params.map { Self.axis(for: $0, trials: trials) }
    }

    var params: [ParameterSpec] { job.spec.params }

    /// Whether a succeeded trial crossed a safety bound (or never reported a safety metric).
    func isInfeasible(_ trial: TrialRecord) -> Bool {
        safety[trial.id].map { !$0.isSafe } ?? false
    }
    var metric: String { job.spec.metricTag }

    /// The parameter's position key for a trial: the number for DOUBLE and INTEGER, the value's
    /// index for CATEGORICAL and DISCRETE; nil when the trial has no readable value.
    static func key(_ spec: ParameterSpec, _ trial: TrialRecord) -> Double? {
        key(spec, parameters: trial.parameters)
    }

    static func key(_ spec: ParameterSpec, parameters: [String: String]) -> Double? {
        guard let text = parameters[spec.name] else { return nil }
        switch spec.domain {
        case .double, .integer:
            return Double(text).flatMap { $0.isFinite ? $0 : nil }
        case .categorical(let values):
            return values.firstIndex(of: text).map(Double.init)
        case .discrete(let values):
            if let i = values.firstIndex(where: { $0.text == text }) { return Double(i) }
            return Double(text).flatMap { x in values.firstIndex { $0.value == x } }.map(Double.init)
        }
    }

    /// Log for UNIT_LOG_SCALE numbers, ordinal for CATEGORICAL and DISCRETE, linear otherwise;
    /// numeric axes cover the configured range and every value seen.
    static func axis(for spec: ParameterSpec, trials: [TrialRecord]) -> ChartAxis {
        let seen = trials.compactMap { key(spec, $0) }
        switch spec.domain {
        case .double(let lo, let hi, let scale):
            return numericAxis(lo, hi, log: scale == .log, seen: seen)
        case .integer(let lo, let hi, let scale):
            return numericAxis(Double(lo), Double(hi), log: scale == .log, seen: seen)
        case .categorical(let values):
            return .ordinal(values)
        case .discrete(let values):
            return .ordinal(values.map(\.text))
        }
    }

    static func numericAxis(_ lo: Double, _ hi: Double, log: Bool, seen: [Double]) -> ChartAxis {
        let low = min(lo, seen.min() ?? lo)
        let high = max(hi, seen.max() ?? hi)
        if log && low > 0 { return .numeric(.log(low, high)) }
        return .numeric(.linear(low, high))
    }

    /// The objective's colour for `value`: viridis along the objective axis (dark low, bright high).
    func color(_ value: Double) -> String {
        Palette.viridis(objectiveAxis.fraction(value))
    }

    var importance: ParameterImportance {
        ParameterImportance(
            parameters: params.map(\.name),
            values: succeeded.map { entry in params.map { Self.key($0, entry.trial) } },
            objectives: succeeded.map(\.value))
    }
}
