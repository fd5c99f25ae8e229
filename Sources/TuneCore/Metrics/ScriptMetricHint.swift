import Foundation

/// Before anything runs: does the training script spell the metric the way the config does?
/// Cloud ML's docs (and many configs) say `acc`, as TensorFlow 1's Keras logged it; TensorFlow 2's
/// Keras (tf.keras, Keras 3) logs `accuracy`. When the config's tag
/// is one spelling and the script's text quotes only the other, say so up front: the trials'
/// `accuracy` is then read for the config's `acc` (see `MetricTagMatch`), which the user should know.
public enum ScriptMetricHint {
    /// Extensions of scripts worth reading (the command's own words that name files).
    static let scriptExtensions: Set<String> = ["py", "r", "sh", "bash", "jl", "lua"]

    /// A warning for `tag`, reading the script files among `command`'s words (at most 2 MiB each).
    public static func check(tag: String, command: [String], directory: String) -> String? {
        guard let other = KerasMetricNames.counterpart(of: tag) else { return nil }
        let name = String(tag.split(separator: "/").last ?? Substring(tag))
        let otherName = String(other.split(separator: "/").last ?? Substring(other))
        for word in command {
            let ext = (word as NSString).pathExtension.lowercased()
            guard scriptExtensions.contains(ext) else { continue }
            let path = word.hasPrefix("/") ? word : directory + "/" + word
            // Not blocking on a FIFO or device named like a script.
            guard case .success(let data) = RegularFileContents.load(path, maxSize: 2 << 20) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            if quotes(otherName, in: text) && !quotes(name, in: text) {
                let (old, new) = name.hasSuffix("accuracy") ? (otherName, name) : (name, otherName)
                return
                    "the config's metric tag is '\(tag)' but \(word) names '\(otherName)' (\(KerasMetricNames.versions(old: old, new: new))): trials that report only '\(otherName)' are read by it"
            }
        }
        return nil
    }

    private static func quotes(_ word: String, in text: String) -> Bool {
        text.contains("\"\(word)\"") || text.contains("'\(word)'")
    }
}
