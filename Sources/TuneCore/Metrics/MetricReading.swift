/// One reported value of one tag, with the training step it belongs to.
///
/// Every reading a trial makes is kept (later issues stop trials early from them); the trial's
/// objective is chosen from the readings of the spec's metric tag by `ObjectiveSelection`.
public struct MetricReading: Sendable, Codable, Equatable {
    public var tag: String
    public var value: Double
    /// The explicit step where the trial gave one (`step`, `global_step`, Keras' `Epoch N/M`),
    /// else the count of readings of this tag so far (1, 2, 3, …).
    public var step: Int
    public var source: MetricSourceKind

    public init(tag: String, value: Double, step: Int, source: MetricSourceKind) {
        self.tag = tag
        self.value = value
        self.step = step
        self.source = source
    }
}

/// Where a reading came from.
public enum MetricSourceKind: String, Sendable, Codable, CaseIterable {
    /// A line the trial printed on stdout or stderr.
    case stdout
    /// The cloudml-hypertune metric file (`CLOUD_ML_HP_METRIC_FILE`).
    case hypertune
    /// TensorFlow summary-event files (a later issue).
    case events
}

/// A metric source that is polled while the trial runs and once after it exits:
/// files the trial writes (the hypertune file; event files later).
public protocol MetricSource {
    /// Readings that appeared since the last poll. Never throws for bad content: a source skips
    /// what it cannot read and reports it through `warnings`.
    mutating func poll() -> [MetricReading]
    /// Problems met while reading, each said once (file and what was wrong); drained by the caller.
    mutating func takeWarnings() -> [String]
    /// The last poll, after the trial ended: reads everything left, and warns about what can no
    /// longer complete (a record cut short because the writer died).
    mutating func finish() -> [MetricReading]
    /// After `finish`: what is said in the trial's record about its readings (reports it missed).
    mutating func takeNotes() -> [String]
    /// Whether the source knows of new readings now, before its next poll is due (a watched file
    /// was written): the loop then polls it at once.
    func hasNews() -> Bool
}

extension MetricSource {
    public mutating func finish() -> [MetricReading] { poll() }
    public mutating func takeNotes() -> [String] { [] }
    public func hasNews() -> Bool { false }
}

extension MetricReading {
    /// A metric value as people read it: most writers (TensorBoard summaries, Keras, PyTorch)
    /// store float32, whose exact double (0.8519999980926514) is noise; a value that is exactly a
    /// float32 is shown as that float's shortest text (0.852), any other as the double's.
    /// Machine outputs (JSON, CSV, the journal) keep the exact value.
    public static func display(_ value: Double) -> String {
        let single = Float(value)
        if value.isFinite, single.isFinite, Double(single) == value { return "\(single)" }
        return ParameterValue.format(value)
    }
}
