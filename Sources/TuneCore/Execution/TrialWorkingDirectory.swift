import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `perTrialWorkingDirectory`: a trial's own working directory, `<trial folder>/cwd`, holding an
/// absolute symbolic link to every entry of the job's working directory (the store's own folder
/// left out).
///
/// Why links rather than a fresh folder or a copy: everything the command names, and everything
/// the trainer opens by a relative path that is not on its command line (`python -m trainer.task`
/// finds its package in the current directory; `data/train.csv` written into the script), still
/// resolves, at the cost of one link per entry and nothing copied, whatever the size of the data;
/// and whatever the trainer creates in its current directory (`model.pth`, `checkpoint/`) is a
/// new file in the trial's own folder, so parallel trials no longer overwrite each other and
/// `tune collect` copies it. What a trainer writes *into* an existing entry (a file it rewrites,
/// a folder it adds to) still goes to the shared original through the link, as without the option.
public enum TrialWorkingDirectory {
    /// Creates `folder` with links to the entries of `source`, except those that are or hold a path
    /// in `excluding` (the store). Throws a message for the trial's failure reason.
    public static func prepare(_ folder: String, linkingTo source: String, excluding: Set<String>) throws(LaunchError) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw LaunchError("cannot create the trial's working directory \(folder): \(error.localizedDescription)")
        }
        guard let entries = DirectoryEntries.list(source) else {
            throw LaunchError("cannot read the job's working directory \(source): \(String(cString: strerror(errno)))")
        }
        let base = source.hasSuffix("/") ? String(source.dropLast()) : source
        let excluded = Set(excluding.map(DirectoryEntries.canonical))
        for entry in entries {
            let target = base + "/" + entry.name
            let resolved = DirectoryEntries.canonical(target)
            if excluded.contains(where: { $0 == resolved || $0.hasPrefix(resolved + "/") }) { continue }
            if symlink(target, folder + "/" + entry.name) != 0 && errno != EEXIST {
                throw LaunchError("cannot link \(target) into the trial's working directory \(folder): \(String(cString: strerror(errno)))")
            }
        }
    }
}
