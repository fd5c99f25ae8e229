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
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.io("cannot open lock \(path): \(String(cString: strerror(errno)))") }
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
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
