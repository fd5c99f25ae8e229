import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes bytes to a descriptor in full (a `write` may take only part of them), and syncs it.
enum FullWrite {
    /// Writes all of `data`; the errno of the first failed `write`, or nil.
    static func write(_ data: Data, to fd: Int32) -> Int32? {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
    }

    /// `fsync`, again after an interrupt; the errno of its failure, or nil.
    static func sync(_ fd: Int32) -> Int32? {
        while fsync(fd) != 0 {
            if errno == EINTR { continue }
            return errno
        }
        return nil
    }
}
