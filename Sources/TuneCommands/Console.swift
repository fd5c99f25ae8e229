import ArgumentParser
import Foundation
import TuneCore

/// `--store DIR` (or `$TUNE_STORE`), shared by every command that reads or writes jobs.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The job store folder (default: $TUNE_STORE, else .tune in the current directory).", valueName: "dir"))
    var store: String?

    var jobStore: JobStore { JobStore(option: store) }

    /// Loads a job by name or `latest`, turning store errors into usage failures; a damaged
    /// journal is said once, on stderr, and what it still holds is shown.
    func load(_ reference: String) throws -> JobRecord {
        let record: JobRecord
        do {
            record = try jobStore.load(reference)
        } catch {
            throw CommandFailure.usage(error.description)
        }
        warnIfDamaged(record)
        return record
    }

    func warnIfDamaged(_ record: JobRecord) {
        guard !record.journalDamage.isEmpty else { return }
        Console.warning(JournalDamageText.warning(record.journalDamage, journal: Self.shown(jobStore.journalPath(record.id)), job: record.id))
    }

    /// A path as people see it: relative to the current folder when it is inside it.
    static func shown(_ path: String) -> String {
        let here = FileManager.default.currentDirectoryPath
        return path.hasPrefix(here + "/") ? String(path.dropFirst(here.count + 1)) : path
    }
}
