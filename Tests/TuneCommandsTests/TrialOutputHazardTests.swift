import Foundation
import Testing
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Trials that turn their own folder against tune: FIFOs where tune reads files, symbolic links
/// out of the folder, floods of readings; and tune started with its output descriptors closed.
@Suite("End to end: hostile trial folders and output", .limitedParallelism, .timeLimit(.minutes(10)))
struct TrialOutputHazardTests {
    static let fixtures = TuneBinary.repository.appendingPathComponent("Tests/TuneCoreTests/Fixtures/events").path

    /// An event file that tune has found is replaced by a FIFO: opening it must not block the loop,
    /// so trialTimeout still fires and the job ends.
    @Test func anEventFileReplacedByAFIFODoesNotHangTheJob() async throws {
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            mkdir -p "$TUNE_TRIAL_DIR/logs"
            cp -R '\(Self.fixtures)/keras/train' "$TUNE_TRIAL_DIR/logs/"
            sleep 1.5
            for f in "$TUNE_TRIAL_DIR"/logs/train/events.out.tfevents.*; do rm "$f"; mkfifo "$f"; done
            exec sleep 30
            """)
        try sandbox.write("c.yml", config(maxTrials: 1, tag: "epoch_accuracy", extra: "trialTimeout: 3s"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "fifo", "--grace-period", "1"], timeout: 40)
        #expect(!run.timedOut, "\(run)")
        let trial = try #require(try await trialsJSON(sandbox, "fifo").first)
        #expect((trial["failureReason"] as? String)?.contains("trialTimeout") == true, "\(trial)")
    }

    /// The same, and SIGTERM to tune ends the job while the FIFO is there.
    @Test func aFIFOInTheTrialFolderLeavesTuneAnsweringSIGTERM() async throws {
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            mkdir -p "$TUNE_TRIAL_DIR/logs"
            cp -R '\(Self.fixtures)/keras/train' "$TUNE_TRIAL_DIR/logs/"
            echo started > '\(sandbox.path("started"))'
            sleep 1.5
            for f in "$TUNE_TRIAL_DIR"/logs/train/events.out.tfevents.*; do rm "$f"; mkfifo "$f"; done
            echo replaced > '\(sandbox.path("replaced"))'
            exec sleep 30
            """)
        try sandbox.write("c.yml", config(maxTrials: 1, tag: "epoch_accuracy"))
        let running = try sandbox.start(["./train.sh", "--config", "c.yml", "--job", "term", "--grace-period", "1"])
        #expect(await sandbox.waitUntil(timeout: 20) { sandbox.exists("replaced") })
        // Past the next search of the folder (about a second): tune has tried to read the FIFO.
        try await Task.sleep(nanoseconds: 2_500_000_000)
        running.signal(SIGTERM)
        let run = await running.finish(timeout: 55)
        #expect(!run.timedOut && run.status == 130, "\(run)")
    }

    /// A FIFO as the cloudml-hypertune file, made after a first report was read.
    @Test func aFIFOAsTheHypertuneFileDoesNotHangTheJob() async throws {
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            echo '{"global_step": "1", "acc": "0.5", "timestamp": 1.0, "trial": "0", "checkpoint_path": ""}' > "$CLOUD_ML_HP_METRIC_FILE"
            sleep 1.5
            rm "$CLOUD_ML_HP_METRIC_FILE"; mkfifo "$CLOUD_ML_HP_METRIC_FILE"
            exec sleep 30
            """)
        try sandbox.write("c.yml", config(maxTrials: 1, extra: "trialTimeout: 3s"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "hfifo", "--grace-period", "1"], timeout: 40)
        #expect(!run.timedOut, "\(run)")
        let trial = try #require(try await trialsJSON(sandbox, "hfifo").first)
        #expect((trial["failureReason"] as? String)?.contains("trialTimeout") == true, "\(trial)")
    }

    /// A trial that replaces its `stdout.log` by a FIFO: `tune logs` does not wait on it.
    @Test func tuneLogsDoesNotBlockOnAFIFOLog() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5; sleep 0.5; rm \"$TUNE_TRIAL_DIR/stdout.log\"; mkfifo \"$TUNE_TRIAL_DIR/stdout.log\"")
        try sandbox.write("c.yml", config(maxTrials: 1))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "flog"])
        try #require(run.status == 0, "\(run)")
        let logs = try await sandbox.tune(["logs", "flog", "--trial", "1"], timeout: 20)
        #expect(!logs.timedOut, "\(logs)")
    }

    /// A FIFO in a trial folder: `tune collect` copies the rest, says what it left out, and does not wait on it.
    @Test func tuneCollectSkipsAFIFO() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5; mkfifo \"$TUNE_TRIAL_DIR/pipe\"; ln -s / \"$TUNE_TRIAL_DIR/root\"; echo kept > \"$TUNE_TRIAL_DIR/model/weights\"")
        try sandbox.write("c.yml", config(maxTrials: 1))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "cfifo"])
        try #require(run.status == 0, "\(run)")
        let collect = try await sandbox.tune(["collect", "cfifo", "--to", "out"], timeout: 20)
        #expect(collect.status == 0 && collect.stderr.contains("pipe"), "\(collect)")
        #expect(sandbox.read("out/cfifo-1/model/weights") == "kept\n")
        #expect(sandbox.read("out/cfifo-1/stdout.log") == "acc=0.5\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: sandbox.path("out/cfifo-1/root"))) == "/", "links are copied as links")
    }

    /// Links to `/` and to a folder above the trial's are not followed by the event-file search:
    /// nothing outside the trial folder is read, and the timeout fires on time.
    @Test func symlinksOutOfTheTrialFolderAreNotFollowed() async throws {
        let sandbox = try Sandbox()
        // An event file outside the trial folder that a followed link would find.
        try FileManager.default.createDirectory(atPath: sandbox.path("outside"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.fixtures + "/keras/train", toPath: sandbox.path("outside/train"))
        try sandbox.script(
            "train.sh",
            """
            ln -s / "$TUNE_TRIAL_DIR/root"
            ln -s "$TUNE_TRIAL_DIR/.." "$TUNE_TRIAL_DIR/up"
            ln -s '\(sandbox.path("outside"))' "$TUNE_TRIAL_DIR/outside"
            mkdir -p "$TUNE_TRIAL_DIR/logs"
            ln -s "$TUNE_TRIAL_DIR/logs" "$TUNE_TRIAL_DIR/logs/again"
            echo acc=0.5
            sleep 3
            """)
        try sandbox.write("c.yml", config(maxTrials: 1))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "links"], timeout: 50)
        try #require(run.status == 0, "\(run)")
        let journal = try #require(sandbox.read(".tune/links/journal.jsonl"))
        #expect(!journal.contains("epoch_accuracy"), "nothing read through the links")
        #expect(journal.utf8.count < 20_000, "\(journal.utf8.count) bytes")
    }

    /// A link inside the trial folder to a folder inside it is still followed (a `latest` link to a run).
    @Test func aLinkWithinTheTrialFolderIsStillFollowed() async throws {
        let sandbox = try Sandbox()
        try sandbox.script(
            "train.sh",
            """
            mkdir -p "$TUNE_TRIAL_DIR/runs/1"
            cp -R '\(Self.fixtures)/keras/train/.' "$TUNE_TRIAL_DIR/runs/1/"
            ln -s ../runs/1 "$TUNE_TRIAL_DIR/logs/latest"
            """)
        try sandbox.write("c.yml", config(maxTrials: 1, tag: "logs/latest/epoch_accuracy"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "inside"])
        #expect(run.status == 0, "\(run)")
    }

    /// 200,000 readings: the journal stays under the stated bound, and the last and best values are right.
    @Test(arguments: ["LAST_MEASUREMENT", "BEST_MEASUREMENT"])
    func aFloodOfReadingsKeepsTheJournalBounded(selection: String) async throws {
        let sandbox = try Sandbox()
        // loss falls to its best, 0.001 at step 150000, then rises; the last step is 200000 at 0.5.
        try sandbox.script(
            "train.sh",
            """
            awk 'BEGIN { for (i = 1; i <= 200000; i++) { v = (i == 150000) ? 0.001 : ((i == 200000) ? 0.5 : 1 + (i % 977) / 1000); print "step=" i " loss=" v } }'
            """)
        try sandbox.write(
            "c.yml", config(maxTrials: 1, tag: "loss", goal: "MINIMIZE", extra: "measurementSelectionType: \(selection)"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "flood"], timeout: 55)
        try #require(run.status == 0, "\(run)")
        let trial = try #require(try await trialsJSON(sandbox, "flood").first)
        if selection == "LAST_MEASUREMENT" {
            #expect(objective(trial) == 0.5 && trainingStep(trial) == "200000", "\(trial)")
        } else {
            #expect(objective(trial) == 0.001 && trainingStep(trial) == "150000", "\(trial)")
        }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: sandbox.path(".tune/flood/journal.jsonl"))[.size] as? Int)
        // The bound of TrialProtocol.md: at most 6 × (1,000 + 500 × ⌈log2(200)⌉) + 5 = 30,005 readings
        // journaled, each under 70 bytes here, and a few other events (today: about 800 readings, 48 KB;
        // 12 MB before readings were bounded).
        #expect(size < 2_200_000, "journal of \(size) bytes")
    }

    /// tune started with stdout or stderr closed: what it says must not land in the journal (the
    /// journal would otherwise take descriptor 1 or 2).
    @Test(arguments: [">&-", "2>&-", ">&- 2>&-", "<&- >&- 2>&-"])
    func closedStandardDescriptorsKeepTheJournalClean(redirection: String) async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", "echo acc=0.5")
        try sandbox.write("c.yml", config(maxTrials: 3))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec \"$0\" \"$@\" \(redirection)", TuneBinary.path, "./train.sh", "--config", "c.yml", "--job", "closed"]
        process.currentDirectoryURL = sandbox.dir
        var environment = ProcessInfo.processInfo.environment
        environment["TUNE_STORE"] = nil
        process.environment = environment
        try process.run()
        await process.exited()
        #expect(process.terminationStatus == 0)
        let journal = try #require(sandbox.read(".tune/closed/journal.jsonl"))
        for line in journal.split(separator: "\n") {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["event"] is String, "not an event: \(line)")
        }
        let trials = try await trialsJSON(sandbox, "closed")
        #expect(trials.count == 3)
    }
}
