import Foundation

/// Remembers recent hyperparameter fits, keyed by exactly the data they were fitted to.
///
/// Only exact hits are used, so a cached fit is the fit that would be recomputed and a proposal
/// stays a function of (spec, seed, history): a resumed job proposes what the original would
/// have. (Optuna warm-starts each fit from the previous trial's; that would make the proposal
/// depend on which calls came before, so tune starts every fit from fixed points instead.)
/// Hits are common: with parallel trials, every proposal made while the same set of trials
/// has succeeded fits the same data.
final class FitCache: @unchecked Sendable {
    struct Key: Hashable {
        var x: [Double]
        var y: [Double]
    }

    private let lock = NSLock()
    private var entries: [(key: Key, parameters: KernelParameters)] = []
    private let capacity = 8

    func parameters(for key: Key) -> KernelParameters? {
        lock.lock()
        defer { lock.unlock() }
        return entries.first { $0.key == key }?.parameters
    }

    func store(_ parameters: KernelParameters, for key: Key) {
        lock.lock()
        defer { lock.unlock() }
        entries.removeAll { $0.key == key }
        entries.append((key, parameters))
        if entries.count > capacity { entries.removeFirst() }
    }
}
