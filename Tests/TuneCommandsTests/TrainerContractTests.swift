import Foundation
import Testing
import TuneTestSupport

/// What Cloud ML Engine and Vertex AI give a trainer, given by tune locally: the job dir, the
/// `AIP_*` folders, `TF_CONFIG`, placeholders in the trial's arguments, a working directory per
/// trial, and where misrouted event files went.
@Suite("End to end: the Cloud ML / Vertex trainer contract", .limitedParallelism)
struct TrainerContractTests {
    /// Writes argv and the contract's variables to the trial folder, and reports acc.
    static let recorder = """
        for a in "$@"; do printf '%s\\n' "$a"; done > "$TUNE_TRIAL_DIR/args.txt"
        for v in CLOUD_ML_JOB_ID CLOUD_ML_TRIAL_ID AIP_MODEL_DIR AIP_CHECKPOINT_DIR AIP_TENSORBOARD_LOG_DIR TUNE_CHECKPOINT_DIR TF_CONFIG; do
          eval "printf '%s=%s\\n' $v \\"\\$$v\\""
        done > "$TUNE_TRIAL_DIR/env.txt"
        echo acc=0.5
        """

    @Test func configJobDirPlaceholdersAndVertexFolders() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", Self.recorder)
        try sandbox.write(
            "job.yaml",
            """
            trainingInput:
              scaleTier: BASIC
              jobDir: gs://my-bucket/census
              hyperparameters:
                goal: MAXIMIZE
                hyperparameterMetricTag: acc
                maxTrials: 2
                maxParallelTrials: 2
                params:
                  - parameterName: lr
                    type: DOUBLE
                    minValue: 0.001
                    maxValue: 0.1
            """)
        let run = try await sandbox.tune([
            "run", "./train.sh", "--out={trial_dir}/m.bin", "--name=run-{job_id}-{trial_id}",
            "{unknown}", "--config", "job.yaml", "--job", "jd",
        ])
        try #require(run.status == 0, "\(run)")
        #expect(run.stderr.contains("--job-dir=<its folder>/job-dir"), "says where the job dir is: \(run.stderr)")
        #expect(!run.stderr.contains("trainingInput.jobDir"), "jobDir is no longer an ignored cloud-only key: \(run.stderr)")
        // The reproduce line is what the best trial ran: placeholders and --job-dir filled in.
        let reproduce = try #require(run.stdout.split(separator: "\n").first { $0.contains("reproduce:") }, "\(run)")
        #expect(
            reproduce.contains("--out=\(sandbox.path(".tune/jd/trials/"))") && reproduce.contains("--name=run-jd-")
                && reproduce.contains("--job-dir=\(sandbox.path(".tune/jd/trials/"))") && !reproduce.contains("{trial_dir}"), "\(reproduce)")
        for id in 1...2 {
            let folder = sandbox.path(".tune/jd/trials/\(id)")
            let args = try #require(sandbox.read(folder + "/args.txt")).split(separator: "\n").map(String.init)
            try #require(args.count == 5, "\(args)")
            #expect(args[0] == "--out=\(folder)/m.bin")
            #expect(args[1] == "--name=run-jd-\(id)")
            #expect(args[2] == "{unknown}", "other braces are left alone")
            #expect(args[3] == "--job-dir=\(folder)/job-dir", "the job dir after the trial's own arguments: \(args)")
            #expect(args[4].hasPrefix("--lr="), "then the hyperparameters: \(args)")
            #expect(sandbox.list(folder + "/job-dir") == [], "the job dir exists before the trial starts")

            let env = ProtocolTests.environment(try #require(sandbox.read(folder + "/env.txt")))
            #expect(env["CLOUD_ML_JOB_ID"] == "jd")
            #expect(env["CLOUD_ML_TRIAL_ID"] == "\(id)")
            #expect(env["AIP_MODEL_DIR"] == folder + "/model")
            #expect(env["AIP_TENSORBOARD_LOG_DIR"] == folder + "/logs")
            #expect(env["AIP_CHECKPOINT_DIR"] == env["TUNE_CHECKPOINT_DIR"], "one checkpoint folder, kept across attempts")
            #expect(sandbox.exists(folder + "/model") && sandbox.exists(folder + "/logs"))
            let tfConfig = try #require(env["TF_CONFIG"])
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(tfConfig.utf8)) as? [String: Any])
            let task = try #require(parsed["task"] as? [String: Any])
            #expect(task["type"] as? String == "worker" && task["index"] as? Int == 0 && task["trial"] as? String == "\(id)", "\(tfConfig)")
            #expect((parsed["cluster"] as? [String: Any])?.isEmpty == true, "one local replica: \(tfConfig)")
        }
        #expect(!sandbox.exists("my-bucket") && !sandbox.exists("gs:"), "the cloud path is not written to")
    }

    @Test func jobDirOnTheCommandLineIsJournaledForResume() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", Self.recorder + "\n[ \"$TUNE_TRIAL_ID\" = 2 ] && [ ! -e \"$TUNE_TRIAL_DIR/../../go\" ] && exit 3\nexit 0")
        try sandbox.write("c.yml", config(maxTrials: 2, extra: "maxFailedTrials: 1"))
        let run = try await sandbox.tune(["run", "./train.sh", "--job-dir", "out/census", "--config", "c.yml", "--job", "cl"])
        #expect(run.status == 1, "trial 2 failed, so did the job: \(run)")
        let validate = try await sandbox.tune(["validate", "c.yml"])
        #expect(!validate.stdout.contains("job dir"), "the config alone has no job dir: \(validate)")
        let first = try #require(sandbox.read(".tune/cl/trials/1/args.txt"))
        #expect(first.contains("--job-dir=\(sandbox.path(".tune/cl/trials/1/job-dir"))\n"), "\(first)")

        try sandbox.write(".tune/cl/go", "")
        let retry = try await sandbox.tune(["retry", "cl", "--trials", "2"])
        try #require(retry.status == 0, "\(retry)")
        let second = try #require(sandbox.read(".tune/cl/trials/2/args.txt"))
        #expect(second.contains("--job-dir=\(sandbox.path(".tune/cl/trials/2/job-dir"))\n"), "retry keeps the job's --job-dir: \(second)")
        #expect(!sandbox.exists("out"), "the given path is not written to")
    }

    /// `tune probe` takes --job-dir and --per-trial-cwd as `tune run` does, so a trainer that needs
    /// them can be probed.
    @Test func probeGivesTheJobDirAndTheWorkingDirectory() async throws {
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            case "$*" in *--job-dir=*/job-dir*) ;; *) echo "train.sh: error: the following arguments are required: --job-dir" >&2; exit 2;; esac
            [ "$(pwd -P)" = "$TUNE_TRIAL_DIR/cwd" ] || { echo "not in its own folder: $(pwd -P)" >&2; exit 3; }
            echo acc=0.5
            """)
        try sandbox.write("c.yml", config(maxTrials: 3))
        let without = try await sandbox.tune(["probe", "./train.sh", "--config", "c.yml"])
        #expect(without.status == 1, "\(without)")
        let probe = try await sandbox.tune(["probe", "./train.sh", "--config", "c.yml", "--job-dir", "gs://b/j", "--per-trial-cwd"])
        #expect(probe.status == 0, "\(probe)")
    }

    @Test func perTrialWorkingDirectoryKeepsCwdFilesApartAndCollectsThem() async throws {
        let sandbox = try Sandbox()
        try sandbox.write("data/input.txt", "shared data\n")
        try sandbox.script(
            "train.sh",
            """
            cat data/input.txt > seen.txt
            echo "model of trial $TUNE_TRIAL_ID" > model.pth
            pwd -P > where.txt
            sleep 0.2
            [ "$(cat model.pth)" = "model of trial $TUNE_TRIAL_ID" ] || { echo "overwritten" >&2; exit 4; }
            echo acc=0.$TUNE_TRIAL_ID
            """)
        try sandbox.write("c.yml", config(maxTrials: 4, parallel: 4, extra: "perTrialWorkingDirectory: true"))
        let validate = try await sandbox.tune(["validate", "c.yml"])
        #expect(validate.stdout.contains("cwd         each trial in <trial folder>/cwd"), "\(validate)")
        let run = try await sandbox.tune(["run", "train.sh", "--config", "c.yml", "--job", "pc"])
        try #require(run.status == 0, "\(run)")
        for id in 1...4 {
            let cwd = sandbox.path(".tune/pc/trials/\(id)/cwd")
            #expect(sandbox.read(cwd + "/model.pth") == "model of trial \(id)\n")
            #expect(sandbox.read(cwd + "/seen.txt") == "shared data\n", "relative paths still resolve")
            #expect(sandbox.read(cwd + "/where.txt") == cwd + "\n")
            #expect(!sandbox.list(cwd).contains(".tune"), "the store is not linked into a trial's folder: \(sandbox.list(cwd))")
            let link = try FileManager.default.destinationOfSymbolicLink(atPath: cwd + "/data")
            #expect(link == sandbox.path("data"))
        }
        #expect(!sandbox.exists("model.pth"), "nothing written to the shared directory")

        let collect = try await sandbox.tune(["collect", "pc"])
        try #require(collect.status == 0, "\(collect)")
        #expect(sandbox.read("runs/pc-4/cwd/model.pth") == "model of trial 4\n", "the best trial's model is collected: \(sandbox.list("runs"))")
        let copiedLink = try FileManager.default.destinationOfSymbolicLink(atPath: sandbox.path("runs/pc-4/cwd/data"))
        #expect(copiedLink == sandbox.path("data"), "links are copied as links, not the data behind them")
    }

    @Test func perTrialCwdFlagRunsPythonModulesFromTheSharedTree() async throws {
        let sandbox = try Sandbox()
        try sandbox.write("trainer/__init__.py", "")
        try sandbox.write(
            "trainer/task.py",
            """
            import argparse, os
            p = argparse.ArgumentParser()
            p.add_argument("--x", type=float)
            a = p.parse_args()
            open("hptuning_model", "w").write(str(a.x))
            print("acc=%s" % a.x)
            """)
        try sandbox.write("c.yml", config(maxTrials: 2, parallel: 2))
        let run = try await sandbox.tune(["run", "python3", "-m", "trainer.task", "--per-trial-cwd", "--config", "c.yml", "--job", "pm"])
        try #require(run.status == 0, "\(run)")
        for trial in try await trialsJSON(sandbox, "pm") {
            let id = try #require(trial["trialId"] as? String)
            let saved = try #require(sandbox.read(".tune/pm/trials/\(id)/cwd/hptuning_model"), "trial \(id)")
            #expect(Double(saved) == Double(hyperparameters(trial)["x"] ?? ""))
        }
        #expect(!sandbox.exists("hptuning_model"))
    }

    /// Event files written where Vertex AI trainers write them, `$AIP_TENSORBOARD_LOG_DIR`, are read.
    @Test func eventFilesUnderTheVertexLogDirAreRead() async throws {
        let sandbox = try Sandbox()
        let fixtures = TuneBinary.repository.appendingPathComponent("Tests/TuneCoreTests/Fixtures/events/keras").path
        try sandbox.script("train.sh", "cp -R '\(fixtures)/train' '\(fixtures)/validation' \"$AIP_TENSORBOARD_LOG_DIR/\"")
        try sandbox.write("c.yml", config(maxTrials: 1, tag: "validation/epoch_accuracy"))
        let run = try await sandbox.tune(["run", "./train.sh", "--config", "c.yml", "--job", "aip"])
        try #require(run.status == 0, "\(run)")
        let trial = try #require(try await trialsJSON(sandbox, "aip").first)
        #expect(objective(trial) == 0.421875, "\(trial)")
        #expect(run.stderr.contains("'logs/validation/epoch_accuracy'"), "\(run.stderr)")
    }

    @Test func eventFilesWrittenOutsideTheTrialFolderAreNamedInTheReason() async throws {
        let sandbox = try Sandbox()
        try sandbox.write("logs/old/events.out.tfevents.1.old", "written before the job")
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -3600)],
            ofItemAtPath: sandbox.path("logs/old/events.out.tfevents.1.old"))
        try sandbox.script(
            "train.sh",
            """
            mkdir -p logs/train
            printf 'x' > "logs/train/events.out.tfevents.$TUNE_TRIAL_ID.host"
            """)
        try sandbox.write("c.yml", config(maxTrials: 1, tag: "epoch_accuracy"))
        let run = try await sandbox.tune(["run", "./train.sh", "--config", "c.yml", "--job", "stray"])
        #expect(run.status == 1)
        let trial = try #require(try await trialsJSON(sandbox, "stray").first)
        let reason = try #require(trial["failureReason"] as? String, "\(trial)")
        #expect(reason.contains("logs/train/events.out.tfevents.1.host"), "\(reason)")
        #expect(!reason.contains("events.out.tfevents.1.old"), "only files written during the trial: \(reason)")
        #expect(reason.contains("{trial_dir}") && reason.contains("--job-dir"), "\(reason)")
    }

    /// A trainer that reports once, at its last epoch, then saves its model: the median rule has
    /// no later report to save, so no trial is cut while it saves, however far behind it is —
    /// even when each trial's last epoch differs (60, 50, 40, …: a tuned number of epochs).
    @Test func theMedianRuleNeverStopsATrialAtItsFinalReport() async throws {
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            x=${1#--x=}
            sleep 0.1
            echo "epoch=$((10 * (7 - TUNE_TRIAL_ID))) acc=$x"
            sleep 0.6
            echo saved > "$TUNE_TRIAL_DIR/model.txt"
            """)
        try sandbox.write(
            "c.yml",
            config(
                maxTrials: 6, parallel: 2, algorithm: "GRID_SEARCH",
                extra: """
                    enableTrialEarlyStopping: true
                    earlyStopping: {minTrials: 1, startStep: 0}
                    """,
                params: """
                      - parameterName: x
                        type: CATEGORICAL
                        categoricalValues: ["0.9", "0.8", "0.1", "0.2", "0.15", "0.05"]
                    """))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "once", "--grace-period", "5"])
        #expect(run.status == 0, "\(run)")
        #expect(!run.stderr.contains("stopped early"), "\(run.stderr)")
        for trial in try await trialsJSON(sandbox, "once") {
            let id = try #require(trial["trialId"] as? String)
            #expect(trial["isTrialStoppedEarly"] as? Bool == false, "\(trial)")
            #expect(sandbox.read(".tune/once/trials/\(id)/model.txt") == "saved\n", "trial \(id) saved its model")
        }
    }

    /// A trainer that makes a new HyperTune() for every report: the package's file then holds only
    /// the latest report. tune reads the file as soon as each write ends, and says how many it missed.
    @Test(.enabled(if: hypertuneInstalled, "needs `pip install cloudml-hypertune` (.ci/run installs it)"))
    func everyRewriteOfTheHypertuneFileIsSeenOrCounted() async throws {
        let sandbox = try Sandbox()
        try sandbox.write(
            "train.py",
            """
            import argparse, os, time
            import hypertune
            p = argparse.ArgumentParser()
            p.add_argument("--x", type=float)
            a = p.parse_args()
            for epoch in range(1, 81):
                time.sleep(float(os.environ["PAUSE"]))
                hypertune.HyperTune().report_hyperparameter_tuning_metric(
                    hyperparameter_metric_tag="acc", metric_value=a.x * epoch, global_step=epoch)
            """)
        try sandbox.write("c.yml", config(maxTrials: 1))
        // 20 ms between reports, then none: as fast as Python writes.
        for (job, pause) in [("paced", "0.02"), ("burst", "0")] {
            let run = try await sandbox.tune(["python3", "train.py", "--config", "c.yml", "--job", job], env: ["PAUSE": pause])
            try #require(run.status == 0, "\(run)")
            let trial = try #require(try await trialsJSON(sandbox, job).first)
            let steps = (trial["allMetrics"] as? [[String: Any]] ?? []).compactMap { ($0["trainingStep"] as? String).flatMap(Int.init) }
            #expect(trainingStep(trial) == "80", "\(trial)")
            let notes = trial["notes"] as? [String] ?? []
            let missed = notes.first.flatMap { Int($0.prefix { $0.isNumber }) } ?? 0
            #expect(steps.count + missed == 80, "\(job): every report seen or counted as missed: \(steps.count) seen, notes \(notes)")
            #expect(missed == 0 || notes.first?.contains("of its 80 cloudml-hypertune reports were not seen") == true, "\(notes)")
            if job == "paced" {
                #expect(steps.count >= 40, "the file is read as each write ends, not every 0.5 s: \(steps.count) of 80 seen")
            }
        }
    }
}
