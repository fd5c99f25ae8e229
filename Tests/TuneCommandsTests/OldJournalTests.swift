import Foundation
import Testing
import TuneTestSupport

/// Jobs written by earlier releases of tune keep loading, listing and resuming. Each folder in
/// Tests/TuneCoreTests/Fixtures/journals is a job an earlier release wrote (made by
/// `make_old_job.sh` there): two trials finished, the third running when tune was SIGKILLed.
@Suite("End to end: jobs written by earlier releases", .limitedParallelism)
struct OldJournalTests {
    static let fixtures = TuneBinary.repository.appendingPathComponent("Tests/TuneCoreTests/Fixtures/journals").path
    /// Where `make_old_job.sh` ran them: the journal records it as the job's working directory.
    static let recordedDirectory = "/tmp/tune-old-job"

    static var releases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixtures)) ?? []).filter { $0.hasPrefix("release-") }.sorted()
    }

    @Test(arguments: OldJournalTests.releases)
    func oldJobLoadsListsAndResumes(release: String) async throws {
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(atPath: sandbox.store, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.fixtures + "/" + release, toPath: sandbox.store + "/old")
        // The job ran in the script's folder: here, the sandbox.
        let journal = sandbox.store + "/old/journal.jsonl"
        let text = try #require(sandbox.read(journal))
        try Data(text.replacingOccurrences(of: Self.recordedDirectory, with: sandbox.dir.path).utf8).write(to: URL(fileURLWithPath: journal))
        try sandbox.script(
            "train.sh",
            """
            if [ "$TUNE_TRIAL_ID" = 3 ] && [ ! -f go ]; then sleep 300; fi
            echo "epoch=1 acc=0.$TUNE_TRIAL_ID"
            """)
        try sandbox.write("go", "")

        #expect(!text.contains("\"format\""), "an earlier release's journal: format 1, no key")

        let jobs = try await sandbox.tune(["jobs"])
        #expect(jobs.status == 0 && jobs.stdout.contains("old"), "\(jobs)")
        let before = try await trialsJSON(sandbox, "old")
        #expect(before.count == 3, "\(before)")
        #expect(before.filter { $0["state"] as? String == "SUCCEEDED" }.count == 2, "\(before)")
        let status = try await sandbox.tune(["status", "old"])
        #expect(status.status == 0, "\(status)")

        let resume = try await sandbox.tune(["resume", "old"])
        try #require(resume.status == 0, "\(resume)")
        let after = byId(try await trialsJSON(sandbox, "old"))
        #expect(after.count == 4, "the interrupted trial again, then the fourth: \(after)")
        for id in 1...4 { #expect(after[id]?["state"] as? String == "SUCCEEDED", "trial \(id): \(after[id] ?? [:])") }
        #expect(objective(after[3] ?? [:]) == 0.3)
        #expect(after[3]?["attempt"] as? Int == 2 || (after[3]?["attempt"] as? String) == "2", "\(after[3] ?? [:])")
    }
}
