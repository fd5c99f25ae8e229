import Foundation
import Testing
import TuneTestSupport

/// The folders of Sources/TuneCore are layers: each may use the ones below it, never one above
/// (the architecture article draws them). Read from the sources themselves: a type declared at the
/// top level of a file belongs to its folder, and a file that names a type of a higher folder fails.
@Suite("Layers of the core", .limitedParallelism)
struct LayeringTests {
    /// Bottom first. Folders on one line are one layer and do not use each other.
    static let layers: [[String]] = [
        ["Console", "Files", "Support"],
        ["Spec"],
        ["Space", "Pareto"],
        ["Metrics"],
        ["Store"],
        ["Strategy", "Compare"],
        ["Scheduler"],
        ["Execution"],
        ["Observers"],
        ["Session", "Report", "Plot"],
    ]

    static let core = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/TuneCore").path

    /// Folder → (file → source without comments).
    static func sources() throws -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: core))
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            let folder = String(relative.split(separator: "/").first ?? "")
            let text = try String(contentsOfFile: core + "/" + relative, encoding: .utf8)
            let code = text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { line in line.range(of: "//").map { String(line[..<$0.lowerBound]) } ?? String(line) }
                .joined(separator: "\n")
            result[folder, default: [:]][relative] = code
        }
        return result
    }

    @Test func everyFolderIsALayerAndUsesOnlyTheLayersBelowIt() throws {
        let sources = try Self.sources()
        let rank = Dictionary(uniqueKeysWithValues: Self.layers.enumerated().flatMap { index, folders in folders.map { ($0, index) } })
        #expect(Set(sources.keys) == Set(rank.keys), "a new folder needs its place in the layers (and in the architecture article)")
        let declaration = try Regex(#"(?m)^(?:public |private |fileprivate |internal |final |@\w+ )*(?:struct|enum|class|protocol|actor|typealias) +(\w+)"#)
        var owner: [String: String] = [:]
        for (folder, files) in sources {
            for code in files.values {
                for match in code.matches(of: declaration) {
                    if let name = match.output[1].substring { owner[String(name)] = folder }
                }
            }
        }
        #expect(owner.count > 100, "the declarations were found")
        var violations: [String] = []
        for (folder, files) in sources {
            for (file, code) in files {
                let words = Set(code.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init))
                for word in words {
                    guard let home = owner[word], home != folder, let mine = rank[folder], let theirs = rank[home] else { continue }
                    if theirs >= mine { violations.append("\(file) uses \(word) of \(home)/") }
                }
            }
        }
        #expect(violations.isEmpty, "\(violations.sorted().joined(separator: "\n"))")
    }

    @Test func onlyTheConsoleWritesToTheTerminal() throws {
        var offenders: [String] = []
        for (folder, files) in try Self.sources() where folder != "Console" {
            for (file, code) in files {
                for pattern in ["write(STDERR_FILENO", "write(STDOUT_FILENO", "FileHandle.standardError", "FileHandle.standardOutput", "print(", "fputs("]
                where code.contains(pattern) {
                    offenders.append("\(file): \(pattern)")
                }
            }
        }
        #expect(offenders.isEmpty, "\(offenders.sorted())")
    }
}
