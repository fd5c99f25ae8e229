import Foundation
import Testing
import TuneTestSupport

/// Metrics from TensorFlow event files, end to end: trials copy event files that the real writers
/// made (Tests/TuneCoreTests/Fixtures/events) into their folder, as a training script would write them.
@Suite("End to end: event files", .limitedParallelism)
struct EventMetricTests {
    static let fixtures = TuneBinary.repository.appendingPathComponent("Tests/TuneCoreTests/Fixtures/events").path

    /// A trial that writes Keras' TensorBoard logs (train/ and validation/) under logs/.
    static let kerasTrial = """
        mkdir -p "$TUNE_TRIAL_DIR/logs"
        cp -R '\(fixtures)/keras/train' '\(fixtures)/keras/validation' "$TUNE_TRIAL_DIR/logs/"
        """

    @Test func kerasValidationAccuracyIsTheObjective() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", Self.kerasTrial)
        try sandbox.write("c.yml", config(maxTrials: 1, tag: "validation/epoch_accuracy"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "k"])
        try #require(run.status == 0, "\(run)")
        let trial = try #require(try await trialsJSON(sandbox, "k").first)
        #expect(objective(trial) == 0.421875)
        #expect(trainingStep(trial) == "2")
        #expect((trial["allMetrics"] as? [Any])?.count == 3, "\(trial)")
    }

    /// `epoch_accuracy` is in train/ and validation/: the evaluation run is the objective, and tune
    /// says which tag it read. Two runs neither of which evaluates stay ambiguous.
    @Test func tagInTrainAndValidationRunsReadsTheValidationOne() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", Self.kerasTrial)
        try sandbox.write("c.yml", config(maxTrials: 1, tag: "epoch_accuracy"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "amb"])
        try #require(run.status == 0, "\(run)")
        let trial = try #require(try await trialsJSON(sandbox, "amb").first)
        #expect(objective(trial) == 0.421875, "validation/epoch_accuracy's last value: \(trial)")
        #expect(run.stderr.contains("read from the event-file tag 'logs/validation/epoch_accuracy'") && run.stderr.contains("the evaluation run is used"), "\(run)")

        try sandbox.script(
            "two.sh",
            """
            mkdir -p "$TUNE_TRIAL_DIR/a" "$TUNE_TRIAL_DIR/b"
            cp -R '\(Self.fixtures)/keras/train/.' "$TUNE_TRIAL_DIR/a/"
            cp -R '\(Self.fixtures)/keras/train/.' "$TUNE_TRIAL_DIR/b/"
            """)
        let two = try await sandbox.tune(["./two.sh", "--config", "c.yml", "--job", "two"])
        #expect(two.status == 1, "\(two)")
        let reason = try #require(try await trialsJSON(sandbox, "two").first?["failureReason"] as? String)
        #expect(reason.contains("a/epoch_accuracy") && reason.contains("b/epoch_accuracy"), "\(reason)")
    }

    /// A TensorFlow 1 config (`epoch_acc`) on a TensorFlow 2 trainer (`epoch_accuracy`): the same
    /// metric, read with a note naming the versions; a tag with no such counterpart still fails, listing what was reported.
    @Test func tensorFlow1SpellingReadsTensorFlow2sMetricAndAMissingTagListsTheTags() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", Self.kerasTrial)
        try sandbox.write("c.yml", config(maxTrials: 1, tag: "epoch_acc"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "tf1"])
        try #require(run.status == 0, "\(run)")
        #expect(objective(try #require(try await trialsJSON(sandbox, "tf1").first)) == 0.421875)
        // The versions named right: TF 2's Keras (tf.keras ≥ 2.0, Keras 3) writes epoch_accuracy, TF 1's wrote epoch_acc.
        #expect(run.stderr.contains("TensorFlow 2's Keras (tf.keras, Keras 3) logs 'epoch_accuracy' where TensorFlow 1's Keras logged 'epoch_acc': the same metric)"), "\(run)")
        #expect(!run.stderr.contains("Keras 2"), "Keras 2.3+ already logs accuracy: \(run)")

        try sandbox.write("m.yml", config(maxTrials: 1, tag: "epoch_auc"))
        let missing = try await sandbox.tune(["./train.sh", "--config", "m.yml", "--job", "miss"])
        #expect(missing.status == 1, "\(missing)")
        let reason = try #require(try await trialsJSON(sandbox, "miss").first?["failureReason"] as? String)
        #expect(reason.contains("logs/validation/epoch_loss"), "the event-file tags are listed: \(reason)")
    }

    @Test func eventFilesWinOverPrintedLinesAndTuneSaysSo() async throws {
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            echo acc=0.99
            cp '\(Self.fixtures)'/tf1/events.out.tfevents.* "$TUNE_TRIAL_DIR/"
            """)
        try sandbox.write("c.yml", config(maxTrials: 1, tag: "acc"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "both"])
        try #require(run.status == 0, "\(run)")
        let trial = try #require(try await trialsJSON(sandbox, "both").first)
        #expect(abs((objective(trial) ?? 0) - Double(Float(0.45))) < 1e-12, "the event files' value at step 200: \(trial)")
        #expect(trainingStep(trial) == "200")
        #expect(run.stderr.contains("the objective comes from TensorFlow event files"), "\(run)")
    }

    /// The trial writes half of a real event file, then waits: the readings so far must already be in
    /// the job while it runs, not only when the trial ends.
    @Test func intermediateValuesArriveWhileTheTrialRuns() async throws {
        let sandbox = try Sandbox()
        let file = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures + "/pytorch")
            .first { $0.hasPrefix("events.out.tfevents.") }!
        let path = Self.fixtures + "/pytorch/" + file
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        let gate = sandbox.path("gate")
        try sandbox.script(
            "train.sh",
            """
            out="$TUNE_TRIAL_DIR/events.out.tfevents.1.host"
            head -c \(size / 2) '\(path)' > "$out"
            while [ ! -f '\(gate)' ]; do sleep 0.05; done
            tail -c +\(size / 2 + 1) '\(path)' >> "$out"
            """)
        try sandbox.write("c.yml", config(maxTrials: 1, tag: "Accuracy/val", extra: "maxFailedTrials: 1"))
        let tune = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", "grow"])
        var during: [[String: Any]] = []
        let arrived = await sandbox.waitUntil(timeout: 20) {
            guard let out = try? Data(contentsOf: URL(fileURLWithPath: sandbox.path(".tune/grow/journal.jsonl"))) else { return false }
            return String(decoding: out, as: UTF8.self).contains("Accuracy/val")
        }
        if arrived { during = (try? await trialsJSON(sandbox, "grow")) ?? [] }
        #expect(arrived, "readings were journaled during the trial: \(tune.stderrSoFar)")
        #expect(tune.isRunning, "the trial was still waiting at the gate")
        #expect(during.first?["state"] as? String == "RUNNING", "\(during)")
        _ = try sandbox.write("gate", "")
        let end = await tune.finish(timeout: 60)
        #expect(end.status == 0, "\(end)")
        let trial = try #require(try await trialsJSON(sandbox, "grow").first)
        #expect(abs((objective(trial) ?? 0) - 0.75) < 1e-12, "\(trial)")
        #expect((trial["allMetrics"] as? [Any])?.count == 4, "each reading once: \(trial)")
    }

    @Test func probeListsEverySourceAndSaysWhetherTheTagMatched() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo 'loss=0.5'\n" + Self.kerasTrial)
        try sandbox.write("good.yml", config(maxTrials: 5, tag: "validation/epoch_accuracy"))
        let good = try await sandbox.tune(["probe", "./train.sh", "--config", "good.yml", "--set", "x=0.25"])
        #expect(good.status == 0, "\(good)")
        #expect(good.stderr.contains("--x=0.25"), "\(good)")
        #expect(good.stdout.contains("stdout  loss"), "\(good)")
        #expect(good.stdout.contains("logs/validation/epoch_accuracy"), "\(good)")
        #expect(good.stdout.contains("hyperparameterMetricTag 'validation/epoch_accuracy': matched 'logs/validation/epoch_accuracy' in TensorFlow event files"), "\(good)")
        #expect(!sandbox.exists(".tune"), "probe leaves the job store alone")

        try sandbox.write("bad.yml", config(maxTrials: 5, tag: "val_acc"))
        let bad = try await sandbox.tune(["probe", "./train.sh", "--config", "bad.yml"])
        #expect(bad.status == 1, "\(bad)")
        #expect(bad.stderr.contains("--x=0.5"), "the middle of the range: \(bad)")
        #expect(bad.stdout.contains("'val_acc': NOT reported"), "\(bad)")
        #expect(bad.stdout.contains("closest tags: logs/validation/epoch_accuracy"), "TensorFlow 1 Keras' val_acc is TensorFlow 2's validation/epoch_accuracy: \(bad)")

        let unknown = try await sandbox.tune(["probe", "./train.sh", "--config", "good.yml", "--set", "y=1"])
        #expect(unknown.status == 2, "\(unknown)")
        #expect(unknown.stderr.contains("no parameter 'y'"), "\(unknown)")
    }

    @Test func kerasSpellingMismatchIsWarnedBeforeTheJob() async throws {
        let sandbox = try Sandbox()
        try sandbox.write("train.py", "metrics = ['accuracy']  # as in model.compile(metrics=['accuracy'])\nprint('acc=0.5')\n")
        try sandbox.write("c.yml", config(maxTrials: 1, tag: "acc"))
        let run = try await sandbox.tune(["python3", "train.py", "--config", "c.yml", "--job", "w"])
        #expect(run.status == 0, "\(run)")
        #expect(
            run.stderr.contains(
                "warning: the config's metric tag is 'acc' but train.py names 'accuracy' (TensorFlow 2's Keras (tf.keras, Keras 3) logs 'accuracy' where TensorFlow 1's Keras logged 'acc')"
            ), "\(run)")
        #expect(!run.stderr.contains("Keras 2"), "Keras 2.3+ already logs accuracy: \(run)")
        let validate = try await sandbox.tune(["validate", "c.yml", "python3", "train.py"])
        #expect(validate.status == 0, "\(validate)")
        #expect(validate.stderr.contains("warning: the config's metric tag is 'acc' but train.py names 'accuracy'"), "\(validate)")
        let quiet = try await sandbox.tune(["validate", "c.yml"])
        #expect(!quiet.stderr.contains("warning:"), "no command, nothing to check: \(quiet)")
    }
}
