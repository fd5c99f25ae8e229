import Foundation

/// `tune-bench curve-trial`: the trial program of the learning-curve benchmark, needing nothing
/// installed (options: CurveTrialCommand.swift).
///
///     tune-bench curve-trial --problem crossing --epochs N [--epoch-seconds S] [--checkpoint] --lr=… --width=… --optimizer=…
///
/// Prints `epoch=<e> val_acc=<value>` for e = 1…N, one flushed line per epoch, sleeping S
/// seconds (default 0.02) before each: the "training". Options may be given as `--name value` or
/// `--name=value`; a later one wins, so Hyperband's `--epochs=<budget>` after the hyperparameters
/// overrides an `--epochs` given earlier. `--job-dir`, which tune adds when a job passes one, is
/// accepted and unused.
///
/// `--checkpoint` follows the checkpoint protocol: `$TUNE_CHECKPOINT_DIR` is one folder shared by
/// every run of a configuration; the trial writes `curve-trial.ckpt` there after each epoch (the
/// epochs done and the configuration), and a run that finds one with e < N epochs of the same
/// configuration continues at e + 1, sleeping only for the new epochs (and printing only them, as
/// a resumed training run does). With e == N it reports epoch N again without training. Without
/// `--checkpoint`, or with a checkpoint of another configuration or of more epochs, it starts
/// from scratch. The readings are the same either way (CurveProblem's noise depends only on
/// the configuration and the epoch). A line on stderr says where it started.
///
/// `--state` is PBT's checkpoint: `curve-trial.state` in `$TUNE_CHECKPOINT_DIR` holds the epochs
/// done and the accuracy reached, whatever configuration trained it (tune fills the folder with a
/// copy of the checkpoint a member continues, its own or a better member's). The trial continues
/// that state with its own configuration (`CurveProblem.step`) up to `--epochs`, so a member's
/// curve follows its schedule of hyperparameters; each reading adds the configuration's noise.
enum CurveTrial {
    static let checkpointFile = "curve-trial.ckpt"
    static let stateFile = "curve-trial.state"

    /// PBT's trial: continues the state in `$TUNE_CHECKPOINT_DIR` with `config` up to `epochs`.
    static func runState(_ problem: CurveProblem, _ config: CurveProblem.Configuration, epochs: Int, epochSeconds: Double) -> Int32 {
        guard let dir = ProcessInfo.processInfo.environment["TUNE_CHECKPOINT_DIR"], !dir.isEmpty else {
            fail("--state needs TUNE_CHECKPOINT_DIR in the environment (tune sets it for PBT trials)")
            return 2
        }
        let path = dir + "/" + stateFile
        var done = 0
        var accuracy = CurveProblem.chance
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let fields = Dictionary(
                text.split(separator: "\n").compactMap { line -> (String, String)? in
                    let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                    return parts.count == 2 ? (parts[0], parts[1]) : nil
                }, uniquingKeysWith: { $1 })
            if fields["problem"] == problem.name, let e = fields["epochs"].flatMap(Int.init), let a = fields["accuracy"].flatMap(Double.init), e <= epochs {
                (done, accuracy) = (e, a)
            }
        }
        FileHandle.standardError.write(Data("curve-trial: \(config.text), epochs \(done + 1)…\(epochs) from accuracy \(accuracy)\n".utf8))
        if done == epochs { emitState(problem, config, epoch: done, accuracy: accuracy) }
        for epoch in stride(from: done + 1, through: epochs, by: 1) {
            if epochSeconds > 0 { Thread.sleep(forTimeInterval: epochSeconds) }
            accuracy = problem.step(accuracy, config)
            emitState(problem, config, epoch: epoch, accuracy: accuracy)
            do {
                try Data("problem=\(problem.name)\nepochs=\(epoch)\naccuracy=\(accuracy)\n".utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                fail("cannot write the state \(path): \(error)")
            }
        }
        return 0
    }

    static func emitState(_ problem: CurveProblem, _ config: CurveProblem.Configuration, epoch: Int, accuracy: Double) {
        var g = NoiseGenerator(seed: NoiseGenerator.key(config, epoch: epoch, salt: problem.name))
        let reading = min(1, max(0, accuracy + problem.noise * g.gaussian()))
        FileHandle.standardOutput.write(Data("epoch=\(epoch) \(CurveProblem.metricTag)=\(reading)\n".utf8))
    }

    /// Trains `config` for `epochs` epochs (from its checkpoint with `checkpoint`); the exit status.
    static func run(_ problem: CurveProblem, _ config: CurveProblem.Configuration, epochs: Int, epochSeconds: Double, checkpoint: Bool) -> Int32 {
        var first = 1
        var checkpointPath: String?
        if checkpoint {
            guard let dir = ProcessInfo.processInfo.environment["TUNE_CHECKPOINT_DIR"], !dir.isEmpty else {
                fail("--checkpoint needs TUNE_CHECKPOINT_DIR in the environment (tune sets it for Hyperband trials)")
                return 2
            }
            let path = dir + "/" + checkpointFile
            checkpointPath = path
            if let done = readCheckpoint(path, config: config, problem: problem), done <= epochs {
                guard done < epochs else {
                    FileHandle.standardError.write(Data("curve-trial: \(config.text): the checkpoint has all \(epochs) epochs; nothing to train\n".utf8))
                    emit(problem, config, epoch: epochs)
                    return 0
                }
                first = done + 1
            }
        }
        FileHandle.standardError.write(Data("curve-trial: \(config.text), epochs \(first)…\(epochs)\(first > 1 ? " (continued from a checkpoint)" : "")\n".utf8))
        for epoch in first...epochs {
            if epochSeconds > 0 { Thread.sleep(forTimeInterval: epochSeconds) }
            emit(problem, config, epoch: epoch)
            if let checkpointPath { writeCheckpoint(checkpointPath, epochs: epoch, config: config, problem: problem) }
        }
        return 0
    }

    static func emit(_ problem: CurveProblem, _ config: CurveProblem.Configuration, epoch: Int) {
        // One write per line, unbuffered: tune sees each epoch as it ends.
        FileHandle.standardOutput.write(Data("epoch=\(epoch) \(CurveProblem.metricTag)=\(problem.reading(config, epoch: epoch))\n".utf8))
    }

    /// The checkpoint's text: what it holds is checked before it is trusted.
    static func checkpointText(epochs: Int, config: CurveProblem.Configuration, problem: CurveProblem) -> String {
        "problem=\(problem.name)\nconfiguration=\(config.text)\nepochs=\(epochs)\n"
    }

    /// Epochs done by a checkpoint of this configuration; nil when there is none or it is another's.
    static func readCheckpoint(_ path: String, config: CurveProblem.Configuration, problem: CurveProblem) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.count == 3, lines[0] == "problem=\(problem.name)", lines[1] == "configuration=\(config.text)",
            lines[2].hasPrefix("epochs="), let done = Int(lines[2].dropFirst("epochs=".count)), done >= 1
        else { return nil }
        return done
    }

    /// Written whole to a temporary file and renamed, so a run killed mid-write leaves the previous checkpoint.
    static func writeCheckpoint(_ path: String, epochs: Int, config: CurveProblem.Configuration, problem: CurveProblem) {
        do {
            try Data(checkpointText(epochs: epochs, config: config, problem: problem).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            fail("cannot write the checkpoint \(path): \(error)")
        }
    }

    static func fail(_ message: String) {
        FileHandle.standardError.write(Data("curve-trial: error: \(message)\n".utf8))
    }
}
