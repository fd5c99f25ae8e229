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
/// at any depth.
///
/// The walk stays inside the folder: a symbolic link is followed only when what it resolves to lies
/// inside the folder (a `latest` link to one of its runs); a link to `/`, to a folder above, or
/// anywhere else outside is passed over, and links directly inside the folders named in
/// `unfollowedLinks` (root-relative) are passed over whatever they lead to. Each folder (by device
/// and inode) is visited once, so a link within the tree that loops ends the walk there. And it is
/// bounded: no deeper than `maxDepth` folders, and no more than `maxEntries` entries looked at in
/// one search (the rest is not searched, and `Scan.stoppedEarly` says so). FIFOs, sockets and
/// devices are never opened.
enum EventFileFinder {
    static let namePrefix = "events.out.tfevents."
    /// The end of the names of tune's own summaries (TensorBoard's HParams files, `HParamsFiles`),
    /// which are not the trial's readings and are passed over.
    static let tuneSuffix = ".tune-hparams"
    /// Deeper folders are not searched.
    static let maxDepth = 32
    /// Entries looked at in one search, at most.
    static let maxEntries = 100_000

    struct Found: Equatable, Sendable {
        /// Root-relative folder, "" for the root itself.
        var run: String
        var path: String
    }

    /// What one search found.
    struct Scan: Equatable, Sendable {
        var found: [Found] = []
        /// The search met `maxEntries` entries and did not look further.
        var stoppedEarly = false
    }

    /// The event files under `root`, sorted by path (so a run's files come in name order).
    static func find(root: String, unfollowedLinks: Set<String> = []) -> [Found] {
        scan(root: root, unfollowedLinks: unfollowedLinks).found
    }

    static func scan(root: String, unfollowedLinks: Set<String> = [], maxEntries: Int = Self.maxEntries) -> Scan {
        var walk = Walk(root: DirectoryEntries.canonical(root), unfollowed: unfollowedLinks, budget: maxEntries)
        guard let status = PathStatus(path: root), status.isDirectory else { return Scan() }
        walk.visited.insert(status.id)
        walk.walk(folder: root, run: "", depth: 0)
        walk.scan.found.sort { $0.path < $1.path }
        return walk.scan
    }

    private struct Walk {
        /// The root with its links resolved: links are followed only to paths under it.
        let root: String
        let unfollowed: Set<String>
        var budget: Int
        var visited: Set<FileID> = []
        var scan = Scan()

        init(root: String, unfollowed: Set<String>, budget: Int) {
            self.root = root
            self.unfollowed = unfollowed
            self.budget = budget
        }

        mutating func walk(folder: String, run: String, depth: Int) {
            let followsLinks = !unfollowed.contains(run)
            guard !scan.stoppedEarly, let entries = DirectoryEntries.list(folder) else { return }
            for entry in entries {
                guard budget > 0 else {
                    scan.stoppedEarly = true
                    return
                }
                budget -= 1
                let path = folder.hasSuffix("/") ? folder + entry.name : folder + "/" + entry.name
                let isEventFile = entry.name.hasPrefix(namePrefix) && !entry.name.hasSuffix(tuneSuffix)
                var kind = entry.kind
                if kind == .unknown { kind = Self.kind(of: path) }
                switch kind {
                case .regularFile:
                    if isEventFile { scan.found.append(Found(run: run, path: path)) }
                case .directory:
                    guard let status = PathStatus(path: path), status.isDirectory else { continue }
                    descend(into: path, status: status, run: run, name: entry.name, depth: depth)
                case .symbolicLink:
                    guard followsLinks, isInsideRoot(path), let status = PathStatus(path: path) else { continue }
                    if status.isRegularFile {
                        if isEventFile { scan.found.append(Found(run: run, path: path)) }
                    } else if status.isDirectory {
                        descend(into: path, status: status, run: run, name: entry.name, depth: depth)
                    }
                case .other, .unknown:
                    continue
                }
            }
        }

        private mutating func descend(into path: String, status: PathStatus, run: String, name: String, depth: Int) {
            guard depth < maxDepth, visited.insert(status.id).inserted else { return }
            walk(folder: path, run: run.isEmpty ? name : run + "/" + name, depth: depth + 1)
        }

        /// Whether the link at `path` resolves to a path inside the root (not the root itself).
        private func isInsideRoot(_ path: String) -> Bool {
            guard let resolved = realpath(path, nil) else { return false }
            defer { free(resolved) }
            let target = String(cString: resolved)
            return target.hasPrefix(root.hasSuffix("/") ? root : root + "/")
        }

        /// The kind of `path` itself (not following a link), for entries whose type `readdir` did not give.
        private static func kind(of path: String) -> DirectoryEntries.Kind {
            var info = stat()
            guard lstat(path, &info) == 0 else { return .other }
            switch info.st_mode & S_IFMT {
            case S_IFREG: return .regularFile
            case S_IFDIR: return .directory
            case S_IFLNK: return .symbolicLink
            default: return .other
            }
        }
    }
}
