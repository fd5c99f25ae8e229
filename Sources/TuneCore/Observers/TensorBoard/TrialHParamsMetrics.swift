import Foundation

/// A trial's final measurement (`FinalMeasurement`) as the HParams dashboard shows it: each value
/// with the name TensorBoard finds it under, below the trial's session run (its folder).
///
/// - A value tune read from the trial's own event files is already there: a tag of the run
///   `logs/validation` (tune's `logs/validation/epoch_accuracy`) is the metric
///   `group: logs/validation, tag: epoch_accuracy`, and tune writes nothing for it (a second value
///   of the same tag in the same run would be another point of the trial's curve). TensorBoard's
///   table then shows the tag's last value, as the trial wrote it.
/// - A value tune read from printed lines or the hypertune file is not in any event file: tune
///   writes it as a scalar of the session's own run (`group: ""`), at the reading's step, unless
///   the trial's own event files in its folder already have that tag.
struct TrialHParamsMetrics: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var reading: MetricReading
        var name: HParamsMetricName
        /// tune writes the value into the session's run.
        var written: Bool
    }

    var entries: [Entry]
    /// The job's defined metrics (objectives, safety metrics) by their config tag: the trial's
    /// tag each resolved to (`MetricTagMatch`), for those it reported.
    var defined: [String: String] = [:]

    /// `folder`: the trial's folder, where its event files' run folders are looked up.
    init(trial: TrialRecord, spec: TuningSpec, folder: String) {
        self.init(trial: trial, objectiveTag: spec.metricTag, selection: spec.measurementSelection, folder: folder)
        for tag in spec.definedMetricTags {
            if case .found(let resolved, _, _) = MetricTagMatch.resolve(tag, in: trial.readings) { defined[tag] = resolved }
        }
    }

    init(trial: TrialRecord, objectiveTag: String, selection: MeasurementSelection, folder: String) {
        let measurement = FinalMeasurement(trial: trial, objectiveTag: objectiveTag, selection: selection)
        let rootEventTags = Set(trial.readings.lazy.filter { $0.source == .events && !$0.tag.contains("/") }.map(\.tag))
        var entries: [Entry] = []
        for reading in measurement.metrics {
            if reading.source == .events {
                entries.append(Entry(reading: reading, name: Self.eventName(reading.tag, folder: folder), written: false))
            } else {
                let name = HParamsMetricName(group: "", tag: reading.tag)
                entries.append(Entry(reading: reading, name: name, written: !rootEventTags.contains(reading.tag)))
            }
        }
        self.entries = entries
    }

    /// tune's tag of an event-file reading split into its run folder and its summary tag: the
    /// longest leading part that is a folder inside the trial's folder is the run.
    static func eventName(_ tag: String, folder: String) -> HParamsMetricName {
        let parts = tag.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return HParamsMetricName(group: "", tag: tag) }
        for cut in stride(from: parts.count - 1, through: 1, by: -1) {
            let group = parts[..<cut].joined(separator: "/")
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + group, isDirectory: &isFolder), isFolder.boolValue {
                return HParamsMetricName(group: group, tag: parts[cut...].joined(separator: "/"))
            }
        }
        return HParamsMetricName(group: "", tag: tag)
    }

    /// The name a tag of the trial (one of the job's defined metrics, resolved) is shown under.
    func name(of tag: String) -> HParamsMetricName? {
        entries.first { $0.reading.tag == tag }?.name
    }
}
