import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

#if canImport(Glibc)
import Glibc
#endif

@Suite("Trial arguments, environment and working directory", .limitedParallelism)
struct TrialArgumentsTests {
    let folders = TrialFolders(trial: "/s/.tune/j/trials/3", checkpoints: "/s/.tune/j/checkpoints/3")

    @Test func placeholdersJobDirThenFlags() {
        let argv = TrialArguments.make(
            command: [
                "python3", "{trial_dir}/x.py", "--out={model_dir}/m.pt", "--ckpt={checkpoint_dir}",
                "--name={job_id}-{trial_id}", "--j={job_dir}", "{{trial_id}}", "{nope}", "{trial_",
            ],
            flags: ["--lr=0.1"], job: "j", trial: 3, folders: folders, passJobDir: true)
        #expect(
            argv == [
                "python3", "/s/.tune/j/trials/3/x.py", "--out=/s/.tune/j/trials/3/model/m.pt", "--ckpt=/s/.tune/j/checkpoints/3",
                "--name=j-3", "--j=/s/.tune/j/trials/3/job-dir", "{3}", "{nope}", "{trial_",
                "--job-dir=/s/.tune/j/trials/3/job-dir", "--lr=0.1",
            ])
        // argv[0] is the program as typed; without a job dir, nothing is added.
        #expect(TrialArguments.make(command: ["{trial_id}"], flags: [], job: "j", trial: 3, folders: folders, passJobDir: false) == ["{trial_id}"])
        #expect(TrialArguments.namesJobDir(["t", "--logdir={job_dir}/tb"]))
        #expect(!TrialArguments.namesJobDir(["{job_dir}"]))
    }

    @Test func templatePlaceholdersAreFilledAndInactiveOnesLeaveTheirArgumentOut() throws {
        var spec = TuningSpec(params: [
            ParameterSpec(name: "opt", domain: .categorical(["sgd", "adam"])),
            ParameterSpec(name: "momentum", domain: .double(min: 0, max: 1, scale: .none), condition: ParameterCondition(parent: "opt", parentValues: ["sgd"])),
        ])
        spec.parameterStyle = .template
        let delivery = ParameterDelivery(parameters: ["opt": "adam"], spec: spec)
        #expect(delivery.arguments.isEmpty && delivery.inactive == ["momentum"])
        let argv = TrialArguments.make(
            command: ["p", "opt={opt}", "momentum={momentum}", "--dir={trial_dir}", "${opt}", "{other}"], flags: delivery.arguments, job: "j", trial: 3,
            folders: folders, passJobDir: false, template: delivery)
        #expect(argv == ["p", "opt=adam", "--dir=/s/.tune/j/trials/3", "${opt}", "{other}"])
        #expect(ParameterDelivery.placeholderNames(in: "a={a}-{b.c}${HOME}{x y}{") == ["a", "b.c"])
        #expect(throws: ParameterStyleError.self) { try ParameterDelivery.resolvedStyle(spec: spec, command: ["p", "opt={opt}", "{nope}"]) }
        spec.parameterStyle = nil
        #expect(try ParameterDelivery.resolvedStyle(spec: spec, command: ["p", "--x={nope}"]) == nil)
        #expect(try ParameterDelivery.resolvedStyle(spec: spec, command: ["p", "opt={opt}"]) == .template)
        #expect(ParameterDelivery.variableName("learning-rate") == "TUNE_PARAM_LEARNING_RATE")
        let clash = TuningSpec(params: [ParameterSpec(name: "trial_id", domain: .integer(min: 1, max: 2, scale: .none))])
        #expect(throws: ParameterStyleError.self) { try ParameterDelivery.resolvedStyle(spec: clash, command: ["p", "--t={trial_id}"]) }
    }

    @Test func aValueHoldingAPlaceholderIsNotExpandedAgain() {
        let odd = TrialFolders(trial: "/s/{trial_id}/t", checkpoints: "/c")
        #expect(
            TrialArguments.make(command: ["p", "{trial_dir}:{trial_id}"], flags: [], job: "j", trial: 7, folders: odd, passJobDir: false)
                == ["p", "/s/{trial_id}/t:7"])
    }

    @Test func environmentPointsIntoTheTrialFolder() throws {
        let env = TrialEnvironment.make(base: ["PATH": "/bin", "AIP_MODEL_DIR": "gs://elsewhere"], job: "j", trial: 3, folders: folders, attempt: 2)
        #expect(env["PATH"] == "/bin")
        #expect(env["AIP_MODEL_DIR"] == "/s/.tune/j/trials/3/model")
        #expect(env["AIP_TENSORBOARD_LOG_DIR"] == "/s/.tune/j/trials/3/logs")
        #expect(env["AIP_CHECKPOINT_DIR"] == "/s/.tune/j/checkpoints/3")
        #expect(env["TUNE_CHECKPOINT_DIR"] == "/s/.tune/j/checkpoints/3")
        #expect(env["CLOUD_ML_HP_METRIC_FILE"] == "/s/.tune/j/trials/3/hypertune.metric")
        #expect(env["CLOUD_ML_JOB_ID"] == "j" && env["CLOUD_ML_TRIAL_ID"] == "3" && env["TUNE_TRIAL_ATTEMPT"] == "2")
        let config = try #require(try JSONSerialization.jsonObject(with: Data((env["TF_CONFIG"] ?? "").utf8)) as? [String: Any])
        #expect(config["environment"] as? String == "cloud")
        #expect((config["job"] as? [String: Any])?["job_name"] as? String == "j")
    }

    @Test func workingDirectoryLinksEveryEntryButTheStore() throws {
        let folder = try TemporaryFolder("twd")
        let root = folder.path
        let work = root + "/work"
        for entry in ["/data", "/.tune/j/trials/1", "/trainer"] {
            try FileManager.default.createDirectory(atPath: work + entry, withIntermediateDirectories: true)
        }
        try Data("x".utf8).write(to: URL(fileURLWithPath: work + "/train.py"))
        let cwd = work + "/.tune/j/trials/1/cwd"
        try TrialWorkingDirectory.prepare(cwd, linkingTo: work, excluding: [work + "/.tune"])
        let entries = try FileManager.default.contentsOfDirectory(atPath: cwd).sorted()
        #expect(entries == ["data", "train.py", "trainer"])
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: cwd + "/train.py") == work + "/train.py")
        // Made again (a second call, as after a crash): no error for links already there.
        try TrialWorkingDirectory.prepare(cwd, linkingTo: work, excluding: [work + "/.tune"])
        // A store inside a folder of the tree leaves that whole folder out.
        let other = root + "/other"
        try TrialWorkingDirectory.prepare(other, linkingTo: work, excluding: [work + "/.tune/j"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: other).sorted() == ["data", "train.py", "trainer"])
        #expect(throws: LaunchError.self) { try TrialWorkingDirectory.prepare(root + "/x", linkingTo: root + "/missing", excluding: []) }
    }

    @Test func eventFilesBehindTheWorkingDirectorysLinksAreNotTheTrials() throws {
        let folder = try TemporaryFolder("twe")
        let root = folder.path
        try FileManager.default.createDirectory(atPath: root + "/work/logs", withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: root + "/work/logs/events.out.tfevents.1.old"))
        let trial = root + "/trial"
        try TrialWorkingDirectory.prepare(trial + "/cwd", linkingTo: root + "/work", excluding: [])
        try FileManager.default.createDirectory(atPath: trial + "/cwd/runs", withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: trial + "/cwd/runs/events.out.tfevents.2.new"))
        let found = EventFileFinder.find(root: trial, unfollowedLinks: ["cwd"]).map(\.path)
        #expect(found == [trial + "/cwd/runs/events.out.tfevents.2.new"])
        #expect(EventFileFinder.find(root: trial).count == 1, "links out of the trial folder are never followed")
    }

    @Test func fileChangeWatchCountsEveryWrite() throws {
        let folder = try TemporaryFolder("fcw")
        let root = folder.path
        try FileManager.default.createDirectory(atPath: root + "/other-trial", withIntermediateDirectories: true)
        let watcher = try #require(FileChangeWatch())
        let watch = try #require(watcher.watch(folder: root, name: "m"))
        let other = try #require(watcher.watch(folder: root + "/other-trial", name: "m"))
        // As cloudml-hypertune writes its file: open("w"), write, close.
        for i in 0..<5 {
            let fd = open(root + "/m", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            try #require(fd >= 0)
            _ = "\(i)\n".withCString { write(fd, $0, strlen($0)) }
            close(fd)
        }
        try Data("other".utf8).write(to: URL(fileURLWithPath: root + "/other"))
        #expect(watcher.takeWrites(watch) == 5, "five writes, none merged; other files not counted")
        #expect(watcher.takeWrites(watch) == 0)
        #expect(watcher.takeWrites(other) == 0, "another folder's watch counts its own")
        watcher.unwatch(watch)
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/m"))
        #expect(watcher.takeWrites(watch) == 0)
    }
}
