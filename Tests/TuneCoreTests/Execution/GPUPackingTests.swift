import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// Trials packed on GPUs (trialsPerGPU): the pool's placement, and what a trial that ran out of GPU
/// memory may be placed on when it runs again.
@Suite("GPU packing: placement and out-of-memory retries", .limitedParallelism)
struct GPUPackingTests {
    @Test func aNewTrialGoesToTheGPUWithTheFewestTrialsTiesToTheFirst() {
        var pool = GPUPool(gpus: ["0", "1", "2"], perTrial: 1, trialsPerGPU: 2)
        #expect(pool.packs)
        #expect(pool.slots(maxParallel: 10) == 6)
        #expect(pool.slots(maxParallel: 4) == 4)
        var placed: [String] = []
        for trial in 1...6 { placed += pool.take(for: trial) ?? ["none"] }
        #expect(placed == ["0", "1", "2", "0", "1", "2"], "spread evenly, lowest index first among equals")
        #expect(!pool.hasRoom() && pool.take(for: 7) == nil, "two trials on each GPU at most")
        pool.release(["1"], of: 2)
        #expect(pool.take(for: 7) == ["1"], "the GPU a trial left is the only one with room")
        pool.release(["0"], of: 1)
        pool.release(["0"], of: 4)
        pool.release(["2"], of: 3)
        #expect(pool.take(for: 8) == ["0"], "an empty GPU before one with a trial")
        #expect(pool.take(for: 9) == ["0"], "GPUs 0 and 2 hold one trial each: the first")
        #expect(pool.take(for: 10) == ["2"])
        #expect(pool.load.map(\.trials) == [[8, 9], [5, 7], [6, 10]])
    }

    @Test func aTrialThatCouldNotStartGivesItsPlaceBack() {
        var pool = GPUPool(gpus: ["0", "1"], perTrial: 1, trialsPerGPU: 3)
        _ = pool.take(for: 1)
        _ = pool.take(for: 2)
        pool.release(["1"], of: 2, started: false)
        #expect(pool.load.map(\.trials) == [[1], []])
        #expect(pool.take(for: 3) == ["1"])
    }

    @Test func wholeGPUsPerTrialAreUnchanged() {
        var pool = GPUPool(gpus: ["0", "1", "2"], perTrial: 1, trialsPerGPU: nil)
        #expect(!pool.packs && pool.slots(maxParallel: 8) == 3)
        #expect(pool.take(for: 1) == ["0"] && pool.take(for: 2) == ["1"])
        pool.release(["0"], of: 1)
        #expect(pool.free == ["2", "0"])
        // Whole GPUs: a crowding limit changes nothing, the slots decide.
        #expect(pool.hasRoom(for: GPUPool.Crowding(limit: 1, avoiding: "2")))
        #expect(pool.take(for: 3, crowding: GPUPool.Crowding(limit: 1, avoiding: "2")) == ["2"])
        var none = GPUPool(gpus: ["0"], perTrial: nil, trialsPerGPU: 4)
        #expect(!none.packs && none.take(for: 1) == [] && none.slots(maxParallel: 5) == 5)
    }

    @Test func aRetryAvoidsTheGPUItRanOutOfMemoryOnAmongEquallyLoadedOnes() {
        var pool = GPUPool(gpus: ["0", "1"], perTrial: 1, trialsPerGPU: 2)
        _ = pool.take(for: 1)  // 0
        _ = pool.take(for: 2)  // 1
        // Trial 3 failed on GPU 0 with 2 trials there: it may run with 1 at most, and would rather not on 0.
        let retry = GPUPool.Crowding(limit: 1, avoiding: "0")
        #expect(!pool.hasRoom(for: retry), "both GPUs hold a trial: it waits")
        #expect(pool.hasRoom(), "a new trial would fit, but the loop starts none while a retry waits")
        pool.release(["0"], of: 1)
        #expect(pool.take(for: 3, crowding: retry) == ["0"], "the only GPU where it runs alone, even its own")
        #expect(pool.take(for: 4) == ["1"], "no trial joins it beyond its limit: the next goes to GPU 1")
        #expect(!pool.hasRoom())
        pool.release(["1"], of: 2)
        pool.release(["1"], of: 4)
        pool.release(["0"], of: 3)
        #expect(pool.take(for: 5, crowding: retry) == ["1"], "with both GPUs empty it goes to the other one")
        #expect(pool.take(for: 6) == ["0"])
        #expect(pool.take(for: 7) == ["0"], "GPU 1 holds only the retried trial: nobody joins it")
        #expect(pool.take(for: 8) == nil)
    }

