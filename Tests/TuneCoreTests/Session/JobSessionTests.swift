import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// The job session driven in process, as the commands drive it: real trial subprocesses, a real
/// journal and lock, and the process's working directory never changed.
@Suite("The job session, in process", .limitedParallelism)
struct JobSessionTests {
    static let spec = TuningSpec(
        goal: .maximize, metricTag: "acc", maxTrials: 4, maxParallelTrials: 2, algorithm: .random,
        params: [ParameterSpec(name: "x", domain: .double(min: 0, max: 1, scale: .linear))])

    /// A job in `folder` whose script reads a file beside it by a relative path: it only works
    /// where the job was started.
    static func newJob(in folder: TemporaryFolder, spec: TuningSpec = spec) throws -> JobSession.NewJob {
        try folder.write("offset.txt", "0.25\n")
        try folder.script(
            "train.sh",
            """
            [ -f offset.txt ] || { echo "offset.txt is not here: not run in the job's folder" >&2; exit 3; }
            echo "acc=${1#--x=}"
            """)
        return JobSession.NewJob(
            name: "inproc", spec: spec, command: ["./train.sh"], executable: folder.path("train.sh"),
            workingDirectory: folder.path, configPath: "tuning.yml", configText: "", seed: 11)
    }

    @Test func createRunOpenAndResumeWithoutChangingTheWorkingDirectory() throws {
        let folder = try TemporaryFolder()
        let store = JobStore(root: folder.path(".tune"))
        let before = FileManager.default.currentDirectoryPath
        #expect(before != folder.path)

        let session = try JobSession.create(try Self.newJob(in: folder), in: store, notes: { _ in })
        #expect(session.job.header.strategy == "random search")
        let outcome = try session.run(.fresh, options: RunOptions(gracePeriod: 1), reporter: ProgressReporter(quiet: true))
        #expect(outcome == .succeeded)
        #expect(FileManager.default.currentDirectoryPath == before)
        #expect(session.job.count(.succeeded) == 4, "\(session.job.trials.map(\.failureReason))")
        for trial in session.job.trials {
            // The script found offset.txt: it ran in the job's folder.
            #expect(trial.finalMetric?.value == Double(trial.parameters["x"] ?? ""))
            #expect(trial.failureReason == nil)
        }
        #expect(try store.load("inproc").trials.count == 4)
        #expect(throws: SessionError.self) { try JobSession.open("inproc", in: store) }
        session.close()

        // While a session holds the job, no other can open it.
        let reopened = try JobSession.open("inproc", in: store)
        #expect(throws: SessionError.self) { try JobSession.open("inproc", in: store) }
        try reopened.setBudget(6)
        #expect(throws: SessionError.self) { try reopened.setBudget(2) }
        let resumed = try reopened.run(.resume, options: RunOptions(gracePeriod: 1), reporter: ProgressReporter(quiet: true))
        #expect(resumed == .succeeded)
        let job = try store.load("inproc")
        #expect(job.trials.count == 6 && job.count(.succeeded) == 6 && job.spec.maxTrials == 6)
    }

    @Test func errorsSayWhatIsWrongAndOfWhichKind() throws {
        let folder = try TemporaryFolder()
        let store = JobStore(root: folder.path(".tune"))
        do {
            _ = try JobSession.open("nosuchjob", in: store)
            Issue.record("opened a job that does not exist")
        } catch {
            #expect(error.kind == .usage && error.message.contains("nosuchjob"), "\(error)")
        }
        var bad = try Self.newJob(in: folder)
        bad.name = "no/slashes"
        do {
            _ = try JobSession.create(bad, in: store, notes: { _ in })
            Issue.record("a job name with a slash was accepted")
        } catch {
            #expect(error.kind == .usage, "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path(".tune/no")), "nothing created")
        let first = try Self.newJob(in: folder)
        _ = try JobSession.create(first, in: store, notes: { _ in })
        do {
            _ = try JobSession.create(first, in: store, notes: { _ in })
            Issue.record("a second job of the same name was created")
        } catch {
            #expect(error.kind == .usage && error.message.contains("inproc"), "\(error)")
        }
    }

    /// The architecture article's worked example: a strategy and a scheduler of one file each,
    /// handed to a job (the registration line), run end to end.
    @Test func theWorkedExamplesRunAJob() throws {
        let folder = try TemporaryFolder()
        var spec = Self.spec
        spec.maxTrials = 5
        spec.maxParallelTrials = 1
        var new = try Self.newJob(in: folder, spec: spec)
        try folder.script(
            "train.sh",
            """
            x=${1#--x=}
            case "$x" in 0.1*|0.2*|0.3*) echo "step=1 acc=0.1"; echo "step=2 acc=0.1"; echo "step=3 acc=0.1"; sleep 30 ;; esac
            echo "step=1 acc=$x"
            """)
        new.strategy = GoldenLineStrategy(spec: spec)
        new.scheduler = FloorScheduler(metricTag: "acc", floor: 0.2, patience: 3)
        let session = try JobSession.create(new, in: JobStore(root: folder.path(".tune")), notes: { _ in })
        #expect(session.job.header.strategy == "golden-line walk")
        let outcome = try session.run(.fresh, options: RunOptions(gracePeriod: 1), reporter: ProgressReporter(quiet: true))
        #expect(outcome == .succeeded)
        let expected = (1...5).map { GoldenLineStrategy(spec: spec).propose(count: 1, firstTrialId: $0, history: []).first!.textValues["x"]! }
        #expect(session.job.trials.map { $0.parameters["x"] ?? "" } == expected)
        for trial in session.job.trials {
            let x = try #require(Double(trial.parameters["x"] ?? ""))
            let diverges = (0.1..<0.4).contains(x)
            #expect(trial.stoppedEarly == diverges, "trial \(trial.id) x=\(x): \(trial.failureReason ?? "")")
            if diverges { #expect(trial.failureReason?.contains("below the floor 0.2") == true) }
        }
        #expect(session.job.trials.contains { $0.stoppedEarly }, "the walk reaches the diverging band")
    }
}
