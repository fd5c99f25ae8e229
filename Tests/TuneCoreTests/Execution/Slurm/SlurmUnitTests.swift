import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// The Slurm launcher's parts that need no cluster: the srun command line, the on-node check (run
/// by a real `sh`), how Slurm's own lines and job states are read, and the journaled status.
@Suite("Slurm launcher parts", .limitedParallelism)
struct SlurmUnitTests {
    @Test func optionsCarryTheConfigsResourcesThenExtraArgs() {
        let settings = SlurmSettings(
            partition: "gpu", timeLimitMinutes: 90, cpusPerTask: 4, memory: "16G", gres: "gpu:a100:1",
            account: "lab", qos: "normal", constraint: "a100", extraArgs: ["--exclude=node07", "--ntasks=2"])
        let options = SlurmCommandLine.options(
            settings: settings, gpusPerTrial: 2, jobName: "tune-j-3", workingDirectory: "/home/u/p",
            inAllocation: false)
        #expect(
            options == [
                "--job-name=tune-j-3", "--chdir=/home/u/p", "--ntasks=1", "--nodes=1", "--partition=gpu", "--account=lab",
                "--qos=normal", "--constraint=a100", "--time=90", "--cpus-per-task=4", "--mem=16G", "--gres=gpu:a100:1",
                "--exclude=node07", "--ntasks=2",
            ],
            "gres wins over gpusPerTrial, and extraArgs come last so they can override tune's defaults")
    }

    @Test func gpusPerTrialAsksForGresAndStepsStayWithinTheAllocation() {
        let settings = SlurmSettings(partition: "gpu", account: "lab", qos: "q", constraint: "c")
        let options = SlurmCommandLine.options(settings: settings, gpusPerTrial: 2, jobName: "n", workingDirectory: "/w", inAllocation: true)
        #expect(options == ["--job-name=n", "--chdir=/w", "--ntasks=1", "--nodes=1", "--exact", "--gres=gpu:2"])
        let gpus = SlurmCommandLine.options(settings: SlurmSettings(gpus: "a100:1"), gpusPerTrial: 4, jobName: "n", workingDirectory: "/w", inAllocation: false)
        #expect(gpus.contains("--gpus=a100:1") && !gpus.contains { $0.hasPrefix("--gres") })
    }

    @Test func theNodeFindsCommandsOnItsOwnPathAndScriptsByTheirPath() {
        func program(_ typed: String, _ resolved: String) -> String {
            SlurmCommandLine.program(of: LaunchRequest(executable: resolved, arguments: [typed, "--x=1"], environment: [:]), workingDirectory: "/w")
        }
        #expect(program("python3", "/usr/bin/python3") == "python3")
        #expect(program("./train.sh", "/w/./train.sh") == "/w/./train.sh")
        #expect(program("train.sh", "/w/train.sh") == "/w/train.sh")
        #expect(program("/opt/bin/train", "/opt/bin/train") == "/opt/bin/train")
        // Named for the job, the trial and the job's folder: one name in two stores differs.
        let name = SlurmCommandLine.jobName(job: "exp_1", trial: 12, jobDirectory: "/home/u/a/.tune/exp_1")
        #expect(name.hasPrefix("tune-exp_1-12-") && name.count == "tune-exp_1-12-".count + 8, "\(name)")
        #expect(name != SlurmCommandLine.jobName(job: "exp_1", trial: 12, jobDirectory: "/home/u/b/.tune/exp_1"))
        #expect(name == SlurmCommandLine.jobName(job: "exp_1", trial: 12, jobDirectory: "/home/u/a/.tune/exp_1"))
        #expect(SlurmCommandLine.legacyJobName(job: "exp_1", trial: 12) == "tune-exp_1-12")
    }

    /// With a working directory per trial, srun enters the trial's own (--chdir and the wrapper's
    /// cd), while a script typed relative to the job's directory is still found by its path.
    @Test func aTrialsOwnWorkingDirectoryIsWhereSrunRunsIt() {
        let request = LaunchRequest(
            executable: "/w/train.sh", arguments: ["train.sh", "--x=1"], environment: [:], trial: 3,
            trialDirectory: "/w/.tune/j/trials/3", workingDirectory: "/w/.tune/j/trials/3/cwd")
        let options = SlurmCommandLine.options(
            settings: SlurmSettings(), gpusPerTrial: nil, jobName: "tune-j-3",
            workingDirectory: request.workingDirectory!, inAllocation: false)
        #expect(options.contains("--chdir=/w/.tune/j/trials/3/cwd"))
        let argv = SlurmCommandLine.arguments(for: request, options: options, workingDirectory: "/w")
        let wrapper = Array(argv.drop { $0 != "tune-trial" })
        #expect(Array(wrapper.prefix(5)) == ["tune-trial", "/w/.tune/j/trials/3", "/w/.tune/j/trials/3/cwd", "/w/train.sh", "--x=1"], "\(argv)")
    }

    /// Runs the wrapper as srun would run it on the node, with a real /bin/sh.
    private func runWrapper(trialDirectory: String, workingDirectory: String, _ command: [String]) throws -> (status: Int32, out: String, err: String) {
        let argv = SlurmWrapper.command(
            trialDirectory: trialDirectory, workingDirectory: workingDirectory,
            program: command[0], arguments: Array(command.dropFirst()))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
            String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        )
    }

    @Test func theWrapperRunsTheTrialOnlyWhereItsFolderIs() throws {
        let dir = try TemporaryFolder("tune-slurm")
        let job = dir.path("store/job")
        try FileManager.default.createDirectory(atPath: job + "/trials/1", withIntermediateDirectories: true)
        let work = dir.path("work with space")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)

        // No journal beside the trials: this is not the store tune writes (another machine's disk).
        var result = try runWrapper(trialDirectory: job + "/trials/1", workingDirectory: work, ["/bin/echo", "ran"])
        #expect(result.status == SlurmWrapper.failureExitCode && result.out.isEmpty)
        #expect(result.err.hasPrefix("tune-slurm: the trial folder \(job)/trials/1 is not on node "), "\(result.err)")

        FileManager.default.createFile(atPath: job + "/journal.jsonl", contents: Data())
        result = try runWrapper(trialDirectory: job + "/trials/1", workingDirectory: work, ["/bin/sh", "-c", "pwd; echo \"$1|$2\"", "sh", "--x=1", "a b"])
        #expect(result.status == 0, "\(result)")
        #expect(result.out == "\(work)\n--x=1|a b\n", "runs in the working directory with the arguments intact: \(result)")
        #expect(result.err.hasPrefix("tune-slurm: started: job ? step ? node "), "says where it runs: \(result.err)")

        result = try runWrapper(trialDirectory: job + "/trials/1", workingDirectory: dir.path("gone"), ["/bin/echo", "ran"])
        #expect(result.status == SlurmWrapper.failureExitCode)
        #expect(result.err.contains("cannot enter the working directory \(dir.path("gone"))"), "\(result.err)")
    }

    @Test func theStartedLineGivesTheJobOrStepAndTheNode() {
        #expect(SlurmWrapper.started("tune-slurm: started: job 579 step 0 node vm", inAllocation: false)! == ("579", "vm"))
        #expect(SlurmWrapper.started("tune-slurm: started: job 579 step 2 node gpu-3", inAllocation: true)! == ("579.2", "gpu-3"))
        #expect(SlurmWrapper.started("tune-slurm: started: job ? step ? node vm", inAllocation: false) == nil)
        #expect(SlurmWrapper.started("tune-slurm: the trial folder /x is not on node vm", inAllocation: false) == nil)
    }

    /// Lines as Slurm 22.05 writes them (recorded on the CI cluster, see .ci/slurm-notes.md).
    @Test func slurmsOwnLinesSayHowItEndedATrial() {
        let settings = SlurmSettings(timeLimitMinutes: 1, memory: "2G")
        func judge(_ lines: [String]) -> SchedulerEnd? { SlurmEndState.judge(lines: lines, settings: settings, node: "vm") }
        let timeLimit = judge([
            "slurmstepd-vm: error: *** STEP 31.0 ON vm CANCELLED AT 2026-11-22T01:02:03 DUE TO TIME LIMIT ***",
            "srun: error: vm: task 0: Terminated",
        ])
        #expect(timeLimit?.reason.hasPrefix("Slurm ended it at its time limit of 1 min (launcher.time)") == true)
        #expect(timeLimit?.isInfrastructure == false)
        let preempted = judge(["slurmstepd-vm: error: *** STEP 48.0 ON vm CANCELLED AT 2026-11-22T22:28:57 DUE TO PREEMPTION ***"])
        #expect(preempted?.isInfrastructure == true && preempted?.reason.contains("preempted") == true)
        let node = judge(["srun: error: Node failure on vm", "srun: error: Node failure on vm"])
        #expect(node?.isInfrastructure == true && node?.reason.contains("node vm failed") == true, "\(String(describing: node))")
        let memory = judge(["slurmstepd-vm: error: Detected 1 oom_kill event in StepId=7.0. Some of the step tasks have been OOM Killed."])
        #expect(memory?.reason.contains("launcher.mem is 2G") == true && memory?.isInfrastructure == false)
        #expect(judge(["slurmstepd-vm: error: *** STEP 38.0 ON vm CANCELLED AT 2026-11-22T22:26:42 ***"])?.reason.contains("someone other than tune") == true)
        #expect(judge(["srun: job 38 queued and waiting for resources", "srun: job 38 has been allocated resources"]) == nil)
        #expect(judge([]) == nil)
    }

    @Test func jobStatesFromScontrolMapLikeTheLines() {
        let settings = SlurmSettings()
        #expect(SlurmEndState.judge(state: "TIMEOUT", reason: "TimeLimit", settings: settings, node: nil)?.reason.contains("set launcher.time") == true)
        #expect(SlurmEndState.judge(state: "PREEMPTED", reason: nil, settings: settings, node: nil)?.isInfrastructure == true)
        #expect(SlurmEndState.judge(state: "NODE_FAIL", reason: "NodeDown", settings: settings, node: "n1")?.reason == "its Slurm node n1 failed (NODE_FAIL, NodeDown)")
        #expect(SlurmEndState.judge(state: "BOOT_FAIL", reason: nil, settings: settings, node: nil)?.isInfrastructure == true)
        #expect(SlurmEndState.judge(state: "OUT_OF_MEMORY", reason: nil, settings: settings, node: nil)?.isInfrastructure == false)
        for ordinary in ["COMPLETED", "FAILED", "RUNNING"] {
            #expect(SlurmEndState.judge(state: ordinary, reason: nil, settings: settings, node: nil) == nil)
        }
    }

    @Test func failureReasonsQuoteTheTrialNotSrun() {
        var tail = LastLine(queueLinePrefixes: SlurmProcess.queueLinePrefixes)
        for line in [
            "Traceback (most recent call last):", "ValueError: learning rate must be positive",
            "srun: error: vm: task 0: Exited with exit code 1", "slurmstepd-vm: error: *** STEP 3.0 ON vm CANCELLED AT x ***", "srun",
        ] {
            Array((line + "\n").utf8).withUnsafeBytes { tail.consume($0) }
        }
        #expect(tail.line == "srun", "a line that is only the word is the trial's")
        var error = LastLine(queueLinePrefixes: SlurmProcess.queueLinePrefixes)
        Array("ValueError: bad\nsrun: error: vm: task 0: Exited with exit code 1\nsrun: ".utf8).withUnsafeBytes { error.consume($0) }
        #expect(error.line == "ValueError: bad")
        #expect(error.schedulerLines == ["srun: error: vm: task 0: Exited with exit code 1"])
    }

    @Test func aTrialWaitingInSlurmIsShownAsPending() {
        var job = JobRecord(
            header: JobHeader(
                id: "j", createTime: Date(), spec: TuningSpec(), command: ["t"], workingDirectory: "/",
                configPath: "c.yml", configText: "", seed: 1, strategy: "random search"))
        job.apply(.trialCreated(trial: 1, parameters: [:], time: Date()))
        job.apply(.trialStarted(trial: 1, pid: 10, time: Date()))
        job.apply(.trialScheduled(trial: 1, status: SchedulerStatus(jobId: "77", state: "PENDING", reason: "Resources"), time: Date()))
        #expect(job.trials[0].state == .running && job.trials[0].shownState == .pending)
        #expect(job.trials[0].scheduler?.summary == "slurm job 77 PENDING (Resources)")
        job.apply(.trialScheduled(trial: 1, status: SchedulerStatus(jobId: "77", state: "RUNNING", reason: "None", node: "gpu3"), time: Date()))
        #expect(job.trials[0].shownState == .running)
        #expect(job.trials[0].scheduler?.summary == "slurm job 77 RUNNING on gpu3")
        #expect(SchedulerStatus(jobId: "5.2", state: "RUNNING", node: "n").summary == "slurm step 5.2 RUNNING on n")
    }
}

