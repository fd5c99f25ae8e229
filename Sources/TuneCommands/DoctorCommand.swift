import ArgumentParser
import Foundation
import TuneCore

/// `tune doctor <job>`: checks a job's journal line by line (fsck-style), says what damage took
/// with it and what is still on disk, and with `--repair` keeps what is intact.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check a job's journal for damage; with --repair, keep every intact event.",
        discussion: """
            Lists the journal's damaged lines (line, byte offset, what is wrong, what is lost), the trials whose \
            outcome is lost and what is still on disk for them, and what --repair would do. Exits 0 when the \
            journal is sound or was repaired, 1 when it is damaged. --repair keeps the damaged journal \
            as journal.damaged-<n>.jsonl beside it and writes a journal of every intact event; a trial whose end \
            was lost is then an interrupted one, which `tune resume` runs again as a new attempt.
            """
    )

    @Argument(help: ArgumentHelp("The job: its name, or latest.", valueName: "job"), completion: JobNameCompletion.kind)
    var job: String = "latest"

    @Flag(help: "Keep the damaged journal beside the job's and write a clean one of every intact event (not while the job runs).")
    var repair = false

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let store = storeOptions.jobStore
        let diagnosis: JournalDiagnosis
        do {
            diagnosis = try JournalDiagnosis.examine(try store.resolve(job), in: store)
        } catch {
            throw CommandFailure.usage(error.description)
        }
        let id = diagnosis.job.id
        let check = diagnosis.check
        let journal = StoreOptions.shown(diagnosis.journal)
        Console.out(
            "job \(id): journal \(journal), format \(check.header.format), \(check.lineCount) line\(check.lineCount == 1 ? "" : "s"), \(check.entries.count) intact event\(check.entries.count == 1 ? "" : "s")"
        )
        if check.tornBytes > 0 {
            Console.out("  its last line has no newline (\(check.tornBytes) bytes): a write cut short, left out (not damage)")
        }
        guard diagnosis.isDamaged else {
            Console.out("no damage: every line is an intact event")
            return
        }
        Console.out("damaged: \(check.damage.count) line\(check.damage.count == 1 ? "" : "s"), left out of what every command shows")
        for damage in check.damage {
            Console.out("  line \(damage.line) (byte \(damage.offset)): \(damage.problemText) — \(damage.affects)")
        }
        if !diagnosis.lostTrials.isEmpty {
            Console.out("trials whose outcome is lost:")
            for trial in diagnosis.lostTrials {
                let state =
                    trial.state.map { "\($0.rawValue) in the journal, attempt \(trial.attempt ?? 1)" }
                    ?? "not in the journal (its creation is lost)"
                Console.out("  trial \(trial.id): \(state)")
                if let folder = trial.folder {
                    Console.out("    on disk: \(folder)/ " + (trial.files.isEmpty ? "(empty)" : trial.files.joined(separator: ", ")))
                } else {
                    Console.out("    on disk: no trial folder")
                }
            }
        }
        let rerun = diagnosis.lostTrials.filter(\.resumeRunsItAgain).map(\.id)
        let damagedCopy = URL(fileURLWithPath: diagnosis.damagedCopy).lastPathComponent
        if repair {
            let result: JournalRepair.Result?
            do {
                result = try JournalRepair.repair(id, in: store)
            } catch {
                throw CommandFailure.failed("cannot repair job \(id): \(error.description)")
            }
            if let result {
                Console.out(
                    "repaired: the damaged journal is kept as \(StoreOptions.shown(result.damagedCopy)); \(journal) now holds the \(result.events) intact events (\(result.dropped) line\(result.dropped == 1 ? "" : "s") left out)"
                )
                if !rerun.isEmpty { Console.out("`tune resume \(id)` runs \(Self.trials(rerun)) again as a new attempt") }
            }
            return
        }
        Console.out("tune doctor \(id) --repair would:")
        Console.out("  keep the damaged journal as \(damagedCopy), beside it")
        Console.out("  write a journal of the \(check.entries.count) intact events, leaving out the \(check.damage.count) damaged line\(check.damage.count == 1 ? "" : "s")")
        if !rerun.isEmpty {
            Console.out("  after which `tune resume \(id)` runs \(Self.trials(rerun)) again as a new attempt (the earlier output moved aside, as for any interrupted trial)")
        }
        throw CommandFailure(
            message:
                "job \(id): its journal is damaged at \(check.damage.count) line\(check.damage.count == 1 ? "" : "s") (listed above): `tune doctor \(id) --repair` keeps what is intact",
            code: 1)
    }

    static func trials(_ ids: [Int]) -> String {
        (ids.count == 1 ? "trial " : "trials ") + ids.map(String.init).joined(separator: ", ")
    }
}
