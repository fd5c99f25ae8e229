import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `tune doctor --repair`: keeps the damaged journal beside the job's as `journal.damaged-<n>.jsonl`
/// and writes a clean one of every intact event, byte for byte (their checksums with them), the
/// contradicting ones left out. Atomic: the clean journal is written to a temporary file, synced,
/// and renamed over the journal, and the folder is synced. Under the job's lock, so never while a
/// tune process runs the job.
///
/// Afterwards a trial whose end was lost shows as started and not ended, as one that was running
/// when tune died: `tune resume` runs it again as a new attempt (its folder moved aside).
public enum JournalRepair {
    public struct Result: Sendable, Equatable {
        /// Where the damaged journal was kept.
        public var damagedCopy: String
        /// The events of the clean journal, the header included.
        public var events: Int
        /// The damaged lines left out.
        public var dropped: Int
    }

    /// The first `journal.damaged-<n>.jsonl` beside `journal` that does not exist.
    static func damagedCopyPath(for journal: String) -> String {
        let folder = URL(fileURLWithPath: journal).deletingLastPathComponent().path
        var n = 1
        while true {
            let path = folder + "/journal.damaged-\(n).jsonl"
            var info = stat()
            if lstat(path, &info) != 0 { return path }
            n += 1
        }
    }

    /// Repairs the journal of `job`; nil when it has no damage (nothing is changed then).
    public static func repair(_ job: String, in store: JobStore) throws(StoreError) -> Result? {
        let lock = try JobLock(path: store.lockPath(job), job: job)
        defer { withExtendedLifetime(lock) {} }
        let path = store.journalPath(job)
        let data = try JournalFile.contents(path)
        let check = try JournalCheck.check(data, path: path)
        guard !check.damage.isEmpty else { return nil }

        var clean = Data()
        clean.reserveCapacity(data.count)
        for entry in check.entries {
            clean.append(data[entry.range])
            clean.append(0x0A)
        }
        let sound = try JournalCheck.check(clean, path: path)
        guard sound.damage.isEmpty, sound.entries.count == check.entries.count else {
            throw StoreError.corrupt("journal \(path): the repaired journal would still be damaged (\(JournalDamageText.lines(sound.damage))); nothing was changed")
        }

        let folder = store.jobDirectory(job)
        let temporary = folder + "/journal.repair-\(getpid()).tmp"
        try write(clean, to: temporary)
        let kept = damagedCopyPath(for: path)
        do throws(StoreError) {
            try keep(path, as: kept)
            guard rename(temporary, path) == 0 else {
                throw StoreError.io("cannot put the repaired journal in place of \(path): \(String(cString: strerror(errno)))")
            }
            try JobStore.syncFolder(folder)
        } catch {
            unlink(temporary)
            throw error
        }
        return Result(damagedCopy: kept, events: check.entries.count, dropped: check.damage.count)
    }

    private static func write(_ data: Data, to path: String) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.io("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let failure = FullWrite.write(data, to: fd) ?? FullWrite.sync(fd)
        if let failure {
            unlink(path)
            throw JournalWriter.failure(failure, writing: path)
        }
    }

    /// The damaged journal under its new name: a hard link (the same bytes, nothing copied), or a
    /// synced copy where the file system has no hard links.
    private static func keep(_ path: String, as kept: String) throws(StoreError) {
        if link(path, kept) == 0 { return }
        let data = try JournalFile.contents(path)
        try write(data, to: kept)
    }
}
