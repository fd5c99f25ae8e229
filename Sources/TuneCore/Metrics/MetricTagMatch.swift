/// Which readings a trial's metric tag means, across every source.
///
/// - Sources in the order of how deliberately they report: the hypertune file, then event files,
///   then printed lines; the others that also have the tag are named so the user can be told.
/// - In the hypertune file and on stdout the tag must match exactly. In event files an exact tag
///   (`epoch_accuracy` directly in the trial folder) wins; otherwise a tag whose run folder is left out: `epoch_accuracy` matches
///   `validation/epoch_accuracy` when exactly one run has it. When several do, and exactly one of
///   them is an evaluation run (its folder is `validation`, `eval`, `evaluation`, `val`, `valid` or
///   `test`, as Keras' TensorBoard callback and `tf.estimator` name them), that one: a tuning
///   objective is a held-out metric. Otherwise the match is ambiguous and lists them.
/// - Otherwise, for Keras' accuracy, the other spelling (see `KerasMetricNames`): a config that
///   says TensorFlow 1's `epoch_acc` reads TensorFlow 2's `epoch_accuracy`, found by the same rules.
public enum MetricTagMatch: Sendable, Equatable {
    case found(tag: String, source: MetricSourceKind, alsoIn: [MetricSourceKind])
    case ambiguous(choices: [String])
    case missing

    /// Sources in the order they are preferred for the same tag.
    static let preference: [MetricSourceKind] = [.hypertune, .events, .stdout]

    /// The folder names of evaluation runs.
    static let evaluationRuns: Set<String> = ["validation", "eval", "evaluation", "val", "valid", "test"]

    public static func resolve(_ tag: String, in readings: [MetricReading]) -> MetricTagMatch {
        let match = resolveSpelling(tag, in: readings)
        guard match == .missing, let other = KerasMetricNames.counterpart(of: tag) else { return match }
        let renamed = resolveSpelling(other, in: readings)
        return renamed == .missing ? match : renamed
    }

    private static func resolveSpelling(_ tag: String, in readings: [MetricReading]) -> MetricTagMatch {
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
        func found(_ tag: String, _ source: MetricSourceKind) -> MetricTagMatch {
            .found(tag: tag, source: source, alsoIn: preference.filter { $0 != source && exactSources.contains($0) })
        }
        if exactSources.contains(.hypertune) { return found(tag, .hypertune) }
        if exactSources.contains(.events) { return found(tag, .events) }
        // Event files in a run folder come before printed lines: they are what the trainer wrote
        // for the purpose (a tf.estimator also logs `average_loss = …` to stderr).
        var ambiguous: [String]?
        switch runTags.count {
        case 0: break
        case 1: return found(runTags[0], .events)
        default:
            let evaluations = runTags.filter { tag in
                let run = tag.dropLast(suffix.count)
                return evaluationRuns.contains(String(run.split(separator: "/").last ?? "").lowercased())
            }
            if evaluations.count == 1 { return found(evaluations[0], .events) }
            ambiguous = runTags.sorted()
        }
        if exactSources.contains(.stdout) { return found(tag, .stdout) }
        return ambiguous.map { .ambiguous(choices: $0) } ?? .missing
    }

    /// Why `configTag` was read as the event-file tag `tag`, for a note: the other Keras spelling,
    /// and the evaluation run among several that have it ("" when neither).
    public static func why(_ configTag: String, readAs tag: String, in readings: [MetricReading]) -> String {
        var reasons = ""
        let name = String(tag.split(separator: "/").last ?? "")
        if let other = KerasMetricNames.counterpart(of: configTag), name == other.split(separator: "/").last.map(String.init) {
            let (old, new) = name.hasSuffix("accuracy") ? (configTag, name) : (name, configTag)
            reasons += " (\(KerasMetricNames.versions(old: old, new: new)): the same metric)"
        }
        if tag.contains("/"), readings.contains(where: { $0.source == .events && $0.tag != tag && $0.tag.hasSuffix("/" + name) }) {
            reasons += "; of the runs that have it, the evaluation run is used"
        }
        return reasons
    }

    /// The readings the match stands for.
    public func readings(from all: [MetricReading]) -> [MetricReading] {
        guard case .found(let tag, let source, _) = self else { return [] }
        return all.filter { $0.tag == tag && $0.source == source }
    }
}

/// Keras before and after TensorFlow 2.0 name accuracy differently: TensorFlow 1's Keras (and
/// standalone Keras up to 2.2) logged `acc`, `val_acc` and, in TensorBoard logs, `epoch_acc`;
/// TensorFlow 2's tf.keras (and Keras 2.3+, Keras 3) logs `accuracy`, `val_accuracy`,
/// `epoch_accuracy`. Cloud ML's docs and many configs say `acc`. This finds the other spelling of a tag.
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
        let (old, new) = tag.hasSuffix("accuracy") ? (other, tag) : (tag, other)
        return "did you mean '\(match)'? \(versions(old: String(old.split(separator: "/").last!), new: String(new.split(separator: "/").last!)))"
    }

    /// Which Keras writes which spelling: `old` is the `acc` one, `new` the `accuracy` one.
    public static func versions(old: String, new: String) -> String {
        "TensorFlow 2's Keras (tf.keras, Keras 3) logs '\(new)' where TensorFlow 1's Keras logged '\(old)'"
    }
}
