import Foundation

/// The GPUs tune may hand to trials (`gpusPerTrial`), by the ids CUDA knows them by.
///
/// In order of precedence: `--gpus 0,1,3`; `CUDA_VISIBLE_DEVICES` when set (tune then shares out
/// what it was given, as a scheduler would); else the GPUs `nvidia-smi -L` lists.
public enum GPUInventory {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func devices(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(Failure) -> (ids: [String], source: String) {
        if let option {
            let ids = option.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard !ids.isEmpty, ids.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }), Set(ids).count == ids.count else {
                throw Failure(description: "--gpus \(option): expected GPU ids such as 0,1,3, each once")
            }
            return (ids, "--gpus")
        }
        if let visible = environment["CUDA_VISIBLE_DEVICES"] {
            let ids = visible.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            // CUDA reads an invalid id as "no more devices": -1 hides every GPU.
            let usable = Array(ids.prefix { $0 != "-1" && $0 != "NoDevFiles" })
            return (usable, "CUDA_VISIBLE_DEVICES")
        }
        return (nvidiaSMI(environment: environment), "nvidia-smi -L")
    }

    /// GPU indices from `nvidia-smi -L` (`GPU 0: NVIDIA H100 … (UUID: GPU-…)`); none when it is
    /// missing, fails or hangs (10 s).
    static func nvidiaSMI(environment: [String: String]) -> [String] {
        guard let path = CommandResolver.onPath("nvidia-smi", path: environment["PATH"] ?? "/usr/bin:/bin"),
            let result = BackgroundCommand.run(path, ["-L"], environment: environment, timeout: 10), result.succeeded
        else { return [] }
        return parse(result.stdout)
    }

    /// The indices of the `GPU n:` lines (MIG devices, indented, are not separate GPUs here).
    static func parse(_ listing: String) -> [String] {
        listing.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("GPU "), let colon = line.firstIndex(of: ":") else { return nil }
            let index = line[line.index(line.startIndex, offsetBy: 4)..<colon]
            return Int(index) != nil ? String(index) : nil
        }
    }
}
