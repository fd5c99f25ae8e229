import Foundation
import Testing
import TuneTestSupport

/// The Python environment `.ci/run` makes with the real ML packages (`.ci/python-env.sh`):
/// TensorFlow, PyTorch, scikit-learn, cloudml-hypertune.
enum MLPython {
    static let bin = TuneBinary.repository.appendingPathComponent(".build-python/bin").path
    static let python = bin + "/python"

    /// Made by .ci/python-env.sh, which stamps it with the requirements once their imports work
    /// (a file check: importing TensorFlow here would hold up the test run for seconds).
    static let installed: Bool = {
        let root = TuneBinary.repository.path
        guard FileManager.default.isExecutableFile(atPath: python),
            let stamp = FileManager.default.contents(atPath: root + "/.build-python/.requirements"),
            let wanted = FileManager.default.contents(atPath: root + "/.ci/python-requirements.txt")
        else { return false }
        return stamp == wanted
    }()

    /// In CI (.ci/run sets TUNE_CI=1 and makes the environment) these tests must run.
    static let runnable = installed || ProcessInfo.processInfo.environment["TUNE_CI"] == "1"
    static let why = "needs the ML packages in .build-python (bash .ci/python-env.sh makes it)"

    /// tune's environment: the environment's `python` first on PATH, as after `activate`.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return [
            "PATH": bin + ":" + path, "VIRTUAL_ENV": TuneBinary.repository.appendingPathComponent(".build-python").path,
            "TF_CPP_MIN_LOG_LEVEL": "2",
            // One thread per trial: several trials at once, each with a thread per core, thrash
            // the test machine's two cores (the PyTorch trainer took over 10 minutes so).
            "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
        ].merging(extra) { $1 }
    }
}

/// The vendored public Cloud ML trainers (Examples/cloudml-*), unchanged, each tuned with its own
/// config as its users run it: every trial succeeds, the metric comes the way the trainer reports
/// it, and the best trial's model is in `tune collect`'s output.
@Suite("End to end: unchanged public Cloud ML trainers", .limitedParallelism, .enabled(if: MLPython.runnable, Comment(rawValue: MLPython.why)))
struct CloudTrainerExampleTests {
    /// The example's files copied into a fresh sandbox (tune runs there), and its data made by its script.
    static func example(_ name: String) async throws -> Sandbox {
        let sandbox = try Sandbox()
        let source = TuneBinary.repository.appendingPathComponent("Examples/\(name)")
        for entry in try FileManager.default.contentsOfDirectory(atPath: source.path) where entry != "data" && !entry.hasPrefix(".") {
            try FileManager.default.copyItem(at: source.appendingPathComponent(entry), to: sandbox.dir.appendingPathComponent(entry))
        }
        let make = Process()
        make.executableURL = URL(fileURLWithPath: MLPython.python)
        make.arguments = ["make_data.py"]
        make.currentDirectoryURL = sandbox.dir
        try make.run()
        // Waited for without blocking a thread of the test runner (the other tests share them).
        while make.isRunning { try await Task.sleep(nanoseconds: 20_000_000) }
        try #require(make.terminationStatus == 0, "\(name)/make_data.py")
        return sandbox
    }

    /// `tune` at the lowest CPU priority (`nice -n 19`), trials and all: these trainings would
    /// otherwise take both cores from the timing-sensitive tests that run beside them.
    static func tune(_ sandbox: Sandbox, _ arguments: [String], env: [String: String], timeout: TimeInterval) async throws -> TuneOutcome {
        try await sandbox.tune(["-n", "19", TuneBinary.path] + arguments, env: env, timeout: timeout, through: "nice")
    }

