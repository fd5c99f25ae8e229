import Foundation

/// Where the tests find files by path: the repository, and Tests/TuneCoreTests/Fixtures (which
/// Package.swift excludes from the target, so nothing in it is bundled). Computed from this file's
/// place, Tests/TuneCoreTests/Support/Fixtures.swift, so a test file can move without its paths.
enum Fixtures {
    /// Tests/TuneCoreTests.
    private static let testTarget = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    /// The repository root.
    static let repository = testTarget.deletingLastPathComponent().deletingLastPathComponent()

    /// Tests/TuneCoreTests/Fixtures.
    static let folder = testTarget.appendingPathComponent("Fixtures")

    /// The path of `relative` inside Fixtures.
    static func path(_ relative: String) -> String { folder.appendingPathComponent(relative).path }
}
