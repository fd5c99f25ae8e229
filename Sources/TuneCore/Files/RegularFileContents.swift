#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file that a trial (or anyone) may have replaced by something else: opened without
/// blocking (a FIFO's open would wait for a writer forever) and without becoming a controlling
/// terminal, then read only when it is a regular file of at most `maxSize` bytes.
enum RegularFileContents {
    enum Problem: Error, Equatable {
        /// Missing or not readable (errno).
        case cannotOpen(Int32)
        /// A FIFO, a device, a socket, a folder.
        case notRegularFile
        case tooLarge
        case readFailed(String)
    }

    static func load(_ path: String, maxSize: Int) -> Result<[UInt8], Problem> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { return .failure(.cannotOpen(errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return .failure(.notRegularFile) }
        guard Int(info.st_size) <= maxSize else { return .failure(.tooLarge) }
        // One byte more than allowed tells a file that grew past the limit since fstat.
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n > 0 {
                count += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 {
                return .failure(.readFailed(String(cString: strerror(errno))))
            } else {
                break
            }
            if count > maxSize { return .failure(.tooLarge) }
            if count == bytes.count { bytes += [UInt8](repeating: 0, count: min(64 * 1024, maxSize + 1 - count)) }
        }
        bytes.removeSubrange(count...)
        return .success(bytes)
    }
}
