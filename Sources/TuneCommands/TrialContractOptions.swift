import ArgumentParser
import TuneCore

/// What Cloud ML and Vertex trainers expect from their service, asked for on the command line
/// (`run` and `probe`); the config's `jobDir` and `perTrialWorkingDirectory` say the same.
struct TrialContractOptions: ParsableArguments {
    @Option(
        name: .customLong("job-dir"),
        help: ArgumentHelp(
            "Give every trial --job-dir=<its folder>/job-dir, as gcloud gives the trainer its job dir (the config's jobDir does the same). The path given is only recorded: each trial's outputs stay in its own folder.",
            valueName: "path"))
    var jobDir: String?

    @Flag(
        name: .customLong("per-trial-cwd"),
        help: "Run each trial in its own working directory, <trial folder>/cwd, which links to every entry of the current one (config: perTrialWorkingDirectory: true).")
    var perTrialCwd = false

    /// The spec with these options applied, and a note saying where the job dir goes.
    func apply(to spec: TuningSpec, quiet: Bool) -> TuningSpec {
        var spec = spec
        if let jobDir {
            if let configured = spec.jobDir, configured != jobDir {
                Console.note("--job-dir \(jobDir) replaces the config's jobDir \(configured)")
            }
            spec.jobDir = jobDir
        }
        if perTrialCwd { spec.perTrialWorkingDirectory = true }
        if let jobDir = spec.jobDir, !quiet {
            Console.note(
                "each trial gets --job-dir=<its folder>/\(TrialFolders.jobDirName) (the job dir \(jobDir) is not written to: a trial's outputs stay in its folder, where tune reads them and tune collect copies them)"
            )
        }
        return spec
    }
}

/// gcloud's trial counts for a Vertex AI tuning job (`gcloud ai hp-tuning-jobs create` spells
/// them so); they win over the config's counts, as with gcloud.
struct TrialCountOptions: ParsableArguments {
    @Option(name: .customLong("max-trial-count"), help: ArgumentHelp("Trials in all (the config's maxTrialCount or maxTrials).", valueName: "n"))
    var maxTrialCount: Int?

    @Option(name: .customLong("parallel-trial-count"), help: ArgumentHelp("Trials at once (parallelTrialCount or maxParallelTrials).", valueName: "n"))
    var parallelTrialCount: Int?

    @Option(
        name: .customLong("max-failed-trial-count"),
        help: ArgumentHelp("Failed trials before the job fails (maxFailedTrialCount or maxFailedTrials; 0: only when every trial failed).", valueName: "n"))
    var maxFailedTrialCount: Int?

    func apply(to spec: TuningSpec) throws -> TuningSpec {
        do {
            return try TrialCountOverrides(maxTrialCount: maxTrialCount, parallelTrialCount: parallelTrialCount, maxFailedTrialCount: maxFailedTrialCount)
                .applied(to: spec)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
