import Foundation

/// A page tune writes whole (the report, the comparison): its folder made if need be, the text
/// written beside the file and renamed over it, so whoever reads it — a browser reloading it, a
/// copy — sees the old version or the new one, never half of one.
public enum PageFile {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func replace(_ path: String, with text: String) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw Failure(description: error.localizedDescription)
        }
    }
}
