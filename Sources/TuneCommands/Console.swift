import ArgumentParser
import Foundation
import TuneCore

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
