import ArgumentParser

/// `tune-bench curve-trial`: the curves benchmark's trial (CurveTrial.swift), run by tune with the
/// hyperparameters as `--lr=… --width=… --optimizer=…` and Hyperband's `--epochs=<budget>` after them.
struct CurveTrialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curve-trial",
        abstract: "The learning-curve benchmark's trial: prints `epoch=<e> val_acc=<value>` for e = 1…N, sleeping --epoch-seconds before each.",
        discussion: """
            Options may be given as --name value or --name=value; a later one wins, so Hyperband's --epochs=<budget> \
            after the hyperparameters overrides an --epochs given earlier.
            """
    )

    @Option(help: "The curve family (LearningCurves.swift).")
    var problem = CurveProblem.all[0]

    @Option(help: ArgumentHelp("Epochs to train (Hyperband's resource).", valueName: "N"))
    var epochs: Int

    @Option(help: ArgumentHelp("Seconds to sleep before each epoch.", valueName: "S"))
    var epochSeconds = 0.02

    @Flag(help: "Continue the configuration's checkpoint in $TUNE_CHECKPOINT_DIR, training only the new epochs.")
    var checkpoint = false

    @Flag(help: "PBT: continue the accuracy reached in $TUNE_CHECKPOINT_DIR (whatever trained it) with this configuration.")
    var state = false

    @Option(help: ArgumentHelp("Hyperparameter: the learning rate (positive).", valueName: "value"))
    var lr: String?

    @Option(help: ArgumentHelp("Hyperparameter: the network's width (an integer).", valueName: "value"))
    var width: String?

    @Option(help: ArgumentHelp("Hyperparameter: \(CurveProblem.optimizers.map(\.name).joined(separator: "|")).", valueName: "value"))
    var optimizer: String?

    /// tune passes `--job-dir=<trial folder>/job-dir` to every trial of a job with a jobDir: accepted, unused.
    @Option(help: .hidden)
    var jobDir: String?

    /// The configuration the hyperparameters give; nil when one is missing or invalid.
    var trialConfiguration: CurveProblem.Configuration? { CurveProblem.Configuration(lr: lr, width: width, optimizer: optimizer) }

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs \(epochs): expected a positive integer") }
        guard trialConfiguration != nil else {
            throw ValidationError(
                "needs --lr=<positive> --width=<integer> --optimizer=<\(CurveProblem.optimizers.map(\.name).joined(separator: "|"))>; "
                    + "got lr=\(lr ?? "none") width=\(width ?? "none") optimizer=\(optimizer ?? "none")")
        }
    }

    func run() throws {
        let status =
            state
            ? CurveTrial.runState(problem, trialConfiguration!, epochs: epochs, epochSeconds: epochSeconds)
            : CurveTrial.run(problem, trialConfiguration!, epochs: epochs, epochSeconds: epochSeconds, checkpoint: checkpoint)
        if status != 0 { throw ExitCode(status) }
    }
}