    @Test func aRetryWithRoomForNeighboursGoesWhereItHasFewerThanBefore() {
        var pool = GPUPool(gpus: ["0", "1", "2"], perTrial: 1, trialsPerGPU: 4)
        for trial in 1...5 { _ = pool.take(for: trial) }  // 0: 1,4  1: 2,5  2: 3
        // It failed with 4 trials on GPU 2: its limit is 3 (itself and 2 neighbours).
        let retry = GPUPool.Crowding(limit: 3, avoiding: "2")
        #expect(pool.take(for: 9, crowding: retry) == ["2"], "GPU 2 is the least loaded, so it goes back there")
        _ = pool.take(for: 10)  // 0 and 1 hold 2 each, 2 holds 2: the first, 0
        #expect(pool.load.map(\.trials) == [[1, 4, 10], [2, 5], [3, 9]])
        #expect(pool.take(for: 11) == ["1"])
        #expect(pool.take(for: 12) == ["2"], "3 trials on GPU 2 are within trial 9's limit")
        #expect(pool.take(for: 13) == ["0"])
        #expect(pool.take(for: 14) == ["1"])
        #expect(pool.take(for: 15) == nil, "GPU 2 stays at trial 9's limit of 3")
    }

    // MARK: - Out of memory

    /// PyTorch 2.x's traceback for a CUDA allocation that failed, as it prints it.
    static let torchOOM = """
        Traceback (most recent call last):
          File "/home/u/train.py", line 41, in <module>
            main()
          File "/home/u/train.py", line 33, in main
            out = model(x)
          File "/usr/lib/python3/site-packages/torch/nn/modules/module.py", line 1736, in _wrapped_call_impl
            return self._call_impl(*args, **kwargs)
        torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.06 GiB is free. Including non-PyTorch memory, this process has 38.11 GiB memory in use. Of the allocated memory 37.50 GiB is allocated by PyTorch, and 112.40 MiB is reserved by PyTorch but unallocated.

        """

    /// TensorFlow's: the OOM line, then a hint and a logger's lines after it.
    static let tensorflowOOM = """
        2026-12-05 09:10:01.123456: W tensorflow/core/common_runtime/bfc_allocator.cc:474] Allocator (GPU_0_bfc) ran out of memory trying to allocate 1.00GiB
        tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM when allocating tensor with shape[8192,32768] and type float on /job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc [Op:MatMul]
        Hint: If you want to see a list of allocated tensors when OOM happens, add report_tensor_allocations_upon_oom to RunOptions for current allocation info.
        I1205 09:10:01.200000 140000 train.py:88] shutting down

        """

    static func tail(_ text: String) -> String? {
        var tail = LastLine()
        Array(text.utf8).withUnsafeBytes { tail.consume($0) }
        return tail.line
    }

    @Test func theOutOfMemoryLineIsQuotedWhetherLastOrAFewLinesUp() throws {
        let torch = try #require(Self.tail(Self.torchOOM))
        #expect(torch.hasPrefix("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB."))
        let tensorflow = try #require(Self.tail(Self.tensorflowOOM))
        #expect(tensorflow.hasPrefix("tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM when allocating tensor"))
        // Without one, the last line as before.
        #expect(Self.tail("loading\nValueError: bad lr\n") == "ValueError: bad lr")
    }

