import Foundation
import Testing
import TuneTestSupport

/// trialsPerGPU and fractional gpusPerTrial with a real tune and a stand-in `nvidia-smi` on the
/// PATH: several trials packed on each GPU, and a trial that ran out of GPU memory run again where
/// it has fewer neighbours.
@Suite("End to end: trials packed on GPUs", .limitedParallelism)
struct GPUPackingEndToEndTests {
    typealias Run = (trial: String, attempt: String, gpus: [String], start: Double, end: Double)

    /// A sandbox whose `bin/nvidia-smi` lists `count` GPUs, and `train.sh`: it logs its trial,
    /// attempt, CUDA_VISIBLE_DEVICES and start and end times to runs.txt, running `body` between.
    static func machine(gpus count: Int, body: String) throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.standInNvidiaSMI(gpus: count)
        try sandbox.script(
            "train.sh",
            """
            start=$(date +%s.%N)
            log() { echo "$TUNE_TRIAL_ID ${TUNE_TRIAL_ATTEMPT:-1} $CUDA_VISIBLE_DEVICES $start $(date +%s.%N)" >> '\(sandbox.path("runs.txt"))'; }
            \(body)
            log
            echo acc=0.5
            """)
        return sandbox
    }

    static func env(_ sandbox: Sandbox) -> [String: String] {
        ["PATH": sandbox.path("bin") + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"), "CUDA_VISIBLE_DEVICES": ""]
    }

    static func runs(_ sandbox: Sandbox) -> [Run] {
        (sandbox.read("runs.txt") ?? "").split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 5, let start = Double(f[3]), let end = Double(f[4]) else { return nil }
            return (f[0], f[1], f[2].split(separator: ",").map(String.init), start, end)
        }
    }

    /// The most runs that overlapped at once, on `gpu` or (nil) on any GPU: the count only rises
    /// when a run starts, so it is taken at each start.
    static func most(_ runs: [Run], on gpu: String? = nil) -> Int {
        let there = runs.filter { gpu == nil || $0.gpus == [gpu!] }
        return there.map { run in there.filter { $0.start <= run.start && run.start < $0.end }.count }.max() ?? 0
    }

    @Test(arguments: ["trialsPerGPU: 2", "gpusPerTrial: 0.5"])
    func fourTrialsRunAtOnceTwoOnEachGPU(sharing: String) async throws {
        let sandbox = try Self.machine(gpus: 2, body: "sleep 1.5")
        try sandbox.write("c.yml", config(maxTrials: 8, parallel: 8, extra: sharing))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "p"], env: Self.env(sandbox))
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("2 GPUs (0,1) at 2 trials per GPU: 4 trials at a time, not maxParallelTrials 8"), "\(run)")
        let runs = Self.runs(sandbox)
        #expect(runs.count == 8, "\(runs)")
        #expect(runs.allSatisfy { $0.gpus == ["0"] || $0.gpus == ["1"] }, "each trial sees exactly one GPU: \(runs)")
        #expect(Self.most(runs) == 4, "four at once: \(runs)")
        #expect(Self.most(runs, on: "0") == 2 && Self.most(runs, on: "1") == 2, "never more than two on a GPU: \(runs)")
        // The first four start together: two on each GPU, in turn.
        let first = runs.filter { Int($0.trial)! <= 4 }.sorted { Int($0.trial)! < Int($1.trial)! }.map { $0.gpus[0] }
        #expect(first == ["0", "1", "0", "1"], "\(runs)")
    }

    @Test func statusShowsEachTrialsGPUAndWhoSharesIt() async throws {
        // Trial 3 asks tune status (into status.txt, in the job's working directory) until it shows
        // trials 1 to 4 on their GPUs (10 s at most), then lets the others end (`done`).
        let sandbox = try Self.machine(
            gpus: 2,
            body: """
                i=0
                if [ "$TUNE_TRIAL_ID" = 3 ]; then
                  while [ $i -lt 100 ]; do
                    '\(TuneBinary.path)' status s > status.txt 2>&1
                    [ "$(grep -c ', GPU ' status.txt)" -ge 4 ] && break
                    sleep 0.1; i=$((i+1))
                  done
                  touch done
                fi
                while [ ! -e done ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i+1)); done
                """)
        try sandbox.write("c.yml", config(maxTrials: 4, parallel: 4, extra: "trialsPerGPU: 2"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "s"], env: Self.env(sandbox))
        #expect(run.status == 0, "\(run)")
        let status = sandbox.read("status.txt") ?? ""
        for line in ["trial 1, ", "trial 2, ", "trial 3, ", "trial 4, "] {
            #expect(status.contains(line), "\(status)")
        }
        let lines = status.split(separator: "\n").map(String.init)
        let one = lines.first { $0.contains("trial 1, ") } ?? ""
        let two = lines.first { $0.contains("trial 2, ") } ?? ""
        #expect(one.contains("GPU 0 (shared with trial 3)"), "\(status)")
        #expect(two.contains("GPU 1 (shared with trial 4)"), "\(status)")
    }

    /// PyTorch's traceback for a CUDA allocation that failed, as a trial prints it.
    static let torchOOM = #"""
        cat >&2 <<'TRACE'
        Traceback (most recent call last):
          File "/home/u/train.py", line 41, in <module>
            main()
          File "/home/u/train.py", line 33, in main
            out = model(x)
        torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.06 GiB is free. Including non-PyTorch memory, this process has 38.11 GiB memory in use.
        TRACE
        """#

    @Test func aTrialOutOfGPUMemoryRunsAgainWithFewerNeighboursAndAScriptErrorDoesNot() async throws {
        // Trial 1 runs out of memory on its first attempt, with trial 3 on its GPU; trial 4 raises
        // a ValueError, its own bug. Six trials, so new ones are waiting when trial 1 fails. Trial
        // 3 asks tune status until it shows trial 1's retry waiting (10 s at most); trials 2 and 3,
        // whose GPUs the retry waits for, go on only after that (`done`).
        let sandbox = try Self.machine(
            gpus: 2,
            body: """
                case "$TUNE_TRIAL_ID:${TUNE_TRIAL_ATTEMPT:-1}" in
                  1:1) sleep 0.5; log; \(Self.torchOOM)
                    exit 1 ;;
                  3:1) i=0
                    while [ $i -lt 100 ]; do
                      '\(TuneBinary.path)' status o > status.txt 2>&1
                      grep -q '^waiting' status.txt && break
                      sleep 0.1; i=$((i+1))
                    done
                    touch done ;;
                  2:1) i=0; while [ ! -e done ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i+1)); done ;;
                  4:*) sleep 0.5; log; printf 'Traceback (most recent call last):\\n  File "train.py", line 3\\nValueError: lr too large\\n' >&2; exit 1 ;;
                esac
                sleep 1.5
                """)
        try sandbox.write("c.yml", config(maxTrials: 6, parallel: 6, extra: "trialsPerGPU: 2\nmaxTrialRetries: 2\nmaxFailedTrials: 3"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "o"], env: Self.env(sandbox))
        #expect(run.status == 0, "\(run)")
        #expect(
            run.stderr.contains("trial 1 failed, out of GPU memory (its error says “cuda out of memory”): running it again (retry 1 of 2, maxTrialRetries)"),
            "\(run)")
        #expect(run.stderr.components(separatedBy: "running it again").count == 2, "a script's error is not retried: \(run)")
        let trials = byId(try await trialsJSON(sandbox, "o"))
        #expect(trials[1]?["state"] as? String == "SUCCEEDED" && trials[1]?["attempt"] as? Int == 2, "\(trials)")
        #expect(trials[4]?["state"] as? String == "FAILED" && trials[4]?["attempt"] == nil, "\(trials)")
        #expect((trials[4]?["failureReason"] as? String)?.contains("ValueError: lr too large") == true, "\(trials)")

        // Asked by trial 3 while trial 1's retry waited.
        let status = sandbox.read("status.txt") ?? ""
        let waiting = status.split(separator: "\n").first { $0.contains("trial 1,") }
        #expect(waiting?.hasPrefix("waiting") == true, "\(status)")
        #expect(waiting?.hasSuffix("trial 1, for a GPU with fewer trials (its last attempt ran out of GPU memory)") == true, "\(status)")

        let runs = Self.runs(sandbox)
        let failed = try #require(runs.first { $0.trial == "1" && $0.attempt == "1" }, "\(runs)")
        let retry = try #require(runs.first { $0.trial == "1" && $0.attempt == "2" }, "\(runs)")
        let neighbours = { (of: Run) in
            runs.filter { $0.trial != of.trial && $0.gpus == of.gpus && $0.start < of.end && of.start < $0.end }.map(\.trial)
        }
        #expect(neighbours(failed) == ["3"], "it failed sharing GPU 0 with trial 3: \(runs)")
        #expect(neighbours(retry).isEmpty, "its retry had its GPU to itself (fewer neighbours than the one it failed with): \(runs)")
        #expect(Self.most(runs, on: "0") <= 2 && Self.most(runs, on: "1") <= 2, "\(runs)")
        #expect(runs.count == 7, "six trials and one retry: \(runs)")
    }

    @Test func aShareOfAGPUThatIsNotOneOverKIsALocatedError() async throws {
        let sandbox = try Self.machine(gpus: 2, body: "")
        try sandbox.write("c.yml", config(maxTrials: 2, extra: "gpusPerTrial: 0.3"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml"], env: Self.env(sandbox))
        #expect(run.status == 2, "\(run)")
        #expect(
            run.stderr.contains(
                "c.yml:6:15: error: gpusPerTrial below 1 must be 1/k of a GPU for a whole number k of trials sharing it (0.5, 0.25, 0.2, …), got '0.3' — for 3 trials on each GPU write gpusPerTrial: 0.3333 or trialsPerGPU: 3; for 4, gpusPerTrial: 0.25 or trialsPerGPU: 4"
            ), "\(run)")
        #expect(!sandbox.exists(".tune"))
    }
}