/// The background `squeue` and the shared-file-system note, against fake Slurm commands (scripts
/// that print what the real ones print), so that no cluster is needed.
@Suite("Slurm queue and checks, with fake commands", .limitedParallelism)
struct SlurmFakeCommandTests {
    /// A folder of executable scripts named like Slurm's commands.
    static func fakeTools(_ dir: TemporaryFolder, squeue: String = "exit 0", sinfo: String = "exit 0") throws -> SlurmTools {
        SlurmTools(
            srun: try dir.script("srun", "exit 1"), squeue: try dir.script("squeue", squeue), scancel: try dir.script("scancel", "exit 0"),
            scontrol: try dir.script("scontrol", "exit 1"), sinfo: try dir.script("sinfo", sinfo))
    }

    /// Ticks until the background squeue has answered (a few ms).
    static func settle(_ queue: SlurmQueue) {
        for _ in 0..<500 {
            queue.tick()
            usleep(2_000)
        }
    }

    @Test func squeueRowsUpdateTheTrialsItWatches() throws {
        let dir = try TemporaryFolder("tune-slurm")
        let tools = try Self.fakeTools(
            dir,
            squeue: """
                echo '41|tune-j-1|RUNNING|None|n7'
                echo '42|tune-j-2|PENDING|Resources|'
                echo '40|tune-j-3|COMPLETING|None|n1'
                echo '43|tune-j-3|PENDING|Priority|'
                echo '44|someone-else|RUNNING|None|n2'
                """)
        let queue = SlurmQueue(tools: tools, environment: ProcessInfo.processInfo.environment, allocation: nil, interval: 0)
        for name in ["tune-j-1", "tune-j-2", "tune-j-3", "tune-j-4"] { queue.watch(name) }
        queue.markRunning("tune-j-2", jobId: "42", node: "n3")
        Self.settle(queue)
        #expect(queue.status(of: "tune-j-1") == SchedulerStatus(jobId: "41", state: "RUNNING", reason: "None", node: "n7"))
        #expect(queue.status(of: "tune-j-2")?.state == "RUNNING", "a trial that said it started is not put back to pending by an older answer")
        #expect(queue.status(of: "tune-j-3")?.jobId == "43", "the newest job of a name (a new attempt) wins over one still completing")
        #expect(queue.status(of: "tune-j-4") == SchedulerStatus(state: "PENDING", reason: "submitted"), "not listed yet: still as submitted")
        #expect(queue.status(of: "someone-else") == nil)
    }

