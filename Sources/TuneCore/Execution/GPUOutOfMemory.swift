/// The error lines of a trial that ran out of GPU memory, as PyTorch, TensorFlow, JAX and the CUDA
/// libraries print them. Such a failure is the machine's (`InfrastructureFailure`): with several
/// trials on one GPU (trialsPerGPU) its neighbours may have taken the memory.
///
/// - PyTorch: `torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate …`,
///   `RuntimeError: CUDA out of memory. …` (ROCm builds: `HIP out of memory`);
/// - TensorFlow: `ResourceExhaustedError: OOM when allocating tensor with shape …`,
///   `CUDA_ERROR_OUT_OF_MEMORY`;
/// - JAX/XLA: `RESOURCE_EXHAUSTED: Out of memory while trying to allocate …`;
/// - cuBLAS, cuDNN: `CUBLAS_STATUS_ALLOC_FAILED`, `CUDNN_STATUS_ALLOC_FAILED`.
///
/// Host memory errors (Python's `MemoryError`, `std::bad_alloc`) are not among them.
enum GPUOutOfMemory {
    /// Lowercased, as they appear in the line.
    static let markers = [
        "cuda out of memory", "hip out of memory", "oom when allocating tensor", "cuda_error_out_of_memory",
        "resource_exhausted: out of memory", "cublas_status_alloc_failed", "cudnn_status_alloc_failed",
    ]

    /// The marker `text` (lowercased) contains, if any.
    static func marker(in lowercased: String) -> String? {
        markers.first { lowercased.contains($0) }
    }

    static func matches(_ line: String) -> Bool {
        marker(in: line.lowercased()) != nil
    }
}
