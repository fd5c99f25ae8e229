import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Finds the executable of a trial command before any job is created, so a typo or a missing
/// run bit is a usage error, not a job of failed trials.
public enum CommandResolver {
    /// The path to execute for `command`: a path when it has a `/`; else the first match on
    /// `PATH`; else a file of that name in `directory` (so `tune train.sh …` finds `./train.sh`).
    public static func resolve(
        _ command: String, in directory: String,
        path: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    ) throws(LaunchError) -> String {
        guard !command.isEmpty else { throw LaunchError("the trial command is empty: give the script to run, e.g. `tune run ./train.sh --config tuning.yml`") }
        if command.contains("/") {
            let full = command.hasPrefix("/") ? command : directory + "/" + command
            try check(full, shown: command)
            return full
        }
        if let found = onPath(command, path: path) { return found }
        let local = directory + "/" + command
        if FileManager.default.fileExists(atPath: local) {
            try check(local, shown: command)
            return local
        }
        throw LaunchError("command not found: '\(command)' is neither on PATH nor a file in \(directory)")
    }

    private static func check(_ path: String, shown: String) throws(LaunchError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LaunchError("command not found: \(shown) does not exist")
        }
        guard !isDirectory.boolValue else { throw LaunchError("\(shown) is a directory, not a command") }
        guard access(path, X_OK) == 0 else {
            throw LaunchError("\(shown) is not executable: run `chmod +x \(shown)`, or name its interpreter (`tune run sh \(shown) …`, `tune run python3 \(shown) …`)")
        }
    }

    /// The first executable file named `name` in the folders of `path` (a PATH value), if any.
    public static func onPath(_ name: String, path: String) -> String? {
        path.split(separator: ":").lazy.filter { !$0.isEmpty }.map { "\($0)/\(name)" }.first(where: isExecutableFile)
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }
}
