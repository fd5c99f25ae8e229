import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A fresh folder under the temp dir, removed with everything in it when the value goes away.
public final class TemporaryFolder: @unchecked Sendable {
    public let path: String

    public init(_ prefix: String = "tune-test") throws {
        var template = Array((NSTemporaryDirectory() + "/\(prefix)-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "mkdtemp: \(String(cString: strerror(errno)))"])
        }
        // The real path: trials and the store see it, and paths are compared as they report them.
        path = URL(fileURLWithPath: String(cString: made)).resolvingSymlinksInPath().path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    public func path(_ name: String) -> String { path + "/" + name }

    /// Writes a file (its folders made as needed); its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try writeData(name, Data(text.utf8))
    }

    /// Writes `bytes` as the whole file (its folders made as needed); its path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        try writeData(name, Data(bytes))
    }

    private func writeData(_ name: String, _ data: Data) throws -> String {
        let file = path(name)
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: file))
        return file
    }

    /// An executable `/bin/sh` script with `body` (a line end added if it has none); its path.
    @discardableResult
    public func script(_ name: String, _ body: String) throws -> String {
        let file = try write(name, "#!/bin/sh\n" + body + (body.hasSuffix("\n") ? "" : "\n"))
        chmod(file, 0o755)
        return file
    }

    public func read(_ name: String) -> String? {
        try? String(contentsOfFile: path(name), encoding: .utf8)
    }
}
