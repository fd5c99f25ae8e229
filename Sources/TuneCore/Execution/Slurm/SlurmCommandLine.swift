/// The `srun` command line of one trial: tune's options from the config, then `extraArgs`, then a
/// small `sh` wrapper that checks, on the compute node, that the trial folder is there before it
/// runs the trial command.
public enum SlurmCommandLine {
    /// `tune-<job>-<trial>-<folder>`: what `squeue` shows, and what tune watches and cancels by.
    /// `<folder>` is 8 hex digits of the job folder's absolute path (FNV-1a), so that jobs of one
    /// name in two stores, or a job and its copy, never watch or cancel each other's Slurm jobs.
    public static func jobName(job: String, trial: Int, jobDirectory: String) -> String {
        "tune-\(job)-\(trial)-\(folderTag(jobDirectory))"
    }

    /// The name releases before journal format 3 gave a trial (`tune-<job>-<trial>`): an
    /// interrupted trial of such a job may still run under it.
    public static func legacyJobName(job: String, trial: Int) -> String { "tune-\(job)-\(trial)" }

    static func folderTag(_ path: String) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in path.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// srun's options for a trial. Inside an allocation a trial is a job step: partition, account,
    /// QOS and constraint belong to the allocation, and `--exact` keeps each step to its own CPUs
    /// so that maxParallelTrials steps run side by side.
    public static func options(
        settings: SlurmSettings, gpusPerTrial: Int?, jobName: String, workingDirectory: String,
        inAllocation: Bool
    ) -> [String] {
        var options = ["--job-name=\(jobName)", "--chdir=\(workingDirectory)", "--ntasks=1", "--nodes=1"]
        if inAllocation {
            options.append("--exact")
        } else {
            if let partition = settings.partition { options.append("--partition=\(partition)") }
            if let account = settings.account { options.append("--account=\(account)") }
            if let qos = settings.qos { options.append("--qos=\(qos)") }
            if let constraint = settings.constraint { options.append("--constraint=\(constraint)") }
        }
        if let minutes = settings.timeLimitMinutes { options.append("--time=\(minutes)") }
        if let cpus = settings.cpusPerTask { options.append("--cpus-per-task=\(cpus)") }
        if let memory = settings.memory { options.append("--mem=\(memory)") }
        if let gres = settings.gres { options.append("--gres=\(gres)") }
        if let gpus = settings.gpus { options.append("--gpus=\(gpus)") }
        if settings.gres == nil, settings.gpus == nil, let count = gpusPerTrial { options.append("--gres=gpu:\(count)") }
        return options + settings.extraArgs
    }

    /// The whole `srun` argv for a launch request (argv[0] is `srun`).
    /// `workingDirectory` is where the command was typed (its paths are relative to it); the trial
    /// runs in the request's own working directory when it has one.
    static func arguments(for request: LaunchRequest, options: [String], workingDirectory: String) -> [String] {
        ["srun"] + options
            + SlurmWrapper.command(
                trialDirectory: request.trialDirectory ?? workingDirectory,
                workingDirectory: request.workingDirectory ?? workingDirectory,
                program: program(of: request, workingDirectory: workingDirectory),
                arguments: Array(request.arguments.dropFirst()))
    }

    /// What the node executes: a command found on this machine's PATH is named as typed, so the
    /// node's own PATH (which srun passes on) finds it; a script given as a path, or found in the
    /// working directory, by its path.
    static func program(of request: LaunchRequest, workingDirectory: String) -> String {
        guard let typed = request.arguments.first else { return request.executable }
        if typed.contains("/") || request.executable == workingDirectory + "/" + typed { return request.executable }
        return typed
    }
}

/// The `sh` wrapper around each Slurm trial. Before the trial command runs on the compute node it
/// checks that the trial folder and the job's journal are there (the store must be on a file
/// system the nodes share) and that the working directory can be entered (srun's `--chdir` to a
/// missing folder silently runs in /tmp). A failed check prints a `tune-slurm:` line and exits 97;
/// otherwise the wrapper says where the trial runs (`tune-slurm: started: job 123 step 0 node n7`:
/// tune knows the trial runs, and its job id, without waiting for `squeue`) and becomes the trial.
public enum SlurmWrapper {
    public static let messagePrefix = "tune-slurm: "
    public static let failureExitCode: Int32 = 97

    static let script = """
        t="$1"; d="$2"; shift 2
        n="${SLURMD_NODENAME:-$(hostname)}"
        if [ ! -d "$t" ] || [ ! -f "$t/../../journal.jsonl" ]; then
          echo "tune-slurm: the trial folder $t is not on node $n" >&2; exit 97
        fi
        cd "$d" 2>/dev/null || { echo "tune-slurm: cannot enter the working directory $d on node $n" >&2; exit 97; }
        echo "tune-slurm: started: job ${SLURM_JOB_ID:-?} step ${SLURM_STEP_ID:-?} node $n" >&2
        exec "$@"
        """

    static let startedPrefix = messagePrefix + "started: "

    /// The job (or `job.step`), and node, from the wrapper's `started` line.
    static func started(_ line: String, inAllocation: Bool) -> (jobId: String, node: String)? {
        guard line.hasPrefix(startedPrefix) else { return nil }
        let words = line.dropFirst(startedPrefix.count).split(separator: " ").map(String.init)
        guard words.count == 6, words[0] == "job", words[2] == "step", words[4] == "node", words[1] != "?" else { return nil }
        return (inAllocation && words[3] != "?" ? "\(words[1]).\(words[3])" : words[1], words[5])
    }

    static func command(trialDirectory: String, workingDirectory: String, program: String, arguments: [String]) -> [String] {
        ["/bin/sh", "-c", script, "tune-trial", trialDirectory, workingDirectory, program] + arguments
    }
}
