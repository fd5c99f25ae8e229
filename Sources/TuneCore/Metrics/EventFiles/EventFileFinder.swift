#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's identity: its device and inode.
struct FileID: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
}

/// What `stat` says about a path (following symlinks).
struct PathStatus: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int
    var isRegularFile: Bool
    var isDirectory: Bool

    var id: FileID { FileID(device: device, inode: inode) }

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    init?(descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        self.init(info)
    }

    private init(_ info: stat) {
        device = UInt64(truncatingIfNeeded: info.st_dev)
        inode = UInt64(truncatingIfNeeded: info.st_ino)
        size = Int(truncatingIfNeeded: info.st_size)
        isRegularFile = (info.st_mode & S_IFMT) == S_IFREG
        isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
    }
}

/// Finds the event files under a trial's folder: every regular file named `events.out.tfevents.*`,
/// at any depth. Symlinked folders are followed, each folder (by device and inode) visited once, so
/// a link back up the tree ends the walk instead of looping; links directly inside the folders
/// named in `unfollowedLinks` (root-relative) are passed over.
enum EventFileFinder {
    static let namePrefix = "events.out.tfevents."
    /// Deeper folders are not searched.
    static let maxDepth = 32

    struct Found: Equatable, Sendable {
        /// Root-relative folder, "" for the root itself.
        var run: String
        var path: String
    }

    /// The event files under `root`, sorted by path (so a run's files come in name order).
    static func find(root: String, unfollowedLinks: Set<String> = []) -> [Found] {
        var found: [Found] = []
        var visited: Set<FileID> = []
        guard let status = PathStatus(path: root), status.isDirectory else { return [] }
        visited.insert(status.id)
        walk(folder: root, run: "", depth: 0, unfollowed: unfollowedLinks, visited: &visited, found: &found)
        found.sort { $0.path < $1.path }
        return found
    }

    private static func walk(folder: String, run: String, depth: Int, unfollowed: Set<String>, visited: inout Set<FileID>, found: inout [Found]) {
        let followsLinks = !unfollowed.contains(run)
        guard let entries = DirectoryEntries.list(folder) else { return }
        for entry in entries {
            let path = folder.hasSuffix("/") ? folder + entry.name : folder + "/" + entry.name
            let isEventFile = entry.name.hasPrefix(namePrefix)
            switch entry.kind {
            case .regularFile:
                if isEventFile { found.append(Found(run: run, path: path)) }
            case .directory, .symbolicLink, .unknown:
                if !followsLinks, entry.kind == .symbolicLink || (entry.kind == .unknown && Self.isLink(path)) { continue }
                guard let status = PathStatus(path: path) else { continue }
                if status.isRegularFile {
                    if isEventFile { found.append(Found(run: run, path: path)) }
                } else if status.isDirectory, depth < maxDepth, visited.insert(status.id).inserted {
                    walk(
                        folder: path, run: run.isEmpty ? entry.name : run + "/" + entry.name, depth: depth + 1,
                        unfollowed: unfollowed, visited: &visited, found: &found)
                }
            case .other:
                continue
            }
        }
    }

    private static func isLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }
}
