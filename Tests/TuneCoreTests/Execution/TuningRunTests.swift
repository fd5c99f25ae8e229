import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

private func spec(maxTrials: Int = 5, earlyStopping: Bool = false, retries: Int? = nil) -> TuningSpec {
    var spec = TuningSpec(
        goal: .maximize, metricTag: "acc", maxTrials: maxTrials, maxParallelTrials: 1, algorithm: .random,
        params: [ParameterSpec(name: "x", domain: .double(min: 0, max: 1, scale: .linear))],
        enableTrialEarlyStopping: earlyStopping)
    spec.earlyStopping = earlyStopping ? EarlyStoppingSpec(minTrials: 2, startStep: 2) : nil
    spec.maxTrialRetries = retries
    return spec
}

/// What a replay must give back of each trial (times are journaled to the millisecond).
private func essence(_ job: JobRecord) -> [String] {
    job.trials.map { "\($0.id) \($0.state) \($0.parameters) \($0.finalMetric?.value ?? -1) \($0.attempt) \($0.stoppedEarly) \($0.readings.count)" }
        + ["\(job.state)"]
}

/// The tuning loop driven in process by a scripted launcher: a real journal on disk, real pipes,
/// no subprocess.
@Suite("The tuning loop with a scripted launcher", .limitedParallelism)
struct TuningRunTests {
    /// Runs a fresh job of `spec` whose trials `launcher` plays; the job as its journal tells it.
    static func run(_ spec: TuningSpec, _ launcher: ScriptedLauncher, in folder: TemporaryFolder) throws -> (JobOutcome, JobRecord, JobRecord) {
        let store = JobStore(root: folder.path(".tune"))
        let header = JobHeader(
            id: "loop", createTime: Date(), spec: spec, command: ["train"], workingDirectory: folder.path,
            configPath: "tuning.yml", configText: "", seed: 7, strategy: "random search")
        let (writer, lock) = try store.createJob(header)
        defer { withExtendedLifetime(lock) {} }
        let run = TuningRun(
            job: JobRecord(header: header), store: store, writer: writer, executable: "/bin/true",
            strategy: spec.makeStrategy(seed: 7).strategy, launcher: launcher, baseEnvironment: [:],
            options: RunOptions(gracePeriod: 1, pollInterval: 0.01), reporter: ProgressReporter(quiet: true))
        let outcome = try run.run()
        return (outcome, run.job, try store.load("loop"))
    }

    @Test func everyTrialRunsWithItsFlagsAndIsJournaledAsItEnded() throws {
        let folder = try TemporaryFolder()
        let launcher = ScriptedLauncher { request, _ in
            .init(output: "epoch=1 acc=\(ScriptedLauncher.flag("x", in: request) ?? "nan")\n")
        }
        let (outcome, job, replayed) = try Self.run(spec(), launcher, in: folder)
        #expect(outcome == .succeeded)
        #expect(essence(job) == essence(replayed), "the job in memory is what a replay of its journal gives")
        #expect(job.trials.count == 5 && job.count(.succeeded) == 5)
        for (trial, request) in zip(job.trials, launcher.requests) {
            #expect(request.arguments == ["train", "--x=\(trial.parameters["x"]!)"])
            #expect(request.environment["TUNE_TRIAL_ID"] == String(trial.id))
            #expect(request.commandDirectory == folder.path, "trials run where the job was started, without a chdir")
            #expect(trial.finalMetric?.value == Double(trial.parameters["x"]!))
            #expect(folder.read(".tune/loop/trials/\(trial.id)/stdout.log")?.hasPrefix("epoch=1 acc=") == true)
        }
        let best = try #require(job.bestTrial)
        #expect(best.finalMetric?.value == job.trials.compactMap { $0.finalMetric?.value }.max())
    }

    @Test func aTrialKilledFromOutsideRunsAgainUnderMaxTrialRetries() throws {
        let folder = try TemporaryFolder()
        let launcher = ScriptedLauncher { request, earlier in
            request.trial == 2 && earlier == 0 ? .init(output: "", exit: .signaled(SIGKILL)) : .init(output: "acc=0.5\n")
        }
        let (outcome, job, replayed) = try Self.run(spec(maxTrials: 3, retries: 1), launcher, in: folder)
        #expect(outcome == .succeeded && essence(job) == essence(replayed))
        let second = try #require(job.trial(2))
        #expect(second.state == .succeeded && second.attempt == 2)
        #expect(second.previousAttempts.first?.rerunCause == .retry)
        #expect(launcher.requests.map(\.trial) == [1, 2, 2, 3])
        #expect(FileManager.default.fileExists(atPath: folder.path(".tune/loop/trials/2.attempt-1")))
    }

    @Test func theSchedulerStopsATrialBehindAndItIsRecordedWithTheValueItReached() throws {
        let folder = try TemporaryFolder()
        let launcher = ScriptedLauncher { request, _ in
            if request.trial <= 3 {
                return .init(output: (1...4).map { "step=\($0) acc=\(0.5 + 0.1 * Double(request.trial) + 0.01 * Double($0))" }.joined(separator: "\n") + "\n")
            }
            return .init(output: "step=1 acc=0.01\nstep=2 acc=0.02\n", hangs: true)
        }
        let (outcome, job, replayed) = try Self.run(spec(maxTrials: 4, earlyStopping: true), launcher, in: folder)
        #expect(outcome == .succeeded && essence(job) == essence(replayed))
        let stopped = try #require(job.trial(4))
        #expect(stopped.state == .succeeded && stopped.stoppedEarly)
        #expect(stopped.finalMetric?.value == 0.02)
        #expect(stopped.signal == SIGTERM, "SIGTERM first; the scripted trial ended on it")
        #expect(stopped.failureReason?.contains("median stopping rule") == true, "\(stopped.failureReason ?? "")")
    }
}
