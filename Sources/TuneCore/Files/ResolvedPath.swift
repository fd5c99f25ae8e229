import Foundation

/// Paths compared as the file system sees them: absolute, with `.`, `..` and symbolic links resolved
/// as far as the path exists (the rest, not there yet, cannot be a link), so that
/// `runs/../.tune/j` and a link to `.tune` are known as the store.
public enum ResolvedPath {
    /// `path` made absolute (from `directory`) and resolved.
    public static func of(_ path: String, from directory: String = FileManager.default.currentDirectoryPath) -> String {
        let absolute = path.hasPrefix("/") ? path : directory + "/" + path
        let parts = absolute.split(separator: "/").map(String.init)
        // The longest prefix that exists, resolved by the kernel; the rest lexically.
        for count in stride(from: parts.count, through: 0, by: -1) {
            let prefix = "/" + parts.prefix(count).joined(separator: "/")
            guard let base = realPath(prefix) else { continue }
            var result = base.split(separator: "/").map(String.init)
            for part in parts.dropFirst(count) {
                switch part {
                case ".": continue
                case "..": _ = result.popLast()
                default: result.append(part)
                }
            }
            return "/" + result.joined(separator: "/")
        }
        return absolute
    }

    /// Whether `path` is `folder` or inside it, both resolved.
    public static func isWithin(_ path: String, _ folder: String) -> Bool {
        let inner = of(path)
        let outer = of(folder)
        return inner == outer || inner.hasPrefix(outer == "/" ? "/" : outer + "/")
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
