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
                rows[key] = MetricSummary(source: reading.source, tag: reading.tag, count: 1, firstStep: reading.step,
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
    /// Reported tags that look like what `tag` meant: the other Keras spelling, tags that contain
    /// it or are contained in it, and near misspellings; at most five.
    public static func closest(to tag: String, among tags: [String]) -> [String] {
        let wanted = tag.lowercased()
        let lastPart = { (t: String) in String(t.split(separator: "/").last ?? Substring(t)).lowercased() }
        var picks: [String] = []
        func add(_ t: String) { if !picks.contains(t) { picks.append(t) } }
        if let other = KerasMetricNames.counterpart(of: tag) {
            tags.filter { $0 == other || $0.hasSuffix("/" + other) }.forEach(add)
        }
        tags.filter { lastPart($0).contains(lastPart(tag)) || lastPart(tag).contains(lastPart($0)) }.forEach(add)
        let lastParts = tags.map(lastPart)
        if let near = KeySuggestion.closest(to: lastPart(wanted), among: lastParts), let index = lastParts.firstIndex(of: near) {
            add(tags[index])
        }
        return Array(picks.prefix(5))
    }
}
