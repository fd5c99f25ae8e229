/// tune extension, `launcher:` beside `hyperparameters` (or beside the spec's keys, or beside
/// `trainingInput`): where trials run. `--launcher local|slurm` on the command line overrides `type`.
///
/// ```yaml
/// launcher:
///   type: slurm            # local (default) or slurm
///   partition: gpu
///   time: 2h               # Slurm's time limit per trial (whole minutes; 90s becomes 2 minutes)
///   cpusPerTask: 4
///   mem: 16G
///   gres: gpu:1            # or gpus: 1 (gpusPerTrial N gives --gres=gpu:N when neither is set)
///   account: lab
///   qos: normal
///   constraint: a100
///   extraArgs: [--exclude=node07]
/// ```
public struct LauncherSpec: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Subprocesses of tune on this machine.
        case local
        /// One Slurm job per trial through `srun` (a job step when tune runs inside an allocation).
        case slurm
    }

    public var kind: Kind
    /// Slurm's resources for each trial; kept (and journaled) whatever `kind` is, so
    /// `--launcher slurm` can use them.
    public var slurm: SlurmSettings

    public init(kind: Kind = .local, slurm: SlurmSettings = SlurmSettings()) {
        self.kind = kind
        self.slurm = slurm
    }
}

/// What each trial asks Slurm for (`srun` options). nil: Slurm's default.
public struct SlurmSettings: Sendable, Codable, Equatable {
    /// `--partition`
    public var partition: String?
    /// `--time`, in whole minutes (Slurm's unit).
    public var timeLimitMinutes: Int?
    /// `--cpus-per-task`
    public var cpusPerTask: Int?
    /// `--mem`, as Slurm writes it (`16G`, `4000M`, `500`).
    public var memory: String?
    /// `--gres` (`gpu:1`, `gpu:a100:2`).
    public var gres: String?
    /// `--gpus` (`1`, `a100:2`).
    public var gpus: String?
    /// `--account`
    public var account: String?
    /// `--qos`
    public var qos: String?
    /// `--constraint`
    public var constraint: String?
    /// Passed to `srun` as they are, after tune's own options.
    public var extraArgs: [String]

    public init(
        partition: String? = nil, timeLimitMinutes: Int? = nil, cpusPerTask: Int? = nil, memory: String? = nil,
        gres: String? = nil, gpus: String? = nil, account: String? = nil, qos: String? = nil,
        constraint: String? = nil, extraArgs: [String] = []
    ) {
        self.partition = partition
        self.timeLimitMinutes = timeLimitMinutes
        self.cpusPerTask = cpusPerTask
        self.memory = memory
        self.gres = gres
        self.gpus = gpus
        self.account = account
        self.qos = qos
        self.constraint = constraint
        self.extraArgs = extraArgs
    }
}
