import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Copies a folder the way a trial's output must be copied (`tune collect`): symbolic links as
/// links, never followed (a trial's link to `/` is one entry, not the whole file system), regular
/// files by content, folders with their permissions; FIFOs, sockets and devices are left out and
/// named (opening a FIFO would block for good).
public enum TreeCopy {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Copies `source` to `destination` (which must not exist); the special files left out.
    public static func copy(_ source: String, to destination: String) throws(Failure) -> [String] {
        var skipped: [String] = []
        try copyEntry(source, to: destination, skipped: &skipped)
        return skipped
    }

    private static func copyEntry(_ source: String, to destination: String, skipped: inout [String]) throws(Failure) {
        var info = stat()
        guard lstat(source, &info) == 0 else { throw failure(source) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            guard mkdir(destination, 0o700) == 0 else { throw failure(destination) }
            guard let entries = DirectoryEntries.list(source) else { throw failure(source) }
            for entry in entries {
                try copyEntry(source + "/" + entry.name, to: destination + "/" + entry.name, skipped: &skipped)
            }
            chmod(destination, info.st_mode & 0o7777)
        case S_IFLNK:
            var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(source, &target, target.count - 1)
            guard length >= 0 else { throw failure(source) }
            target[length] = 0
            guard symlink(target, destination) == 0 else { throw failure(destination) }
        case S_IFREG:
            try copyFile(source, to: destination, mode: info.st_mode & 0o7777)
        default:
            skipped.append(source)
        }
    }

    private static func copyFile(_ source: String, to destination: String, mode: mode_t) throws(Failure) {
        let input = open(source, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard input >= 0 else { throw failure(source) }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard output >= 0 else { throw failure(destination) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count == 0 { return }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(source)
            }
            var written = 0
            while written < count {
                let n = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, count - written) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure(destination)
                }
                written += n
            }
        }
    }

    private static func failure(_ path: String) -> Failure {
        Failure(path: path, reason: String(cString: strerror(errno)))
    }
}
