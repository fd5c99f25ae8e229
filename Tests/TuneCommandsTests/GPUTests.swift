import Foundation
import Testing
import TuneTestSupport

/// gpusPerTrial on a multi-GPU machine, with a fake `nvidia-smi` on the PATH.
@Suite("End to end: one trial per GPU", .limitedParallelism)
struct GPUTests {
    /// A sandbox with `bin/nvidia-smi` listing `count` GPUs, and a trial that logs its
    /// CUDA_VISIBLE_DEVICES with its start and end times.
    static func machine(gpus count: Int) throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.standInNvidiaSMI(gpus: count)
        try sandbox.script(
            "train.sh",
            """
            start=$(date +%s.%N)
            sleep 0.2
            echo "$TUNE_TRIAL_ID $CUDA_VISIBLE_DEVICES $start $(date +%s.%N)" >> '\(sandbox.path("gpus.txt"))'
            echo acc=0.5
            """)
        return sandbox
    }

    static var path: String { ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin" }

    /// (trial, GPUs, start, end) per run, from the trials' log.
    static func runs(_ sandbox: Sandbox) -> [(trial: String, gpus: [String], start: Double, end: Double)] {
        (sandbox.read("gpus.txt") ?? "").split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ").map(String.init)
            guard f.count == 4, let start = Double(f[2]), let end = Double(f[3]) else { return nil }
            return (f[0], f[1].split(separator: ",").map(String.init), start, end)
        }
    }

    /// No two trials that ran at the same time shared a GPU.
    static func expectNoSharing(_ runs: [(trial: String, gpus: [String], start: Double, end: Double)]) {
        for a in runs {
            for b in runs where a.trial < b.trial && a.start < b.end && b.start < a.end {
                #expect(Set(a.gpus).isDisjoint(with: b.gpus), "trials \(a.trial) and \(b.trial) overlapped on \(a.gpus) / \(b.gpus)")
            }
        }
    }

    @Test func eachTrialGetsAGPUOfItsOwnAndParallelismIsCapped() async throws {
        let sandbox = try Self.machine(gpus: 3)
        try sandbox.write("c.yml", config(maxTrials: 9, parallel: 4, extra: "gpusPerTrial: 1"))
        let run = try await sandbox.tune(
            ["./train.sh", "--config", "c.yml", "--job", "g"],
            env: ["PATH": sandbox.path("bin") + ":" + Self.path, "CUDA_VISIBLE_DEVICES": ""])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("3 GPUs (0,1,2) at 1 per trial: 3 trials at a time, not maxParallelTrials 4"), "\(run)")
        let runs = Self.runs(sandbox)
        #expect(runs.count == 9)
        #expect(runs.allSatisfy { $0.gpus.count == 1 && ["0", "1", "2"].contains($0.gpus[0]) }, "\(runs)")
        Self.expectNoSharing(runs)
        // Three at a time: some trials did overlap (the GPUs were all used).
        let overlapping = runs.contains { a in runs.contains { b in a.trial != b.trial && a.start < b.end && b.start < a.end } }
        #expect(overlapping)
    }

    @Test func twoGPUsPerTrialFromTheGpusOption() async throws {
        let sandbox = try Self.machine(gpus: 0)
        try sandbox.write("c.yml", config(maxTrials: 6, parallel: 4, extra: "gpusPerTrial: 2"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--gpus", "0,1,3,4,7"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("5 GPUs (0,1,3,4,7) at 2 per trial: 2 trials at a time"), "\(run)")
        let runs = Self.runs(sandbox)
        #expect(runs.count == 6)
        #expect(runs.allSatisfy { $0.gpus.count == 2 && Set($0.gpus).isSubset(of: ["0", "1", "3", "4", "7"]) }, "\(runs)")
        Self.expectNoSharing(runs)
    }

    @Test func cudaVisibleDevicesIsWhatTuneSharesOut() async throws {
        let sandbox = try Self.machine(gpus: 8)
        try sandbox.write("c.yml", config(maxTrials: 4, parallel: 2, extra: "gpusPerTrial: 1"))
        let run = try await sandbox.tune(
            ["./train.sh", "--config", "c.yml"],
            env: ["PATH": sandbox.path("bin") + ":" + Self.path, "CUDA_VISIBLE_DEVICES": "5,6"])
        #expect(run.status == 0, "\(run)")
        #expect(Set(Self.runs(sandbox).flatMap(\.gpus)).isSubset(of: ["5", "6"]))
    }

    @Test(arguments: [("", "no GPU was found (nvidia-smi -L)"), ("-1", "no GPU was found (CUDA_VISIBLE_DEVICES)")])
    func noGPUIsAUsageErrorAndCreatesNothing(visible: String, message: String) async throws {
        let sandbox = try Self.machine(gpus: 0)
        try sandbox.write("c.yml", config(maxTrials: 2, extra: "gpusPerTrial: 1"))
        // The fake nvidia-smi lists no GPU; /bin has none.
        let run = try await sandbox.tune(
            ["./train.sh", "--config", "c.yml"],
            env: ["PATH": sandbox.path("bin") + ":/usr/bin:/bin", "CUDA_VISIBLE_DEVICES": visible])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("gpusPerTrial is 1 but \(message)"), "\(run)")
        #expect(run.stderr.contains("--gpus"), "says what to do: \(run)")
        #expect(!sandbox.exists(".tune"))
    }

    @Test func tooFewGPUsForOneTrial() async throws {
        let sandbox = try Self.machine(gpus: 1)
        try sandbox.write("c.yml", config(maxTrials: 2, extra: "gpusPerTrial: 2"))
        let run = try await sandbox.tune(
            ["./train.sh", "--config", "c.yml"],
            env: ["PATH": sandbox.path("bin") + ":" + Self.path, "CUDA_VISIBLE_DEVICES": ""])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("gpusPerTrial is 2 but only 1 GPU (0) from nvidia-smi -L"), "\(run)")
    }
}

extension Sandbox {
    /// `bin/nvidia-smi` (put it on the trials' PATH) answering `-L` with `count` GPUs, as the real
    /// one lists them.
    func standInNvidiaSMI(gpus count: Int) throws {
        let lines = (0..<count).map { "echo \"GPU \($0): NVIDIA H100 80GB HBM3 (UUID: GPU-\($0)aa)\"" }.joined(separator: "\n")
        try script("bin/nvidia-smi", "[ \"$1\" = -L ] || exit 2\n" + lines)
    }
}
