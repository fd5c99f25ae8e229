import ArgumentParser
import Foundation
import TuneCore

/// Shell completion of a job argument: the jobs of the store the command line names (`--store DIR`
/// or `--store=DIR`), else of $TUNE_STORE, else of .tune here, newest first, then `latest`.
/// The shell asks the tune binary itself (ArgumentParser's custom completion), so the names are
/// read from the store at the moment the user presses Tab.
enum JobNameCompletion {
    static let kind = CompletionKind.custom { words, _, prefix in
        names(words: words, prefix: prefix, environment: ProcessInfo.processInfo.environment)
    }

    static func names(words: [String], prefix: String, environment: [String: String]) -> [String] {
        let store = JobStore(option: storeOption(in: words), environment: environment)
        let jobs = store.listing().map { listing -> String in
            switch listing {
            case .readable(let header): return header.id
            case .unreadable(let job, _): return job
            }
        }
        return (jobs + ["latest"]).filter { $0.hasPrefix(prefix) }
    }

    /// The last `--store` the words give (as ArgumentParser takes the last of a repeated option).
    static func storeOption(in words: [String]) -> String? {
        var store: String?
        for (index, word) in words.enumerated() {
            if word == "--store", index + 1 < words.count {
                store = words[index + 1]
            } else if word.hasPrefix("--store=") {
                store = String(word.dropFirst("--store=".count))
            }
        }
        return store.map { NSString(string: $0).expandingTildeInPath }
    }
}
