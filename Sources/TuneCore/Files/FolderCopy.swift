#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Copies a folder that a trial wrote (`tune collect`): folders, regular files and symbolic links
/// (as links, never followed). FIFOs, sockets and devices are not copied but listed: opening a FIFO
/// would wait for a writer forever, and a device is no output. Every file is opened without
/// blocking and copied only when it is still a regular file once open.
public enum FolderCopy {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Copies `source` to `destination` (which must not exist); returns the paths, relative to
    /// `source`, of what was not copied because it is not a folder, a regular file or a link.
    public static func copy(_ source: String, to destination: String) throws(Failure) -> [String] {
        var skipped: [String] = []
        try copy(source, to: destination, relative: "", skipped: &skipped)
        return skipped
    }

    private static func copy(_ source: String, to destination: String, relative: String, skipped: inout [String]) throws(Failure) {
        var info = stat()
        guard lstat(source, &info) == 0 else { throw failure("cannot read", source) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            guard mkdir(destination, info.st_mode & 0o7777 | 0o700) == 0 else { throw failure("cannot create", destination) }
            guard let entries = DirectoryEntries.list(source) else { throw failure("cannot read", source) }
            for entry in entries {
                try copy(
                    source + "/" + entry.name, to: destination + "/" + entry.name,
                    relative: relative.isEmpty ? entry.name : relative + "/" + entry.name, skipped: &skipped)
            }
        case S_IFREG:
            if try !copyFile(source, to: destination, mode: info.st_mode & 0o7777) { skipped.append(relative) }
        case S_IFLNK:
            var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(source, &target, target.count - 1)
            guard count >= 0 else { throw failure("cannot read the link", source) }
            target[count] = 0
            guard symlink(target, destination) == 0 else { throw failure("cannot create the link", destination) }
        default:
            skipped.append(relative)
        }
    }

    /// False when `source` turned out not to be a regular file once open.
    private static func copyFile(_ source: String, to destination: String, mode: mode_t) throws(Failure) -> Bool {
        let input = open(source, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY)
        guard input >= 0 else { throw failure("cannot read", source) }
        defer { close(input) }
        var info = stat()
        guard fstat(input, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode | 0o600)
        guard output >= 0 else { throw failure("cannot create", destination) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw failure("cannot read", source) }
            guard n > 0 else { return true }
            if let code = buffer.withUnsafeBytes({ FullWrite.write(UnsafeRawBufferPointer(rebasing: $0[0..<n]), to: output) }) {
                errno = code
                throw failure("cannot write", destination)
            }
        }
    }

    private static func failure(_ what: String, _ path: String) -> Failure {
        Failure(description: "\(what) \(path): \(String(cString: strerror(errno)))")
    }
}
