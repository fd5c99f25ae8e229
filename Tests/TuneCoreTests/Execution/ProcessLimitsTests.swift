import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// Issue 16: maxParallelTrials against the process and open-file limits, and launches that fail
/// for want of a process or a descriptor with nothing running.
@Suite("Process limits", .limitedParallelism)
struct ProcessLimitsTests {
    @Test func aProcessLimitCapsTheTrialsAtOnceAndSaysWhatToDo() throws {
        let limits = ProcessLimits(processLimit: 200, processesInUse: 150, fileLimit: nil, filesInUse: 10)
        let cap = try #require(limits.cap(400))
        #expect(cap.slots == 25)
        #expect(cap.note.contains("running at most 25 trials at a time, not maxParallelTrials 400"))
        #expect(cap.note.contains("(ulimit -u) is 200 with 150 in use") && cap.note.contains("raise it with ulimit -u"))
        #expect(limits.cap(25) == nil, "25 fit")
    }

    @Test func anOpenFileLimitCapsTheTrialsAtOnce() throws {
        let limits = ProcessLimits(processLimit: nil, processesInUse: 0, fileLimit: 64, filesInUse: 8)
        let cap = try #require(limits.cap(400))
        #expect(cap.slots == (64 - 8 - ProcessLimits.filesReserved) / ProcessLimits.filesPerTrial)
        #expect(cap.note.contains("ulimit -n) is 64"))
    }

    @Test func noRoomLeftStillTriesOneTrial() throws {
        let limits = ProcessLimits(processLimit: 100, processesInUse: 120, fileLimit: 10, filesInUse: 9)
        #expect(try #require(limits.cap(4)).slots == 1)
        #expect(ProcessLimits(processLimit: nil, processesInUse: 0, fileLimit: nil, filesInUse: 0).cap(4096) == nil)
    }

    @Test func theLimitsOfThisProcessAreRead() {
        let limits = ProcessLimits.current()
        #expect(limits.filesInUse > 0)
        #expect(limits.fileLimit.map { $0 > limits.filesInUse } ?? true)
    }

    /// A launcher that is out of processes for its first `shortages` launches.
    final class ShortLauncher: Launcher, @unchecked Sendable {
        let inner: ScriptedLauncher
        var shortages: Int
        init(shortages: Int, _ inner: ScriptedLauncher) {
            self.shortages = shortages
            self.inner = inner
        }
        func launch(_ request: LaunchRequest) throws(LaunchError) -> any TrialProcess {
            if shortages > 0 {
                shortages -= 1
                throw LaunchError("cannot start the trial: Resource temporarily unavailable", isResourceShortage: true)
            }
            return try inner.launch(request)
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func aLaunchShortOfProcessesWithNothingRunningWaitsAndTriesAgain() throws {
        let folder = try TemporaryFolder()
        let launcher = ShortLauncher(shortages: 5, ScriptedLauncher { _, _ in .init(output: "acc=0.5\n") })
        var spec = TuningSpec(
            goal: .maximize, metricTag: "acc", maxTrials: 3, maxParallelTrials: 1, algorithm: .random,
            params: [ParameterSpec(name: "x", domain: .double(min: 0, max: 1, scale: .linear))])
        spec.maxTrialRetries = nil
        let store = JobStore(root: folder.path(".tune"))
        let header = JobHeader(
            id: "short", createTime: Date(), spec: spec, command: ["train"], workingDirectory: folder.path,
            configPath: "tuning.yml", configText: "", seed: 7, strategy: "random search")
        let run = TuningRun(
            job: JobRecord(header: header), store: store, writer: try store.createJob(header).writer, executable: "/bin/true",
            strategy: spec.makeStrategy(seed: 7).strategy, launcher: launcher, baseEnvironment: [:],
            options: RunOptions(gracePeriod: 1, pollInterval: 0.01), reporter: ProgressReporter(quiet: true))
        #expect(try run.run() == .succeeded)
        let job = try store.load("short")
        #expect(job.trials.count == 3 && job.count(.succeeded) == 3, "no trial failed for want of a process: \(job.trials.map(\.failureReason))")
        #expect(job.trials.allSatisfy { $0.attempt == 1 })
    }

    @Test(.timeLimit(.minutes(10)))
    func aShortageThatLastsFailsTheTrialAsInfrastructure() throws {
        let folder = try TemporaryFolder()
        let launcher = ShortLauncher(shortages: Int.max, ScriptedLauncher { _, _ in .init(output: "acc=0.5\n") })
        let spec = TuningSpec(
            goal: .maximize, metricTag: "acc", maxTrials: 1, maxParallelTrials: 1, algorithm: .random,
            params: [ParameterSpec(name: "x", domain: .double(min: 0, max: 1, scale: .linear))])
        let store = JobStore(root: folder.path(".tune"))
        let header = JobHeader(
            id: "short", createTime: Date(), spec: spec, command: ["train"], workingDirectory: folder.path,
            configPath: "tuning.yml", configText: "", seed: 7, strategy: "random search")
        var options = RunOptions(gracePeriod: 1, pollInterval: 0.01)
        options.shortagePatience = 0.2
        let run = TuningRun(
            job: JobRecord(header: header), store: store, writer: try store.createJob(header).writer, executable: "/bin/true",
            strategy: spec.makeStrategy(seed: 7).strategy, launcher: launcher, baseEnvironment: [:],
            options: options, reporter: ProgressReporter(quiet: true))
        _ = try run.run()
        let job = try store.load("short")
        #expect(job.trials.first?.state == .failed)
        #expect(job.trials.first?.failureReason?.contains("Resource temporarily unavailable") == true)
        #expect(launcher.shortages < Int.max - 2, "it was tried more than once")
    }
}