    @Test(
        arguments: [
            "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB",
            "RuntimeError: CUDA out of memory. Tried to allocate 1.00 GiB (GPU 0; 15.78 GiB total capacity)",
            "tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM when allocating tensor with shape[64,1024]",
            "F external/xla/xla/stream_executor/cuda/cuda_driver.cc:152] CUDA_ERROR_OUT_OF_MEMORY: out of memory",
            "jaxlib.xla_extension.XlaRuntimeError: RESOURCE_EXHAUSTED: Out of memory while trying to allocate 4294967296 bytes.",
            "RuntimeError: CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`",
            "RuntimeError: cuDNN error: CUDNN_STATUS_ALLOC_FAILED",
            "torch.OutOfMemoryError: HIP out of memory. Tried to allocate 2.00 GiB",
        ])
    func outOfGPUMemoryIsInfrastructure(line: String) throws {
        #expect(GPUOutOfMemory.matches(line))
        let sign = try #require(InfrastructureFailure.sign(exit: .exited(1), reason: "exited with code 1: " + line))
        #expect(sign.hasPrefix("out of GPU memory (its error says “"), "\(sign)")
    }

    @Test(arguments: ["MemoryError", "java.lang.OutOfMemoryError: Java heap space", "ValueError: out of range", "terminate called after throwing an instance of 'std::bad_alloc'"])
    func otherErrorsAreNot(line: String) {
        #expect(!GPUOutOfMemory.matches(line))
        #expect(InfrastructureFailure.sign(exit: .exited(1), reason: "exited with code 1: " + line) == nil)
    }

    // MARK: - Crowding from the journal

    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// A trial that ran on `gpu` from t0+start to t0+end (nil: still running).
    static func trial(_ id: Int, gpu: String, _ start: Double, _ end: Double?, state: TrialState = .succeeded, reason: String? = nil) -> TrialRecord {
        var trial = TrialRecord(id: id, parameters: [:], createTime: t0)
        trial.gpus = [gpu]
        trial.startTime = t0.addingTimeInterval(start)
        trial.endTime = end.map { t0.addingTimeInterval($0) }
        trial.state = end == nil ? .running : state
        trial.failureReason = reason
        return trial
    }

    /// `trial` failed (its current attempt moved to previousAttempts) and waits for its retry.
    static func retried(_ trial: TrialRecord) -> TrialRecord {
        var trial = trial
        trial.startAttempt(TrialRerun(trial: trial.id, attempt: 2, cause: .retry, time: t0.addingTimeInterval(100)))
        return trial
    }

    static let oom = "exited with code 1: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB"

    @Test func theRetryMayHaveFewerTrialsOnItsGPUThanTheMostItFailedWith() throws {
        // GPU 0: trials 1 (0–50), 2 (10–20), 3 (15–40, out of memory). At 15 three trials were there.
        let failed = Self.retried(Self.trial(3, gpu: "0", 15, 40, state: .failed, reason: Self.oom))
        let trials = [Self.trial(1, gpu: "0", 0, 50), Self.trial(2, gpu: "0", 10, 20), failed, Self.trial(4, gpu: "1", 0, nil)]
        #expect(GPUTenancy.crowding(after: failed, in: trials) == GPUPool.Crowding(limit: 2, avoiding: "0"))
        // Alone on it: alone again (on another GPU when one is free).
        let alone = Self.retried(Self.trial(5, gpu: "1", 60, 70, state: .failed, reason: Self.oom))
        #expect(GPUTenancy.crowding(after: alone, in: [alone]) == GPUPool.Crowding(limit: 1, avoiding: "1"))
    }

    @Test func otherFailuresAndResumesLeaveNoCrowding() throws {
        let script = Self.retried(Self.trial(3, gpu: "0", 15, 40, state: .failed, reason: "exited with code 1: ValueError: bad lr"))
        #expect(GPUTenancy.crowding(after: script, in: [script]) == nil)
        // Cancelled before its retry started (tune stopped), then resumed: the attempt that ran decides.
        var resumed = Self.retried(Self.trial(3, gpu: "0", 15, 40, state: .failed, reason: Self.oom))
        resumed.state = .cancelled
        resumed.startAttempt(TrialRerun(trial: 3, attempt: 3, cause: .resume, time: Self.t0.addingTimeInterval(200)))
        let neighbour = Self.trial(1, gpu: "0", 0, 50)
        #expect(GPUTenancy.crowding(after: resumed, in: [neighbour, resumed]) == GPUPool.Crowding(limit: 1, avoiding: "0"))
    }
}
