import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The one-writer lock of a job: an exclusive `flock` on `<job>/lock`, held while a tune process
/// runs the job and released by the kernel when that process exits, however it exits. The file
/// holds the holder's pid so the refusal can name it. Readers never take it.
public final class JobLock {
    private let fd: Int32

    /// Takes the lock or throws `StoreError.locked` at once (never waits).
    public init(path: String, job: String) throws(StoreError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0o644)
        guard fd >= 0 else { throw StoreError.io("cannot open lock \(path): \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw StoreError.io("the lock \(path) is \(JournalFile.kind(info.st_mode)), not a regular file: remove it (no tune runs the job while it is not a file)")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StoreError.locked(job: job, pid: JobLock.holder(path: path))
        }
        self.fd = fd
        let pid = "\(getpid())\n"
        ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// The pid of the process holding the lock, or nil when nobody holds it.
    public static func holder(path: String) -> Int32? {
        // Never blocks: a lock that is a FIFO or a device is nobody's lock.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &bytes, bytes.count, 0)
        let text = n > 0 ? String(decoding: bytes.prefix(n), as: UTF8.self) : ""
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
