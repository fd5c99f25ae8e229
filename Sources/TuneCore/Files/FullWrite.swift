import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes bytes to a descriptor in full (a `write` may take only part of them), and syncs it.
enum FullWrite {
    /// Writes all of `bytes`; the errno of the first failed `write` (EIO for one that wrote
    /// nothing), or nil.
    static func write(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return n < 0 ? errno : EIO
            }
        }
        return nil
    }

    static func write(_ data: Data, to fd: Int32) -> Int32? {
        data.withUnsafeBytes { write($0, to: fd) }
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
