/// The GPUs tune shares out among a run's trials (gpusPerTrial with `--gpus` or every visible GPU):
/// each trial takes its own and gives them back when it ends, so no GPU ever serves two trials.
/// Where the launcher's system places GPUs itself (Slurm), tune shares none.
struct GPUPool: Equatable {
    /// GPUs no running trial holds, in the order they are given out.
    private(set) var free: [String]
    /// GPUs each trial takes; nil when tune shares none out.
    let perTrial: Int?
    private let total: Int

    init(gpus: [String], perTrial: Int?) {
        free = gpus
        total = gpus.count
        self.perTrial = perTrial
    }

    /// Trials that may run at once: `maxParallel`, and no more than the GPUs allow.
    func slots(maxParallel: Int) -> Int {
        guard let perTrial else { return maxParallel }
        return min(maxParallel, total / perTrial)
    }

    /// A trial's GPUs (none when tune shares none). Only called with a slot free, so there are enough.
    mutating func take() -> [String] {
        guard let perTrial else { return [] }
        let taken = Array(free.prefix(perTrial))
        free.removeFirst(taken.count)
        return taken
    }

    /// GPUs a trial that could not start gives back: first in line again.
    mutating func putBack(_ gpus: [String]) {
        free.insert(contentsOf: gpus, at: 0)
    }

    /// GPUs a trial that ended gives back.
    mutating func release(_ gpus: [String]) {
        free.append(contentsOf: gpus)
    }
}
