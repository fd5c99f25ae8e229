#if canImport(Glibc)
import Glibc
#endif

/// Counts the completed writes of one file (inotify on Linux), so that tune reads the file the
/// moment a write ends instead of at its next poll, and can tell how many writes there were.
///
/// The folder is watched rather than the file, so a file that does not exist yet, or that is
/// replaced by a rename, is still seen. Each `close` after writing (`IN_CLOSE_WRITE`) and each
/// rename onto the name (`IN_MOVED_TO`) counts as one write; opens are watched as well, so that
/// `open`/`close` events alternate and the kernel does not merge two writes into one event. Where inotify is not available (another
/// system, a file system that gives no events such as NFS written from another node, the
/// per-user watch limit reached), `init` returns nil and the caller polls.
final class FileChangeWatch {
    /// Readable when events are waiting: for `poll(2)`.
    let descriptor: Int32
    private let name: String
    private var buffer = [UInt8](repeating: 0, count: 16 * 1024)

    init?(folder: String, name: String) {
        #if os(Linux)
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        // IN_OPEN too, only so that two writes give different events in a row (open, close,
        // open, close): the kernel merges identical events that follow each other unread.
        guard inotify_add_watch(fd, folder, UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_OPEN)) >= 0 else {
            close(fd)
            return nil
        }
        descriptor = fd
        self.name = name
        #else
        return nil
        #endif
    }

    deinit {
        close(descriptor)
    }

    /// Reads the waiting events (never blocks): how many writes of the file they report.
    func drain() -> Int {
        var writes = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return writes }
            buffer.withUnsafeBytes { raw in
                var offset = 0
                let header = MemoryLayout<inotify_event>.size
                while offset + header <= count {
                    let nameLength = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                    let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    let nameStart = offset + header
                    if nameLength > 0, nameStart + nameLength <= count {
                        let bytes = raw[nameStart..<(nameStart + nameLength)].prefix { $0 != 0 }
                        if mask & (UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO)) != 0, String(decoding: bytes, as: UTF8.self) == name {
                            writes += 1
                        }
                    }
                    offset = nameStart + nameLength
                }
            }
        }
    }
}
