import ArgumentParser
import Foundation
import TuneCore

#if canImport(Glibc)
import Glibc
#endif

/// `tune rm JOB…`: deletes jobs from the store, after asking (`--yes` to not ask). The work is
/// `JobStore.remove`'s; this command resolves the names, refuses running jobs and asks.
struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Remove jobs from the store: each job's folder (journal, trial folders, checkpoints).",
        discussion: """
            Asks for each job on a terminal; --yes removes without asking, and is needed when stdin is not a \
            terminal. A running job is refused: stop it first. Every name is checked before anything is removed. \
            The folder is moved aside to a hidden name in the store, then deleted; symbolic links in it are \
            removed, never followed.
            """
    )

    @Argument(help: "The jobs to remove (names, or `latest`).", completion: JobNameCompletion.kind)
    var jobs: [String] = []

    @Flag(name: [.short, .long], help: "Remove without asking.")
    var yes = false

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        guard !jobs.isEmpty else { throw ValidationError("name the jobs to remove; `tune jobs` lists them") }
    }

    func run() throws {
        let store = storeOptions.jobStore
        var names: [String] = []
        for reference in jobs {
            let name: String
            do {
                name = try store.resolve(reference)
            } catch {
                throw CommandFailure.usage(error.description + "; nothing was removed")
            }
            if !names.contains(name) { names.append(name) }
        }
        for name in names {
            if let pid = store.runnerPid(name) { throw CommandFailure.failed(Self.running(name, pid: pid) + "; nothing was removed") }
        }
        if !yes && isatty(STDIN_FILENO) != 1 {
            throw CommandFailure.usage(
                "tune rm asks before removing a job, and stdin is not a terminal: pass --yes to remove \(names.joined(separator: ", ")) without asking; nothing was removed"
            )
        }
        var refused: [String] = []
        for name in names {
            if !yes {
                Console.draw("Remove job \(name) (\(summary(name, store: store)))? [y/N] ")
                let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
                guard answer == "y" || answer == "yes" else {
                    Console.stderr("kept job \(name)")
                    continue
                }
            }
            do {
                let removal = try store.remove(name)
                if let target = removal.linkedFolder {
                    Console.out("removed job \(name) (a link: \(target) is kept)")
                } else if let leftover = removal.leftover {
                    Console.out("removed job \(name) from the store")
                    Console.warning("some of job \(name)'s files could not be deleted (\(removal.leftoverReason ?? "")): they are in \(leftover); delete it by hand")
                } else {
                    Console.out("removed job \(name)")
                }
            } catch .locked(_, let pid) {
                refused.append(name)
                Console.error(Self.running(name, pid: pid))
            } catch {
                refused.append(name)
                Console.error("cannot remove job \(name): \(error.description)")
            }
        }
        if !refused.isEmpty { throw CommandFailure.failed("\(refused.count) of \(names.count) jobs not removed: \(refused.joined(separator: ", "))") }
    }

    /// `12 trials, SUCCEEDED`, or why the journal cannot be read.
    func summary(_ name: String, store: JobStore) -> String {
        guard let record = try? store.load(name) else { return "its journal cannot be read" }
        let count = record.trials.count
        return "\(count) trial\(count == 1 ? "" : "s"), \(JobView.state(of: record, store: store))"
    }

    static func running(_ name: String, pid: Int32?) -> String {
        let holder = pid.map { "tune process \($0)" } ?? "another tune process"
        let stop = pid.map { " — Ctrl-C where it runs, or kill -INT \($0) —" } ?? ""
        return "job \(name) is running (\(holder)): stop it first\(stop) then remove it; `tune status \(name)` shows how it stands"
    }
}
