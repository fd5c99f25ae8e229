import Foundation
import TuneCore

/// A job built by replaying journal events, as `tune` builds it from its journal.
public struct JobBuilder {
    public static let start = Date(timeIntervalSince1970: 1_700_000_000)
    public var job: JobRecord
    public var nextId = 1

    public init(spec: TuningSpec) {
        job = JobRecord(
            header: JobHeader(
                id: "j", createTime: Self.start, spec: spec, command: ["train"], workingDirectory: "/",
                configPath: "c.yml", configText: "", seed: 1, strategy: "test"))
    }

    /// A finished trial whose objective (the spec's tag) took `values` at steps 1, 2, 3, …
    @discardableResult
    public mutating func trial(
        x: Double, values: [Double], stoppedEarly: Bool = false, placement: ResourcePlacement? = nil,
        seconds: Double = 1, state: TrialState = .succeeded, steps: [Int]? = nil, population: PopulationLineage? = nil,
        parameters: [String: String]? = nil
    ) -> Int {
        let id = started(x: x, placement: placement, population: population, parameters: parameters)
        let readings = values.enumerated().map { MetricReading(tag: job.spec.metricTag, value: $1, step: steps?[$0] ?? $0 + 1, source: .stdout) }
        job.apply(.metrics(trial: id, readings: readings))
        job.apply(
            .trialFinished(
                TrialOutcome(
                    trial: id, state: state, time: Self.start.addingTimeInterval(Double(id) * 100 + seconds),
                    finalMetric: state == .succeeded ? readings.last : nil, stoppedEarly: stoppedEarly)))
        return id
    }

    /// A trial created and started, still running: parameter `x` (or `parameters`, when given).
    @discardableResult
    public mutating func started(
        x: Double, placement: ResourcePlacement? = nil, population: PopulationLineage? = nil, parameters: [String: String]? = nil
    ) -> Int {
        let id = nextId
        nextId += 1
        job.apply(
            .trialCreated(
                trial: id, parameters: parameters ?? ["x": ParameterValue.format(x)], time: Self.start, placement: placement, population: population))
        job.apply(.trialStarted(trial: id, pid: 1, time: Self.start.addingTimeInterval(Double(id) * 100)))
        return id
    }

    /// Readings of the objective for a running trial, at steps 1, 2, 3, …
    public mutating func report(_ id: Int, _ values: [Double]) {
        let readings = values.enumerated().map { MetricReading(tag: job.spec.metricTag, value: $1, step: $0 + 1, source: .stdout) }
        job.apply(.metrics(trial: id, readings: readings))
    }
}
