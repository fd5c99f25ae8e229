import Foundation
import Testing
import TuneTestSupport

/// Examples/pytorch-gpu-packing as its README runs it, on the CPU, with a stand-in `nvidia-smi`
/// that lists one GPU: the config's trialsPerGPU 4 packs four trials on it, each seeing GPU 0.
/// One epoch each: on the CI machine's two cores most of a trial is importing PyTorch.
@Suite("End to end: the PyTorch GPU-packing example", .limitedParallelism, .enabled(if: MLPython.runnable, Comment(rawValue: MLPython.why)))
struct GPUPackingExampleTests {
    @Test(.timeLimit(.minutes(10)))
    func fourTrialsShareTheOneGPU() async throws {
        let sandbox = try Sandbox()
        let source = TuneBinary.repository.appendingPathComponent("Examples/pytorch-gpu-packing")
        for name in ["train.py", "tuning.yml"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: sandbox.dir.appendingPathComponent(name))
        }
        try sandbox.standInNvidiaSMI(gpus: 1)
        let path = sandbox.path("bin") + ":" + MLPython.environment()["PATH"]!
        let run = try await CloudTrainerExampleTests.tune(
            sandbox, ["python", "train.py", "--epochs", "1", "--config", "tuning.yml", "--job", "pack"],
            env: MLPython.environment(["PATH": path, "CUDA_VISIBLE_DEVICES": "", "PYTHONDONTWRITEBYTECODE": "1"]), timeout: 420)
        try #require(run.status == 0, "\(run)")
        #expect(run.stderr.contains("1 GPU (0) at 4 trials per GPU: 4 trials at a time, not maxParallelTrials 8"), "\(run)")
        let trials = try await CloudTrainerExampleTests.succeeded(sandbox, "pack", count: 8)
        var spans: [(start: Date, end: Date)] = []
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for trial in trials {
            let id = try #require(trial["trialId"] as? String)
            #expect(sandbox.read(".tune/pack/trials/\(id)/stdout.log")?.contains("device=cpu CUDA_VISIBLE_DEVICES=0\n") == true, "trial \(id)")
            let start = try #require((trial["startTime"] as? String).flatMap { format.date(from: $0) })
            let end = try #require((trial["endTime"] as? String).flatMap { format.date(from: $0) })
            spans.append((start, end))
        }
        let most = spans.map { span in spans.filter { $0.start <= span.start && span.start < $0.end }.count }.max()
        #expect(most == 4, "four trials at once on the one GPU, never more: \(spans)")
    }
}
