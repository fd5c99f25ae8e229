/// Which readings a trial's metric tag means, across every source.
///
/// - An exact tag wins: `acc` printed on stdout, `acc` in the hypertune file, `epoch_accuracy`
///   in an event file directly in the trial folder. When several sources have it, the most
///   deliberate one is used — the hypertune file, then event files, then stdout — and the others
///   are named so the user can be told.
/// - Otherwise an event-file tag whose run folder is left out: `epoch_accuracy` matches
///   `validation/epoch_accuracy` when exactly one run has it; when several do
///   (`train/epoch_accuracy`, `validation/epoch_accuracy`), the match is ambiguous and lists them.
public enum MetricTagMatch: Sendable, Equatable {
    case found(tag: String, source: MetricSourceKind, alsoIn: [MetricSourceKind])
    case ambiguous(choices: [String])
    case missing

    /// Sources in the order they are preferred for the same tag.
    static let preference: [MetricSourceKind] = [.hypertune, .events, .stdout]

    public static func resolve(_ tag: String, in readings: [MetricReading]) -> MetricTagMatch {
        var exactSources = Set<MetricSourceKind>()
        var runTags: [String] = []
        var seenRunTags = Set<String>()
        let suffix = "/" + tag
        for reading in readings {
            if reading.tag == tag {
                exactSources.insert(reading.source)
            } else if reading.source == .events, reading.tag.hasSuffix(suffix), seenRunTags.insert(reading.tag).inserted {
                runTags.append(reading.tag)
            }
        }
        if let source = preference.first(where: exactSources.contains) {
            return .found(tag: tag, source: source, alsoIn: preference.filter { $0 != source && exactSources.contains($0) })
        }
        switch runTags.count {
        case 0: return .missing
        case 1: return .found(tag: runTags[0], source: .events, alsoIn: [])
        default: return .ambiguous(choices: runTags.sorted())
        }
    }

    /// The readings the match stands for.
    public func readings(from all: [MetricReading]) -> [MetricReading] {
        guard case .found(let tag, let source, _) = self else { return [] }
        return all.filter { $0.tag == tag && $0.source == source }
    }
}

/// Keras 2 and Keras 3 name the same metrics differently (`acc`/`accuracy`, `val_acc`/
/// `val_accuracy`, and in TensorBoard logs `epoch_acc`/`epoch_accuracy`); Cloud ML's docs and
/// many configs say `acc`. This finds the other spelling of a tag.
public enum KerasMetricNames {
    /// `acc` → `accuracy`, `validation/epoch_accuracy` → `validation/epoch_acc`; nil for other tags.
    public static func counterpart(of tag: String) -> String? {
        let slash = tag.lastIndex(of: "/")
        let folder = slash.map { String(tag[...$0]) } ?? ""
        let name = slash.map { String(tag[tag.index(after: $0)...]) } ?? tag
        if name.hasSuffix("accuracy") { return folder + name.dropLast("accuracy".count) + "acc" }
        if name.hasSuffix("acc") { return folder + name.dropLast("acc".count) + "accuracy" }
        return nil
    }

    /// A hint when `tag` was not reported but its other Keras spelling was (exactly, or as an
    /// event-file tag in some run folder).
    public static func hint(for tag: String, seen tags: [String]) -> String? {
        guard let other = counterpart(of: tag) else { return nil }
        guard let match = tags.first(where: { $0 == other || $0.hasSuffix("/" + other) }) else { return nil }
        let (keras2, keras3) = tag.hasSuffix("accuracy") ? (other, tag) : (tag, other)
        return "did you mean '\(match)'? Keras 3 names it '\(keras3.split(separator: "/").last!)' where Keras 2 wrote '\(keras2.split(separator: "/").last!)'"
    }
}
