/// The GPUs tune shares out among a run's trials (gpusPerTrial with `--gpus` or every visible GPU).
///
/// With a whole gpusPerTrial each trial takes its own and gives them back when it ends, so no GPU
/// ever serves two trials. With `trialsPerGPU` k (or gpusPerTrial 1/k) up to k trials are packed on
/// each GPU, each seeing that one: a new trial goes to the GPU with the fewest trials on it (ties:
/// the first in the list), so the load spreads evenly. A trial retried after running out of GPU
/// memory carries a `Crowding` limit: it is placed only where it has fewer neighbours than when it
/// failed, and no trial joins its GPU beyond that limit while it runs.
/// Where the launcher's system places GPUs itself (Slurm), tune shares none.
struct GPUPool: Equatable {
    /// How many trials a GPU may hold while a given trial runs on it, and which GPU that trial
    /// would rather not get among equally loaded ones (the one it ran out of memory on).
    struct Crowding: Equatable {
        /// Trials on its GPU, itself included, at most.
        var limit: Int
        var avoiding: String?
    }

    private struct Tenant: Equatable {
        var trial: Int
        var limit: Int
    }

    /// GPUs no running trial holds, in the order they are given out (whole GPUs per trial).
    private(set) var free: [String]
    /// GPUs each trial takes; nil when tune shares none out.
    let perTrial: Int?
    /// Trials packed on each GPU (1: each trial has its GPUs to itself).
    let trialsPerGPU: Int
    private let ids: [String]
    /// With packing: the trials on each GPU, by its position in `ids`.
    private var tenants: [[Tenant]]

    init(gpus: [String], perTrial: Int?, trialsPerGPU: Int? = nil) {
        free = gpus
        ids = gpus
        self.perTrial = perTrial
        self.trialsPerGPU = perTrial == nil ? 1 : max(1, trialsPerGPU ?? 1)
        tenants = Array(repeating: [], count: gpus.count)
    }

    /// Whether trials share GPUs (trialsPerGPU above 1).
    var packs: Bool { perTrial != nil && trialsPerGPU > 1 }

    /// Trials that may run at once: `maxParallel`, and no more than the GPUs allow.
    func slots(maxParallel: Int) -> Int {
        guard let perTrial else { return maxParallel }
        if packs { return min(maxParallel, ids.count * trialsPerGPU) }
        return min(maxParallel, ids.count / perTrial)
    }

    /// A trial's GPUs (none when tune shares none). Only called with a slot free, so there are enough.
    mutating func take() -> [String] {
        guard let perTrial else { return [] }
        let taken = Array(free.prefix(perTrial))
        free.removeFirst(taken.count)
        return taken
    }

    /// Trial `trial`'s GPUs: whole ones as `take()` gives them, or with packing its place on the
    /// least loaded GPU that `crowding` (and every trial already there) allows; nil when no GPU
    /// allows it now (it waits for a trial to end).
    mutating func take(for trial: Int, crowding: Crowding? = nil) -> [String]? {
        guard packs else { return take() }
        guard let index = place(crowding) else { return nil }
        tenants[index].append(Tenant(trial: trial, limit: crowding?.limit ?? trialsPerGPU))
        return [ids[index]]
    }

    /// Whether a trial with `crowding` could be placed now (always, without packing: slots decide).
    func hasRoom(for crowding: Crowding? = nil) -> Bool {
        !packs || place(crowding) != nil
    }

    /// The position of the GPU a trial goes to: among those where one more trial stays within
    /// trialsPerGPU, every tenant's limit and its own, the one with the fewest trials; among
    /// equally loaded ones any but `avoiding`, then the first.
    private func place(_ crowding: Crowding?) -> Int? {
        var best: (index: Int, load: Int, avoided: Bool)?
        for index in ids.indices {
            let load = tenants[index].count
            var limit = min(trialsPerGPU, crowding?.limit ?? trialsPerGPU)
            for tenant in tenants[index] { limit = min(limit, tenant.limit) }
            guard load + 1 <= limit else { continue }
            let avoided = ids[index] == crowding?.avoiding
            if let current = best {
                if load > current.load { continue }
                if load == current.load && (avoided || !current.avoided) { continue }
            }
            best = (index, load, avoided)
        }
        return best?.index
    }

    /// Trials on each GPU now, in the inventory's order (with packing).
    var load: [(gpu: String, trials: [Int])] {
        ids.indices.map { (ids[$0], tenants[$0].map(\.trial)) }
    }

    /// GPUs a trial that could not start gives back: first in line again.
    mutating func putBack(_ gpus: [String]) {
        free.insert(contentsOf: gpus, at: 0)
    }

    /// GPUs a trial that ended gives back.
    mutating func release(_ gpus: [String]) {
        free.append(contentsOf: gpus)
    }

    /// Trial `trial`'s GPUs given back, whether it ended or could not start.
    mutating func release(_ gpus: [String], of trial: Int, started: Bool = true) {
        guard packs else {
            if started { release(gpus) } else { putBack(gpus) }
            return
        }
        for index in tenants.indices { tenants[index].removeAll { $0.trial == trial } }
    }
}