    @Test func stepsListedByTheAllocationAreRunning() throws {
        let dir = try TemporaryFolder("tune-slurm")
        let tools = try Self.fakeTools(
            dir,
            squeue: """
                [ "$3" = --jobs=77 ] || exit 3
                echo '77.0|tune-j-1|n7'
                """)
        let queue = SlurmQueue(tools: tools, environment: ProcessInfo.processInfo.environment, allocation: "77", interval: 0)
        queue.watch("tune-j-1")
        queue.watch("tune-j-2")
        Self.settle(queue)
        #expect(queue.status(of: "tune-j-1") == SchedulerStatus(jobId: "77.0", state: "RUNNING", node: "n7"))
        #expect(queue.status(of: "tune-j-2")?.isPending == true, "a step not created yet waits")
    }

    @Test func aStoreOnALocalDiskIsNotedWhenOtherNodesRunTheTrials() throws {
        let dir = try TemporaryFolder("tune-slurm")
        var system = utsname()
        uname(&system)
        let host = withUnsafeBytes(of: system.nodename) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let cluster = try Self.fakeTools(dir, sinfo: "echo 'node01,node02'")
        let note = SlurmPreflight.sharedFilesystemNote(
            storeRoot: "/dev/shm/tune-store", settings: SlurmSettings(), tools: cluster,
            environment: ProcessInfo.processInfo.environment)
        #expect(note?.contains("the job store /dev/shm/tune-store is on a local file system") == true, "\(String(describing: note))")
        #expect(note?.contains("node01,node02") == true)
        // A folder of its own, held while the check runs (the scripts go with the folder).
        let aloneFolder = try TemporaryFolder("tune-slurm")
        let alone = try Self.fakeTools(aloneFolder, sinfo: "echo '\(host)'")
        #expect(
            SlurmPreflight.sharedFilesystemNote(
                storeRoot: "/dev/shm/tune-store", settings: SlurmSettings(), tools: alone,
                environment: ProcessInfo.processInfo.environment) == nil,
            "a one-node cluster on this machine sees its disk")
    }
}
