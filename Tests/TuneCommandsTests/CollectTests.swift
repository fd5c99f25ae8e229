import Foundation
import Testing
import TuneTestSupport

/// `tune collect` on folders collected before, and on trial folders that hold symbolic links.
@Suite("End to end: tune collect", .limitedParallelism)
struct CollectTests {
    /// lstat's file type of `path`: a link is reported as a link, not as what it points to.
    static func type(_ path: String) -> FileAttributeType? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
    }

    @Test func allAfterBestCopiesTheMissingTrialsAndKeepsTheBest() async throws {
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            echo "$TUNE_TRIAL_ID" > "$TUNE_TRIAL_DIR/model.txt"
            echo "acc=0.$TUNE_TRIAL_ID"
            """)
        try sandbox.write("c.yml", config(maxTrials: 3))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "J"])
        try #require(run.status == 0, "\(run)")

        let best = try await sandbox.tune(["collect", "J"])
        try #require(best.status == 0, "\(best)")
        #expect(sandbox.list("runs") == ["J-3"], "trial 3 has the highest acc: \(best)")
        // What the user did with the collected best trial since.
        try sandbox.write("runs/J-3/notes.txt", "keep me")

        let all = try await sandbox.tune(["collect", "J", "--trials", "all"])
        #expect(all.status == 0, "\(all)")
        #expect(sandbox.list("runs") == ["J-1", "J-2", "J-3"], "\(all)")
        #expect(sandbox.read("runs/J-1/model.txt") == "1\n")
        #expect(sandbox.read("runs/J-2/model.txt") == "2\n")
        #expect(sandbox.read("runs/J-3/notes.txt") == "keep me", "the folder already there is left alone")
        #expect(all.stderr.contains("note: runs/J-3 exists, kept as it is"), "\(all)")
        #expect(!all.stderr.contains("runs/J-1 exists") && !all.stderr.contains("runs/J-2 exists"), "\(all)")
        #expect(all.stdout.contains("trial 1 (acc=0.1) → runs/J-1") && all.stdout.contains("trial 2 (acc=0.2) → runs/J-2"), "\(all)")
        #expect(!all.stdout.contains("→ runs/J-3"), "\(all)")

        // Everything is there already: still a success, and it says how to replace them.
        let again = try await sandbox.tune(["collect", "J", "--trials", "all"])
        #expect(again.status == 0, "\(again)")
        #expect(again.stderr.contains("3 destination folders already there were left unchanged: pass --overwrite"), "\(again)")
    }

    @Test func symbolicLinksAreCopiedAsLinksNeverFollowed() async throws {
        let sandbox = try Sandbox()
        // The user's data, outside the store: 8 MiB that must be neither copied nor deleted.
        let data = sandbox.path("data")
        try FileManager.default.createDirectory(atPath: data + "/shards", withIntermediateDirectories: true)
        try Data(repeating: 7, count: 8 << 20).write(to: URL(fileURLWithPath: data + "/shards/big.bin"))
        try sandbox.write("data/labels.csv", "a,b\n")
        // The trial's folder gets a cwd/ of absolute links to the working tree (as
        // perTrialWorkingDirectory makes it), a relative link, a dangling one and a file it wrote.
        try sandbox.script(
            "train.sh",
            """
            mkdir -p "$TUNE_TRIAL_DIR/cwd"
            ln -s "\(data)" "$TUNE_TRIAL_DIR/cwd/data"
            ln -s "\(data)/labels.csv" "$TUNE_TRIAL_DIR/cwd/labels.csv"
            ln -s ../stdout.log "$TUNE_TRIAL_DIR/cwd/log"
            ln -s "\(sandbox.path("gone"))" "$TUNE_TRIAL_DIR/cwd/gone"
            echo weights > "$TUNE_TRIAL_DIR/cwd/model.pth"
            echo acc=0.5
            """)
        try sandbox.write("c.yml", config(maxTrials: 1))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "L"])
        try #require(run.status == 0, "\(run)")

        let collect = try await sandbox.tune(["collect", "L"])
        try #require(collect.status == 0, "\(collect)")
        let copy = sandbox.path("runs/L-1/cwd")
        let fileManager = FileManager.default
        #expect(Self.type(copy + "/data") == .typeSymbolicLink, "a link to the user's folder stays a link")
        #expect(try fileManager.destinationOfSymbolicLink(atPath: copy + "/data") == data)
        #expect(Self.type(copy + "/labels.csv") == .typeSymbolicLink)
        #expect(try fileManager.destinationOfSymbolicLink(atPath: copy + "/labels.csv") == data + "/labels.csv")
        #expect(try fileManager.destinationOfSymbolicLink(atPath: copy + "/log") == "../stdout.log", "relative links keep their text")
        #expect(Self.type(copy + "/gone") == .typeSymbolicLink, "a dangling link is copied too")
        #expect(Self.type(copy + "/model.pth") == .typeRegular)
        #expect(sandbox.read(copy + "/model.pth") == "weights\n")

        // Replacing the copy removes the links, not what they point to.
        let overwrite = try await sandbox.tune(["collect", "L", "--overwrite"])
        #expect(overwrite.status == 0, "\(overwrite)")
        #expect(Self.type(copy + "/data") == .typeSymbolicLink)
        #expect((try? fileManager.attributesOfItem(atPath: data + "/shards/big.bin"))?[.size] as? Int == 8 << 20)
        #expect(sandbox.read("data/labels.csv") == "a,b\n")
    }
}
