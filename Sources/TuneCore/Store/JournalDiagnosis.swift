import Foundation

/// What `tune doctor` finds in a job's journal: its format and events, each damaged line, the
/// trials whose outcome is lost and what is still on disk for them, and what a repair would do.
public struct JournalDiagnosis: Sendable {
    /// A trial the damage took something essential from.
    public struct LostTrial: Sendable, Equatable {
        public var id: Int
        /// The trial as the intact events leave it; nil when its creation is lost too.
        public var state: TrialState?
        public var attempt: Int?
        /// Its folder, relative to the job folder (`trials/5`), when there is one.
        public var folder: String?
        /// What the folder holds: `stdout.log (1234 bytes)`, …
        public var files: [String]

        /// After a repair, `tune resume` runs it again as a new attempt.
        public var resumeRunsItAgain: Bool { state.map { !$0.isFinished } ?? false }
    }

    public var journal: String
    public var check: JournalCheck
    public var job: JobRecord
    public var lostTrials: [LostTrial]
    /// Where a repair keeps the damaged journal, beside it.
    public var damagedCopy: String

    public var isDamaged: Bool { !check.damage.isEmpty }

    public static func examine(_ job: String, in store: JobStore) throws(StoreError) -> JournalDiagnosis {
        let path = store.journalPath(job)
        let check = try JournalCheck.read(path: path)
        let record = Journal.replay(check)
        var seen = Set<Int>()
        var lost: [LostTrial] = []
        // A trial named only by a line whose checksum fails may be a misreading (5 read as 9).
        let named = Set(check.damage.filter { $0.problem != .checksumMismatch }.compactMap(\.trial))
        for damage in check.damage {
            guard let id = damage.trial, !seen.contains(id) else { continue }
            let trial = record.trial(id)
            // A lost end matters while the trial is not ended; a lost creation always does.
            guard trial == nil || (damage.wasTrialEnd && !(trial?.state.isFinished ?? false)) else { continue }
            let folder = store.trialDirectory(job, trial: id)
            let files = Self.files(in: folder)
            if trial == nil && files == nil && !named.contains(id) { continue }
            seen.insert(id)
            lost.append(
                LostTrial(
                    id: id, state: trial?.state, attempt: trial?.attempt, folder: files == nil ? nil : "trials/\(id)", files: files ?? []))
        }
        return JournalDiagnosis(
            journal: path, check: check, job: record, lostTrials: lost.sorted { $0.id < $1.id },
            damagedCopy: JournalRepair.damagedCopyPath(for: path))
    }

    /// The names in a trial's folder with their sizes (the logs, the hypertune file first); nil
    /// when there is no folder.
    static func files(in folder: String) -> [String]? {
        guard let entries = DirectoryEntries.list(folder) else { return nil }
        let first = ["stdout.log", "stderr.log", "hypertune.metric"]
        let names = entries.map(\.name).sorted { (first.firstIndex(of: $0) ?? 99, $0) < (first.firstIndex(of: $1) ?? 99, $1) }
        return names.prefix(12).map { name in
            var info = stat()
            guard lstat(folder + "/" + name, &info) == 0 else { return name }
            if (info.st_mode & S_IFMT) == S_IFDIR { return name + "/" }
            return "\(name) (\(info.st_size) bytes)"
        } + (names.count > 12 ? ["… \(names.count - 12) more"] : [])
    }
}
