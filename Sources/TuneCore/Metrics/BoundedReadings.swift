/// The readings of one running trial, kept in bounded memory, and what of them goes to the journal.
///
/// A trial under `perTag` readings of each tag keeps, and journals, every reading as it arrives.
/// Past that, the tag's readings are thinned evenly: the tag keeps every `stride`-th of its
/// readings in arrival order, and each time more than `perTag` are kept the stride doubles and
/// every other one is dropped. The readings that decide a trial are always kept: the one with the
/// largest step (the later of equals: `LAST_MEASUREMENT`, the median stopping rule's step), and the
/// least and greatest values, among all and among finite ones (the earlier step of equals:
/// `BEST_MEASUREMENT` for either goal, the median stopping rule's best).
///
/// Journal: a reading on the stride is journaled when it arrives; the deciding readings that are
/// not on it are journaled along with the next reading on the stride (so at most 5 more per such
/// reading) and all at the end (`take(final: true)`). So a tag that made *n* > `perTag` readings
/// journals at most 6 × (`perTag` + `perTag`/2 × log2(*n* / `perTag`)) + 5 of them.
///
/// Tags: past `maxTags` distinct tags (source and name), readings of new tags are not kept, with
/// one warning; and once more than `spreadTags` tags are held, `perTag` falls to
/// `spreadReadings` / tags (but not below `minPerTag`), so a trial holds at most about
/// `spreadReadings` + 1,024 × 5 readings whatever it reports.
public struct BoundedReadings: Sendable {
    /// Readings of one tag kept before thinning starts.
    public static let perTag = 1_000
    /// The most distinct tags kept for one trial.
    public static let maxTags = 1_000
    /// Up to this many tags, each keeps `perTag`; past it, they share `spreadReadings`.
    static let spreadTags = 64
    static let spreadReadings = 64_000
    static let minPerTag = 64

    private var tags: [Key: TagReadings] = [:]
    private var order: [Key] = []
    private var arrivals = 0
    private var cap = BoundedReadings.perTag
    private var warnings: [String] = []
    private var warnedTags = false

    public init() {}

    /// Whether any reading arrived.
    public var isEmpty: Bool { arrivals == 0 }

    /// Takes in new readings, in the order they were made.
    public mutating func add(_ readings: [MetricReading]) {
        for reading in readings {
            let key = Key(source: reading.source, tag: reading.tag)
            if tags[key] == nil {
                guard tags.count < Self.maxTags else {
                    if !warnedTags {
                        warnedTags = true
                        warnings.append(
                            "it reported more than \(Self.maxTags) distinct metric tags: readings of further tags (from '\(reading.tag)' on) are ignored — report fewer tags")
                    }
                    continue
                }
                tags[key] = TagReadings()
                order.append(key)
                shrinkCapIfNeeded()
            }
            arrivals += 1
            tags[key]!.add(reading, arrival: arrivals, cap: cap)
        }
    }

    /// The readings to journal now: those on their tag's stride not journaled yet, with the deciding
    /// readings of the same tags; with `final`, every kept deciding reading not journaled yet too.
    public mutating func take(final: Bool = false) -> [MetricReading] {
        var out: [(Int, MetricReading)] = []
        for key in order { out += tags[key]!.take(final: final) }
        out.sort { $0.0 < $1.0 }
        return out.map(\.1)
    }

    /// Every reading kept, in the order they arrived.
    public var kept: [MetricReading] {
        var all: [(Int, MetricReading)] = []
        for key in order { all += tags[key]!.kept }
        all.sort { $0.0 < $1.0 }
        return all.map(\.1)
    }

    public mutating func takeWarnings() -> [String] {
        defer { warnings.removeAll() }
        return warnings
    }

    private mutating func shrinkCapIfNeeded() {
        guard tags.count > Self.spreadTags else { return }
        let shared = max(Self.minPerTag, Self.spreadReadings / tags.count)
        guard shared < cap else { return }
        cap = shared
        for key in order { tags[key]!.thin(to: cap) }
    }

    private struct Key: Hashable, Sendable {
        var source: MetricSourceKind
        var tag: String
    }
}

/// One tag's readings: those on the stride, and the deciding ones.
private struct TagReadings: Sendable {
    /// A reading with its arrival number in the trial (for order) and in the tag (for the stride).
    struct Entry: Sendable {
        var arrival: Int
        var index: Int
        var reading: MetricReading
        var journaled: Bool
    }

    private var count = 0
    private var stride = 1
    private var onStride: [Entry] = []
    /// Largest step; least and greatest non-NaN values; least and greatest finite values.
    private var deciding: [Entry?] = Array(repeating: nil, count: 5)

    mutating func add(_ reading: MetricReading, arrival: Int, cap: Int) {
        count += 1
        let entry = Entry(arrival: arrival, index: count, reading: reading, journaled: false)
        let isOnStride = count % stride == 0
        if isOnStride {
            onStride.append(entry)
            if onStride.count > cap { thin(to: cap) }
        }
        let value = reading.value
        if deciding[0].map({ reading.step >= $0.reading.step }) ?? true { deciding[0] = entry }
        if !value.isNaN {
            if Self.replaces(value, reading.step, deciding[1], by: <) { deciding[1] = entry }
            if Self.replaces(value, reading.step, deciding[2], by: >) { deciding[2] = entry }
        }
        if value.isFinite {
            if Self.replaces(value, reading.step, deciding[3], by: <) { deciding[3] = entry }
            if Self.replaces(value, reading.step, deciding[4], by: >) { deciding[4] = entry }
        }
    }

    /// Better by `order`, or equal at an earlier step.
    private static func replaces(_ value: Double, _ step: Int, _ current: Entry?, by order: (Double, Double) -> Bool) -> Bool {
        guard let current else { return true }
        return order(value, current.reading.value) || (value == current.reading.value && step < current.reading.step)
    }

    mutating func thin(to cap: Int) {
        while onStride.count > cap {
            stride *= 2
            onStride.removeAll { $0.index % stride != 0 }
        }
    }

    mutating func take(final: Bool) -> [(Int, MetricReading)] {
        var out: [(Int, MetricReading)] = []
        var taken = Set<Int>()
        for i in onStride.indices where !onStride[i].journaled {
            onStride[i].journaled = true
            out.append((onStride[i].arrival, onStride[i].reading))
            taken.insert(onStride[i].index)
        }
        guard final || !out.isEmpty else { return [] }
        for slot in deciding.indices {
            guard var entry = deciding[slot] else { continue }
            if !entry.journaled && !taken.contains(entry.index) {
                out.append((entry.arrival, entry.reading))
                taken.insert(entry.index)
            }
            entry.journaled = true
            deciding[slot] = entry
        }
        return out
    }

    /// The kept readings with their arrival numbers (those on the stride, then the deciding ones not on it).
    var kept: [(Int, MetricReading)] {
        var all = onStride.map { ($0.arrival, $0.reading) }
        var seen = Set(onStride.map(\.index))
        for entry in deciding.compactMap({ $0 }) where seen.insert(entry.index).inserted { all.append((entry.arrival, entry.reading)) }
        return all
    }
}
