#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The entries of one folder as `readdir` gives them, with the type the file system says
/// (`d_type`), for the walks that must not pay a `stat` per entry.
enum DirectoryEntries {
    enum Kind: Sendable, Equatable {
        case directory, regularFile, symbolicLink, other
        /// The file system does not say (`DT_UNKNOWN`): ask `lstat`.
        case unknown
    }

    struct Entry: Sendable, Equatable {
        var name: String
        var kind: Kind
    }

    /// The entries of `folder` but `.` and `..`, sorted by name; nil when it cannot be opened.
    static func list(_ folder: String) -> [Entry]? {
        guard let directory = opendir(folder) else { return nil }
        defer { closedir(directory) }
        var entries: [Entry] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name == "." || name == ".." { continue }
            let kind: Kind
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_REG): kind = .regularFile
            case Int32(DT_LNK): kind = .symbolicLink
            case Int32(DT_UNKNOWN): kind = .unknown
            default: kind = .other
            }
            entries.append(Entry(name: name, kind: kind))
        }
        entries.sort { $0.name < $1.name }
        return entries
    }

    /// `path` with symbolic links resolved (itself when it does not exist).
    static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
