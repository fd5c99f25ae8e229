import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// TensorFlow event files that a trial wrote where tune does not read them: under the job's
/// working directory but outside the trial's folder (a trainer with a fixed `logs/` or
/// `--job-dir=out`). Looked for only when a trial ended without its metric, to say where its
/// events went and how to route them.
///
/// The walk is bounded (depth, entries seen), follows no symbolic link and skips the store, so it
/// stays short on a big working tree.
public enum StrayEventFiles {
    static let maxDepth = 8
    static let maxEntries = 50_000

    /// Event files under `root` modified at or after `since` (their paths relative to `root`, at most `limit`).
    public static func find(under root: String, since: Date, excluding: [String], limit: Int = 3) -> [String] {
        var found: [String] = []
        var budget = maxEntries
        let cutoff = since.timeIntervalSince1970 - 1
        let skipped = Set(excluding.map(DirectoryEntries.canonical))
        walk(DirectoryEntries.canonical(root), relative: "", depth: 0, cutoff: cutoff, skipped: skipped, budget: &budget, found: &found, limit: limit)
        return found
    }

    private static func walk(
        _ folder: String, relative: String, depth: Int, cutoff: Double, skipped: Set<String>,
        budget: inout Int, found: inout [String], limit: Int
    ) {
        guard found.count < limit, budget > 0, !skipped.contains(folder), let entries = DirectoryEntries.list(folder) else { return }
        var folders: [(String, String)] = []
        for entry in entries.prefix(budget) where found.count < limit {
            let path = folder + "/" + entry.name
            let shown = relative.isEmpty ? entry.name : relative + "/" + entry.name
            let isEventFile = entry.name.hasPrefix(EventFileFinder.namePrefix)
            // Only event files and folders of unknown type cost an lstat; links are never followed.
            guard entry.kind == .directory || (isEventFile && entry.kind == .regularFile) || entry.kind == .unknown else { continue }
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                folders.append((path, shown))
            case S_IFREG where isEventFile:
                if Double(info.st_mtim.tv_sec) >= cutoff { found.append(shown) }
            default:
                break
            }
        }
        budget -= entries.count
        guard depth < maxDepth else { return }
        for (path, shown) in folders {
            walk(path, relative: shown, depth: depth + 1, cutoff: cutoff, skipped: skipped, budget: &budget, found: &found, limit: limit)
        }
    }

    /// What a failure reason adds when the trial's metric is missing and these files were found.
    public static func hint(_ files: [String], workingDirectory: String) -> String {
        let listed = files.map { "\($0)" }.joined(separator: ", ")
        return
            "TensorFlow event files were written during the trial outside its folder, in \(workingDirectory): \(listed); tune reads event files only under the trial's folder — have the trainer write them under $TUNE_TRIAL_DIR, $AIP_TENSORBOARD_LOG_DIR or its --job-dir (set jobDir in the config or pass --job-dir to tune run), or give the path with {trial_dir} in the trial's arguments (e.g. --logdir={trial_dir}/logs)"
    }
}
