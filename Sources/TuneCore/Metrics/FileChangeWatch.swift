#if canImport(Glibc)
import Glibc
#endif

/// Counts the completed writes of files (inotify on Linux), so that tune reads a trial's metric
/// file the moment a write ends instead of at its next poll, and can tell how many writes there were.
///
/// One inotify instance serves a whole run, with a watch per trial folder: closing an inotify
/// descriptor waits for the kernel's grace period (milliseconds), which one instance per trial
/// would add to every trial's end. A folder is watched rather than the file, so a file that does
/// not exist yet, or that is replaced by a rename, is still seen. Each `close` after writing
/// (`IN_CLOSE_WRITE`) and each rename onto the name (`IN_MOVED_TO`) counts as one write; opens are
/// watched as well, so that `open`/`close` events alternate and the kernel does not merge two
/// writes into one event. Where inotify is not available (another system, the per-user limit of
/// instances reached) `init` returns nil, and where a folder cannot be watched (the per-user
/// limit of watches, a file system that gives no events such as NFS written from another node)
/// `watch` does: the caller then polls.
final class FileChangeWatch {
    /// Readable when events are waiting: for `poll(2)`.
    let descriptor: Int32
    /// The file name each watch counts, and its writes not yet taken.
    private var names: [Int32: String] = [:]
    private var writes: [Int32: Int] = [:]
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    init?() {
        #if os(Linux)
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        descriptor = fd
        #else
        return nil
        #endif
    }

    deinit {
        close(descriptor)
    }

    /// Starts counting the writes of `name` in `folder`; the watch's id, or nil.
    func watch(folder: String, name: String) -> Int32? {
        #if os(Linux)
        let id = inotify_add_watch(descriptor, folder, UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_OPEN))
        guard id >= 0 else { return nil }
        names[id] = name
        writes[id] = 0
        return id
        #else
        return nil
        #endif
    }

    /// Stops a watch (its uncounted events are dropped).
    func unwatch(_ id: Int32) {
        guard names.removeValue(forKey: id) != nil else { return }
        writes[id] = nil
        #if os(Linux)
        _ = inotify_rm_watch(descriptor, id)
        #endif
    }

    /// The writes counted for a watch since the last call (after reading the waiting events).
    func takeWrites(_ id: Int32) -> Int {
        drain()
        defer { if writes[id] != nil { writes[id] = 0 } }
        return writes[id] ?? 0
    }

    /// Whether a watch has writes not yet taken (without reading new events).
    func hasWrites(_ id: Int32) -> Bool { (writes[id] ?? 0) > 0 }

    /// Reads the waiting events (never blocks), counting the writes of the watched names.
    func drain() {
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            buffer.withUnsafeBytes { raw in
                var offset = 0
                let header = MemoryLayout<inotify_event>.size
                let written = UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO)
                while offset + header <= count {
                    let id = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                    let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    let nameLength = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                    let nameStart = offset + header
                    if mask & written != 0, nameLength > 0, nameStart + nameLength <= count, let wanted = names[id] {
                        let bytes = raw[nameStart..<(nameStart + nameLength)].prefix { $0 != 0 }
                        if String(decoding: bytes, as: UTF8.self) == wanted { writes[id, default: 0] += 1 }
                    }
                    offset = nameStart + nameLength
                }
            }
        }
    }
}
