/// Every metric a trial reported, at its final measurement (Vertex AI's `finalMeasurement`):
/// the objective as `ObjectiveSelection` chose it, and one reading of each other tag, chosen the
/// same way the config's `measurementSelectionType` says:
/// - `LAST_MEASUREMENT`: each tag's reading at its largest step;
/// - `BEST_MEASUREMENT`: the measurement where the objective was best: each tag's last reading
///   at or before the objective's step (its reading at its largest step when it has none there).
/// A tag reported by several sources is read from one, in `MetricTagMatch.preference`'s order.
public struct FinalMeasurement: Sendable, Equatable {
    /// The objective first (when the trial has one), then the other tags in the order they first appeared.
    public var metrics: [MetricReading]

    public init(trial: TrialRecord, objectiveTag: String, selection: MeasurementSelection) {
        var metrics: [MetricReading] = []
        let objectiveTags = Set(trial.readings(ofMetric: objectiveTag).map(\.tag) + [objectiveTag])
        if let objective = trial.finalMetric { metrics.append(objective) }
        for (tag, readings) in Self.byTag(trial.readings) where !objectiveTags.contains(tag) {
            let atLargestStep = readings.reduce(nil) { (last: MetricReading?, reading: MetricReading) in
                last.map { reading.step < $0.step ? $0 : reading } ?? reading
            }
            var chosen = atLargestStep
            if selection == .best, let step = trial.finalMetric?.step {
                chosen = readings.last { $0.step <= step } ?? atLargestStep
            }
            if let chosen { metrics.append(chosen) }
        }
        self.metrics = metrics
    }

    /// The reading of `tag` in this measurement.
    public subscript(tag: String) -> MetricReading? {
        metrics.first { $0.tag == tag }
    }

    /// Readings grouped by tag, in the order tags first appear, each tag from its preferred source.
    static func byTag(_ readings: [MetricReading]) -> [(tag: String, readings: [MetricReading])] {
        var order: [String] = []
        var sources: [String: Set<MetricSourceKind>] = [:]
        for reading in readings {
            if sources[reading.tag] == nil { order.append(reading.tag) }
            sources[reading.tag, default: []].insert(reading.source)
        }
        return order.map { tag in
            let source = MetricTagMatch.preference.first { sources[tag]?.contains($0) == true } ?? .stdout
            return (tag, readings.filter { $0.tag == tag && $0.source == source })
        }
    }
}

extension JobRecord {
    /// Every tag the job's trials reported besides the objective, in the order they first appeared.
    public var otherMetricTags: [String] {
        var seen = Set<String>()
        var tags: [String] = []
        for trial in trials {
            let objectiveTags = Set(trial.readings(ofMetric: spec.metricTag).map(\.tag) + [spec.metricTag])
            for reading in trial.readings where !objectiveTags.contains(reading.tag) && seen.insert(reading.tag).inserted {
                tags.append(reading.tag)
            }
        }
        return tags
    }

    /// A trial's final measurement under this job's metric and measurementSelectionType.
    public func finalMeasurement(of trial: TrialRecord) -> FinalMeasurement {
        FinalMeasurement(trial: trial, objectiveTag: spec.metricTag, selection: spec.measurementSelection)
    }
}
