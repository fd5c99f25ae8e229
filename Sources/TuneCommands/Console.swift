import ArgumentParser
import Foundation
import TuneCore
#if canImport(Glibc)
import Glibc
#endif

/// Writing to the terminal: results on stdout, diagnostics on stderr.
enum Console {
    static func error(_ text: String) {
        let prefixed = text.hasPrefix("Error:") || text.contains(": error:") ? text : "error: " + text
        stderr(prefixed)
    }

    static func note(_ text: String) {
        stderr("note: " + text)
    }

    static func stderr(_ text: String) {
        var line = text.hasSuffix("\n") ? text : text + "\n"
        line.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    static func out(_ text: String) {
        var line = text + "\n"
        line.withUTF8 { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}

/// `--store DIR` (or `$TUNE_STORE`), shared by every command that reads or writes jobs.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The job store folder (default: $TUNE_STORE, else .tune in the current directory).", valueName: "dir"))
    var store: String?

    var jobStore: JobStore { JobStore(option: store) }

    /// Loads a job by name or `latest`, turning store errors into usage failures.
    func load(_ reference: String) throws -> JobRecord {
        do {
            return try jobStore.load(reference)
        } catch {
            throw CommandFailure.usage(error.description)
        }
    }
}
