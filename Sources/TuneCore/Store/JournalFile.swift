import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reading a journal's bytes without ever blocking or reading without end: the file is opened
/// with `O_NONBLOCK` (a FIFO opens at once instead of waiting for a writer) and must be a regular
/// file (`fstat`), so a journal that is a FIFO, a device (`/dev/zero`), a socket or a folder is
/// refused with the reason instead of read. A symbolic link to a regular file is followed: a job
/// folder or journal moved to another disk and linked back is legitimate.
enum JournalFile {
    /// The most of a journal tune reads: a bigger file is refused, never loaded.
    static let maxBytes = 4 << 30
    /// The most of a journal's first line (the header) `tune jobs` reads: the config text it holds
    /// is at most 16 MiB (`ConfigLimits.maxBytes`), JSON-escaped.
    static let maxHeaderBytes = 128 << 20

    /// Opens `path` for reading: a regular file, or a reason for people.
    static func openRegular(_ path: String) throws(StoreError) -> (fd: Int32, size: Int) {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            throw StoreError.io("cannot read journal \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw StoreError.io("cannot read journal \(path): \(reason)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw StoreError.corrupt("journal \(path) is \(kind(info.st_mode)), not a regular file: tune does not read it")
        }
        return (fd, Int(info.st_size))
    }

    /// What a file of mode `mode` is, in words.
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "not a file"
        }
    }

    /// The whole journal, as big as `fstat` said it was when opened (a line being appended since
    /// is left for the next read).
    static func contents(_ path: String) throws(StoreError) -> Data {
        let (fd, size) = try openRegular(path)
        defer { close(fd) }
        guard size <= maxBytes else {
            throw StoreError.corrupt("journal \(path) is \(size >> 20) MiB, more than tune reads (\(maxBytes >> 20) MiB): it is not a journal tune wrote")
        }
        return try read(fd, upTo: size, path: path)
    }

    /// The first line of the journal without its newline; nil when the file has no complete first
    /// line. A first line longer than `maxHeaderBytes` is damage, not a reason to read on.
    static func firstLine(_ path: String) throws(StoreError) -> Data? {
        let (fd, size) = try openRegular(path)
        defer { close(fd) }
        var buffer = Data()
        let chunk = 64 * 1024
        while buffer.count < size {
            let start = buffer.count
            let piece = try read(fd, upTo: min(chunk, size - start), path: path, at: start)
            if piece.isEmpty { return nil }
            buffer.append(piece)
            if let newline = buffer[start...].firstIndex(of: 0x0A) { return buffer.prefix(upTo: newline) }
            guard buffer.count <= maxHeaderBytes else {
                throw StoreError.corrupt("journal \(path): its first line is longer than \(maxHeaderBytes >> 20) MiB: it is not a header tune wrote")
            }
        }
        return nil
    }

    private static func read(_ fd: Int32, upTo count: Int, path: String, at offset: Int = 0) throws(StoreError) -> Data {
        var data = Data(count: count)
        var done = 0
        let failure: Int32? = data.withUnsafeMutableBytes { buffer in
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if n == 0 { break }
                done += n
            }
            return nil
        }
        if let failure { throw StoreError.io("cannot read journal \(path): \(String(cString: strerror(failure)))") }
        data.count = done
        return data
    }
}