    /// Every trial of `job` SUCCEEDED and there are `count` of them; returns them, best first.
    static func succeeded(_ sandbox: Sandbox, _ job: String, count: Int) async throws -> [[String: Any]] {
        let trials = try await trialsJSON(sandbox, job)
        #expect(trials.count == count, "\(trials)")
        for trial in trials { #expect(trial["state"] as? String == "SUCCEEDED", "\(trial)") }
        return trials
    }

    /// Where each trial's objective came from (source and tag), from the journal's trial_finished events.
    static func objectiveSources(_ sandbox: Sandbox, _ job: String) throws -> Set<String> {
        let journal = try #require(sandbox.read(".tune/\(job)/journal.jsonl"))
        var found = Set<String>()
        for line in journal.split(separator: "\n") {
            guard let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                event["event"] as? String == "trial_finished", let metric = event["finalMetric"] as? [String: Any]
            else { continue }
            found.insert("\(metric["source"] as? String ?? "?") \(metric["tag"] as? String ?? "?")")
        }
        return found
    }

    /// Collects the best trial; returns its folder in runs/.
    static func collectBest(_ sandbox: Sandbox, _ job: String, best: [String: Any]) async throws -> String {
        let collect = try await sandbox.tune(["collect", job])
        try #require(collect.status == 0, "\(collect)")
        let id = try #require(best["trialId"] as? String)
        return sandbox.path("runs/\(job)-\(id)")
    }

    /// tune's TF_CONFIG, as TensorFlow itself reads it: `tf.estimator.RunConfig` (which raises for
    /// Cloud ML's `master` with no cluster), Keras under `tf.distribute.MultiWorkerMirroredStrategy`.
    @Test func tfConfigIsOneLocalReplicaForTensorFlow() async throws {
        let sandbox = try Sandbox()
        try sandbox.write(
            "check.py",
            """
            import json, os, sys
            import tensorflow as tf
            config = tf.estimator.RunConfig(model_dir=os.environ["TUNE_TRIAL_DIR"] + "/m")
            assert config.task_type == "worker" and config.task_id == 0 and config.is_chief, (config.task_type, config.is_chief)
            assert config.num_worker_replicas == 1 and config.master == "", (config.num_worker_replicas, config.master)
            strategy = tf.distribute.MultiWorkerMirroredStrategy()
            assert strategy.num_replicas_in_sync == 1
            with strategy.scope():
                model = tf.keras.Sequential([tf.keras.Input((1,)), tf.keras.layers.Dense(1)])
                model.compile("sgd", "mse")
            history = model.fit([[1.0], [2.0]], [[2.0], [4.0]], epochs=2, verbose=0)
            trial = json.loads(os.environ["TF_CONFIG"])["task"]["trial"]
            print("loss=%s trial=%s" % (history.history["loss"][-1], trial))
            """)
        try sandbox.write("c.yml", config(maxTrials: 2, parallel: 2, tag: "loss", goal: "MINIMIZE"))
        let run = try await Self.tune(
            sandbox, ["run", "python", "check.py", "--config", "c.yml", "--job", "tfc"],
            env: MLPython.environment(), timeout: 300)
        try #require(run.status == 0, "\(run)")
        for trial in try await Self.succeeded(sandbox, "tfc", count: 2) {
            let id = try #require(trial["trialId"] as? String)
            #expect(sandbox.read(".tune/tfc/trials/\(id)/stdout.log")?.contains("trial=\(id)\n") == true)
        }
    }

    /// tf.estimator (DNNRegressor, train_and_evaluate) under TF_CONFIG: its eval summaries are
    /// written under `--output_dir={job_dir}`, a placeholder tune fills in.
    @Test func tfEstimatorTrainer() async throws {
        let sandbox = try await Self.example("cloudml-estimator")
        let run = try await Self.tune(
            sandbox,
            [
                "run", "--config", "hptuning_config.yaml", "--job", "est", "--",
                "python", "-m", "trainer.task", "--train_data_paths=data/taxi-train.csv",
                "--eval_data_paths=data/taxi-valid.csv", "--train_steps=200", "--output_dir={job_dir}",
            ],
            env: MLPython.environment(), timeout: 600)
        try #require(run.status == 0, "\(run)")
        let trials = try await Self.succeeded(sandbox, "est", count: 6)
        #expect(try Self.objectiveSources(sandbox, "est") == ["events job-dir/eval/average_loss"], "the eval summaries, not the log line")
        #expect(run.stderr.contains("'average_loss' is reported both in TensorFlow event files (as 'job-dir/eval/average_loss')"), "\(run.stderr)")
        let best = try await Self.collectBest(sandbox, "est", best: trials[0])
        let exports = sandbox.list(best + "/job-dir/export/exporter")
        try #require(exports.count == 1, "the SavedModel of the best trial: \(sandbox.list(best + "/job-dir"))")
        #expect(sandbox.exists(best + "/job-dir/export/exporter/\(exports[0])/saved_model.pb"))
    }

    /// TF2 Keras with its TensorBoard callback under the required `--job-dir`, tuned with its own
    /// TensorFlow 1-era config (`epoch_acc`): the validation run's `epoch_accuracy` is the objective.
    @Test func tf2KerasTrainer() async throws {
        let sandbox = try await Self.example("cloudml-keras")
        let run = try await Self.tune(
            sandbox,
            [
                "run", "--config", "hptuning_config.yaml", "--job-dir", "gs://bucket/census", "--job", "keras", "--",
                "python", "-m", "trainer.task", "--num-epochs", "3",
            ],
            env: MLPython.environment(["TMPDIR": sandbox.path("data")]), timeout: 600)
        try #require(run.status == 0, "\(run)")
        let trials = try await Self.succeeded(sandbox, "keras", count: 4)
        #expect(run.stderr.contains("'job-dir/keras_tensorboard/validation/epoch_accuracy'"), "\(run.stderr)")
        #expect(try Self.objectiveSources(sandbox, "keras") == ["events job-dir/keras_tensorboard/validation/epoch_accuracy"])
        for trial in trials { #expect(trainingStep(trial) == "2", "epochs 0, 1, 2: \(trial)") }
        let best = try await Self.collectBest(sandbox, "keras", best: trials[0])
        #expect(sandbox.exists(best + "/job-dir/keras_export/saved_model.pb"), "\(sandbox.list(best + "/job-dir"))")
    }

    /// PyTorch reporting through cloudml-hypertune and saving `hptuning_sonar_model` in its
    /// current directory: with --per-trial-cwd each trial's model is its own.
    @Test func pytorchHypertuneTrainer() async throws {
        let sandbox = try await Self.example("cloudml-pytorch")
        let run = try await Self.tune(
            sandbox,
            // Its config asks for 10 trials of up to 250 epochs (5 minutes of CPU): 4 show the same.
            ["run", "--config", "hptuning_config.yaml", "--max-trial-count", "4", "--per-trial-cwd", "--job", "torch", "--", "python", "task.py"],
            env: MLPython.environment(), timeout: 600)
        try #require(run.status == 0, "\(run)")
        let trials = try await Self.succeeded(sandbox, "torch", count: 4)
        #expect(try Self.objectiveSources(sandbox, "torch") == ["hypertune my_accuracy_tag"])
        for trial in trials {
            let id = try #require(trial["trialId"] as? String)
            #expect(trial["isTrialStoppedEarly"] as? Bool == false, "a single-report trainer is never cut: \(trial)")
            #expect(sandbox.exists(".tune/torch/trials/\(id)/cwd/hptuning_sonar_model"), "trial \(id)'s own model")
        }
        #expect(!sandbox.exists("hptuning_sonar_model"), "no trial wrote into the shared folder")
        let best = try await Self.collectBest(sandbox, "torch", best: trials[0])
        #expect(sandbox.exists(best + "/cwd/hptuning_sonar_model"))
    }

    /// scikit-learn under python-fire, reporting through cloudml-hypertune.
    @Test func sklearnHypertuneTrainer() async throws {
        let sandbox = try await Self.example("cloudml-sklearn")
        let run = try await Self.tune(
            sandbox,
            [
                "run", "--config", "hptuning_config.yaml", "--job", "sk", "--", "python", "train.py",
                "--training_dataset_path", "data/training.csv", "--validation_dataset_path", "data/validation.csv",
                "--hptune", "True",
            ],
            env: MLPython.environment(), timeout: 300)
        try #require(run.status == 0, "\(run)")
        _ = try await Self.succeeded(sandbox, "sk", count: 4)
        #expect(try Self.objectiveSources(sandbox, "sk") == ["hypertune accuracy"], "the hypertune file, not the `Model accuracy:` line")
    }

    /// A Vertex AI scikit-learn trainer that saves its model to `$AIP_MODEL_DIR` (a pickle) and
    /// unpacks its data into its current directory: with --per-trial-cwd, both stay per trial.
    @Test func sklearnVertexTrainerSavesItsModelInAIPModelDir() async throws {
        let sandbox = try await Self.example("cloudml-sklearn-news")
        let url = "file://" + sandbox.path("data/NewsAggregatorDataset.zip")
        let run = try await Self.tune(
            sandbox,
            [
                "run", "--config", "hptuning_config.yaml", "--per-trial-cwd", "--job", "news", "--",
                "python3", "task.py", "--dataset-url=" + url,
            ],
            env: MLPython.environment(), timeout: 300)
        try #require(run.status == 0, "\(run)")
        let trials = try await Self.succeeded(sandbox, "news", count: 6)
        #expect(try Self.objectiveSources(sandbox, "news") == ["hypertune accuracy"])
        for trial in trials {
            let id = try #require(trial["trialId"] as? String)
            #expect(sandbox.exists(".tune/news/trials/\(id)/model/model.pkl"), "trial \(id) saved its model in $AIP_MODEL_DIR")
        }
        #expect(
            sandbox.list(".").filter { $0.hasPrefix("NewsAggregatorDataset") || $0.hasPrefix("newsCorpora") }.isEmpty,
            "the data each trial unpacks stays in its own folder: \(sandbox.list("."))")
        let best = try await Self.collectBest(sandbox, "news", best: trials[0])
        #expect(sandbox.exists(best + "/model/model.pkl"))
    }
}
