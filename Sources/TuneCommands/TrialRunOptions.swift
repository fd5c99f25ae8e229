import ArgumentParser
import TuneCore

/// The options of every command that runs trials (`run`, `resume`, `retry`).
struct TrialRunOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Copy every trial's output to the terminal, each line prefixed by its trial.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "No progress lines; only the result.")
    var quiet = false

    @Option(name: .customLong("grace-period"), help: ArgumentHelp("Seconds between SIGTERM and SIGKILL when trials are stopped.", valueName: "seconds"))
    var gracePeriod: Double = 10

    @Option(help: ArgumentHelp("With gpusPerTrial: the GPUs to share out (default: $CUDA_VISIBLE_DEVICES, else nvidia-smi -L).", valueName: "ids"))
    var gpus: String?

    @Option(
        help: ArgumentHelp(
            "Where trials run: local (this machine) or slurm (a Slurm job per trial, through srun). Default: the config's launcher.type, else local.", valueName: "local|slurm"))
    var launcher: String?

    @Option(help: ArgumentHelp("Log each trial to this MLflow tracking server (default: $MLFLOW_TRACKING_URI).", valueName: "uri"))
    var mlflow: String?

    func validate() throws {
        try NumericOption.seconds(gracePeriod, "--grace-period", in: RunOptions.gracePeriodRange)
        if let mlflow { try MLflowOption.check(mlflow) }
    }

    var runOptions: RunOptions {
        var options = RunOptions(verbose: verbose, gracePeriod: gracePeriod)
        options.mlflowTrackingURI = MLflowOption.uri(mlflow)
        return options
    }

    /// The spec with `--launcher` applied (the config's Slurm settings are kept either way).
    func applyingLauncher(to spec: TuningSpec) throws -> TuningSpec {
        guard let kind = try launcherKind() else { return spec }
        var spec = spec
        spec.launcher = LauncherSpec(kind: kind, slurm: spec.launcher?.slurm ?? SlurmSettings())
        return spec
    }

    /// `--launcher`, checked (on `resume`/`retry` this run's trials go there; the journal keeps the job's own).
    func launcherKind() throws -> LauncherSpec.Kind? {
        guard let launcher else { return nil }
        guard let kind = LauncherSpec.Kind(rawValue: launcher.lowercased()) else {
            throw CommandFailure.usage("--launcher \(launcher): expected local or slurm")
        }
        return kind
    }

    /// The run options for a job with this spec: with gpusPerTrial, the GPUs found (a usage error
    /// when there are too few for one trial), and a note when they allow fewer trials at once than
    /// maxParallelTrials.
    func runOptions(for spec: TuningSpec) throws -> RunOptions {
        var options = runOptions
        // On Slurm, GPUs are Slurm's to share out (gpusPerTrial asks each job for them).
        guard let perTrial = spec.gpusPerTrial, spec.launcherKind == .local else {
            if let packed = spec.trialsPerGPU, spec.launcherKind == .slurm {
                Console.note(
                    "trialsPerGPU \(packed): packing trials on GPUs is for local runs; on Slurm each trial's job asks for a GPU of its own (--gres=gpu:1) and Slurm places it")
            }
            if gpus != nil { Console.note("--gpus is ignored: the config has no gpusPerTrial") }
            return options
        }
        let found: (ids: [String], source: String)
        do {
            found = try GPUInventory.devices(option: gpus)
        } catch {
            throw CommandFailure.usage(error.description)
        }
        guard found.ids.count >= perTrial else {
            let have =
                found.ids.isEmpty
                ? "no GPU was found (\(found.source))" : "only \(found.ids.count) GPU\(found.ids.count == 1 ? "" : "s") (\(found.ids.joined(separator: ","))) from \(found.source)"
            // With packing the config may say trialsPerGPU or gpusPerTrial 1/k: name what it asks for.
            let asked = spec.trialsPerGPU.map { "trialsPerGPU is \($0)" } ?? "gpusPerTrial is \(perTrial)"
            let key = spec.trialsPerGPU == nil ? "gpusPerTrial" : "trialsPerGPU (or gpusPerTrial)"
            throw CommandFailure.usage("\(asked) but \(have): run on a machine with GPUs, name them with --gpus 0,1, or remove \(key)")
        }
        options.gpus = found.ids
        let packed = spec.trialsPerGPU ?? 1
        let slots = packed > 1 ? found.ids.count * packed : found.ids.count / perTrial
        if slots < spec.maxParallelTrials {
            let share = packed > 1 ? "\(packed) trials per GPU" : "\(perTrial) per trial"
            Console.note(
                "\(found.ids.count) GPU\(found.ids.count == 1 ? "" : "s") (\(found.ids.joined(separator: ","))) at \(share): \(slots) trial\(slots == 1 ? "" : "s") at a time, not maxParallelTrials \(spec.maxParallelTrials)"
            )
        }
        return options
    }
}
