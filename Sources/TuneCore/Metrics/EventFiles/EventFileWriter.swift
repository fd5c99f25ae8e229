import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Keeps a small event file holding exactly a given list of events, each framed as a TFRecord
/// (`TFRecord.frame`: length, masked CRC-32C of the length, data, masked CRC-32C of the data).
///
/// The file's content is a function of what it must hold, so an update never needs to know what
/// an earlier one wrote:
/// - the file already holds it: nothing is written;
/// - the file holds a start of it (a byte prefix: earlier events, or an append cut short by a
///   crash): the rest is appended, which completes the cut record with the same bytes;
/// - otherwise (missing, or other content): the whole file is written under a temporary name in
///   the same folder (one without `tfevents`, which TensorBoard does not read), synced, and
///   renamed over it, so a reader sees the old file or the new one, never a part.
///
/// Appends keep a TensorBoard that is reading the file up to date (it reads on from where it
/// stopped); a replaced file is seen by a TensorBoard started after it.
enum EventFileWriter {
    /// What an update did.
    enum Update: Equatable, Sendable {
        case unchanged
        case appended(bytes: Int)
        case written
    }

    /// Files larger than this are not read back: they are not tune's (replaced whole).
    static let maxSize = 16 << 20

    /// The framed bytes of `events`.
    static func contents(of events: [SummaryEvent]) -> [UInt8] {
        var out: [UInt8] = []
        for event in events {
            event.encoded.withUnsafeBytes { TFRecord.append($0, to: &out) }
        }
        return out
    }

    /// Makes the file at `path` hold exactly `events`; the error says why it could not.
    @discardableResult
    static func update(_ path: String, events: [SummaryEvent]) -> Result<Update, EventFileWriteError> {
        let wanted = contents(of: events)
        var info = stat()
        let exists = lstat(path, &info) == 0
        if exists, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) <= wanted.count,
            case .success(let present) = RegularFileContents.load(path, maxSize: maxSize)
        {
            if present == wanted { return .success(.unchanged) }
            if present.count < wanted.count, wanted.starts(with: present) {
                if let failure = append(Array(wanted[present.count...]), to: path, expectedSize: present.count) {
                    return .failure(failure)
                }
                return .success(.appended(bytes: wanted.count - present.count))
            }
        }
        if let failure = replace(path, with: wanted) { return .failure(failure) }
        return .success(.written)
    }

    /// Appends `bytes` to the file, when it still has `expectedSize` bytes (else writes it whole).
    private static func append(_ bytes: [UInt8], to path: String, expectedSize: Int) -> EventFileWriteError? {
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return EventFileWriteError(path: path, errno: errno, doing: "open") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) == expectedSize else {
            return EventFileWriteError(path: path, errno: EAGAIN, doing: "append to (it changed meanwhile)")
        }
        if let failure = bytes.withUnsafeBytes({ FullWrite.write($0, to: fd) }) {
            // A part written is the start of the same bytes: the next update completes it.
            return EventFileWriteError(path: path, errno: failure, doing: "append to")
        }
        return nil
    }

    /// Writes `bytes` under a temporary name beside `path`, syncs it, and renames it over `path`.
    private static func replace(_ path: String, with bytes: [UInt8]) -> EventFileWriteError? {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = folder + "/.tune-events-\(getpid()).tmp"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { return EventFileWriteError(path: temporary, errno: errno, doing: "create") }
        let failure = bytes.withUnsafeBytes { FullWrite.write($0, to: fd) } ?? FullWrite.sync(fd)
        close(fd)
        if let failure {
            unlink(temporary)
            return EventFileWriteError(path: temporary, errno: failure, doing: "write")
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            return EventFileWriteError(path: path, errno: code, doing: "rename a new version over")
        }
        return nil
    }
}

/// Why an event file could not be written.
struct EventFileWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    var path: String
    var errno: Int32
    var doing: String

    var description: String { "cannot \(doing) \(path): \(String(cString: strerror(errno)))" }
}
