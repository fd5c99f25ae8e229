import Foundation

/// A private folder for a command's own use (`tune probe`'s one-trial store): made by `mkdtemp`,
/// so its name cannot be guessed or taken first by another user, owned by this user with mode 0700.
public enum ScratchFolder {
    /// A new folder `<temporary folder>/<prefix>XXXXXX`.
    public static func make(prefix: String, in parent: String = FileManager.default.temporaryDirectory.path) throws(FileError) -> String {
        var template = Array((parent.hasSuffix("/") ? parent : parent + "/").utf8CString.dropLast()) + Array((prefix + "XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw FileError("cannot create a scratch folder in \(parent): \(String(cString: strerror(errno))) — set TMPDIR to a writable folder")
        }
        return String(cString: made)
    }

    /// Removes `path` and everything in it (what cannot be removed stays; nothing is reported).
    public static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A file-system operation that failed, said for a person.
public struct FileError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
