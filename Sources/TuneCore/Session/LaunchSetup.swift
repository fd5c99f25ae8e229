import Foundation

/// Where a job's trials run, checked before anything runs: for Slurm, its commands are found and
/// `srun --test-only` says the trials' request fits the cluster (a usage error when it does not).
/// The one place that knows the concrete launchers; the loop sees only `Launcher`.
public struct LaunchSetup: Sendable {
    public var kind: LauncherSpec.Kind
    var tools: SlurmTools?

    public static func prepare(
        spec: TuningSpec, store: JobStore,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SessionError) -> LaunchSetup {
        guard spec.launcherKind == .slurm else { return LaunchSetup(kind: .local) }
        let tools: SlurmTools
        do {
            tools = try SlurmTools.find(environment: environment)
        } catch {
            throw .failed(error.message)
        }
        let settings = spec.launcher?.slurm ?? SlurmSettings()
        do {
            let notes = try SlurmPreflight.check(
                settings: settings, gpusPerTrial: spec.gpusPerTrial, tools: tools,
                environment: environment, storeRoot: store.root)
            notes.forEach(Console.note)
        } catch {
            throw .usage(error.message)
        }
        return LaunchSetup(kind: .slurm, tools: tools)
    }

    /// Words for the job's first line: ` on Slurm`, or nothing on this machine.
    public var whereTrialsRun: String { kind == .slurm ? " on Slurm" : "" }

    func launcher(for job: JobRecord, in store: JobStore, watchdog: Watchdog?, options: RunOptions) -> any Launcher {
        guard kind == .slurm, let tools else { return LocalLauncher(watchdog: watchdog) }
        return SlurmLauncher(
            settings: job.spec.launcher?.slurm ?? SlurmSettings(), gpusPerTrial: job.spec.gpusPerTrial,
            job: job.id, jobDirectory: store.jobDirectory(job.id), legacyNames: job.header.format < 3, tools: tools,
            environment: ProcessInfo.processInfo.environment,
            watchdog: watchdog, pollInterval: options.schedulerPollInterval)
    }
}
