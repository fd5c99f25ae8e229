/// One line per (source, tag) a trial reported: what `tune probe` lists.
public struct MetricSummary: Sendable, Equatable {
    public var source: MetricSourceKind
    public var tag: String
    public var count: Int
    public var firstStep: Int
    public var lastStep: Int
    /// The value at the largest step (the last one reported among equals).
    public var lastValue: Double

    /// Summaries in first-seen order within each source; sources in the order stdout, hypertune, events.
    public static func summarize(_ readings: [MetricReading]) -> [MetricSummary] {
        var order: [String] = []
        var rows: [String: MetricSummary] = [:]
        for reading in readings {
            let key = reading.source.rawValue + "\u{0}" + reading.tag
            if var row = rows[key] {
                row.count += 1
                row.firstStep = min(row.firstStep, reading.step)
                if reading.step >= row.lastStep {
                    row.lastStep = reading.step
                    row.lastValue = reading.value
                }
                rows[key] = row
            } else {
                order.append(key)
                rows[key] = MetricSummary(
                    source: reading.source, tag: reading.tag, count: 1, firstStep: reading.step,
                    lastStep: reading.step, lastValue: reading.value)
            }
        }
        let sourceOrder: [MetricSourceKind] = [.stdout, .hypertune, .events]
        return order.compactMap { rows[$0] }.enumerated()
            .sorted { (sourceOrder.firstIndex(of: $0.element.source)!, $0.offset) < (sourceOrder.firstIndex(of: $1.element.source)!, $1.offset) }
            .map(\.element)
    }
}

extension MetricTagMatch {
    /// Reported tags that look like what `tag` meant, best first, at most five: the same metric
    /// under another naming (TensorFlow 1 Keras' `val_acc` is TensorBoard's `validation/epoch_accuracy`,
    /// TensorFlow 2 Keras' `val_accuracy`), then tags containing it or contained in it, then near misspellings.
    public static func closest(to tag: String, among tags: [String]) -> [String] {
        let wanted = MetricName(tag)
        var picks: [String] = []
        func add(_ t: String) { if !picks.contains(t) { picks.append(t) } }
        // Per-epoch tags before per-batch or per-iteration ones of the same metric.
        let pairs = zip(tags, tags.map(MetricName.init)).enumerated()
            .sorted { ($0.element.1.perIteration ? 1 : 0, $0.offset) < ($1.element.1.perIteration ? 1 : 0, $1.offset) }
            .map(\.element)
        let (tags, named) = (pairs.map(\.0), pairs.map(\.1))
        zip(tags, named).filter { $1.base == wanted.base && $1.validation == wanted.validation }.forEach { add($0.0) }
        zip(tags, named).filter { $1.base == wanted.base }.forEach { add($0.0) }
        zip(tags, named).filter { $1.last.contains(wanted.last) || wanted.last.contains($1.last) }.forEach { add($0.0) }
        if let near = KeySuggestion.closest(to: wanted.last, among: named.map(\.last)), let index = named.firstIndex(where: { $0.last == near }) {
            add(tags[index])
        }
        return Array(picks.prefix(5))
    }
}

/// A metric tag reduced to what it measures, so the namings of TensorFlow 1's Keras (`val_acc`),
/// TensorFlow 2's Keras (`val_accuracy`) and TensorBoard logs (`validation/epoch_accuracy`) compare equal.
struct MetricName {
    /// The tag's last part, lower-cased.
    var last: String
    /// The measured quantity: `accuracy`, `loss`, … (prefixes `val_`, `epoch_`, `evaluation_` dropped, `acc` spelled out).
    var base: String
    /// Whether it is measured on validation data (a `val_` prefix, or a `validation`/`val` folder).
    var validation: Bool
    /// Logged per batch or iteration rather than per epoch (`batch_…`, `evaluation_…_vs_iterations`).
    var perIteration = false

    init(_ tag: String) {
        let parts = tag.lowercased().split(separator: "/").map(String.init)
        last = parts.last ?? tag.lowercased()
        var name = last
        validation = parts.dropLast().contains { $0 == "validation" || $0 == "val" || $0 == "eval" }
        for prefix in ["val_", "validation_"] where name.hasPrefix(prefix) {
            name.removeFirst(prefix.count)
            validation = true
        }
        for prefix in ["epoch_", "evaluation_", "batch_"] where name.hasPrefix(prefix) {
            name.removeFirst(prefix.count)
            perIteration = prefix != "epoch_"
        }
        if name.hasSuffix("_vs_iterations") {
            name.removeLast("_vs_iterations".count)
            perIteration = true
        }
        if name == "acc" { name = "accuracy" }
        base = name
    }
}
