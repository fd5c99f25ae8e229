import Foundation

/// Trials packed on GPUs (trialsPerGPU): where a trial that ran out of GPU memory may run again.
extension TuningRun {
    /// The crowding a trial's next attempt must stay within: when its last attempt that started
    /// ran out of GPU memory on a GPU it shared with others, fewer trials than the most it shared
    /// that GPU with (itself included), and preferably another GPU. Derived from the journal (each
    /// attempt's `trial_started` GPUs and times, its failure reason), so a resumed job keeps it.
    func crowding(of id: Int) -> GPUPool.Crowding? {
        guard gpus.packs, let trial = job.trial(id) else { return nil }
        return GPUTenancy.crowding(after: trial, in: job.trials)
    }
}

extension TrialRecord {
    /// Its last attempt that started failed out of GPU memory (with trialsPerGPU, the next attempt
    /// waits for a GPU with fewer trials: `GPUTenancy.crowding(after:in:)`).
    public var ranOutOfGPUMemory: Bool {
        guard let attempt = previousAttempts.last(where: { $0.startTime != nil }), attempt.state == .failed, let reason = attempt.reason else { return false }
        return GPUOutOfMemory.matches(reason)
    }
}

/// Who shared which GPU when, as the journal tells it.
enum GPUTenancy {
    /// One attempt's time on its GPUs.
    struct Stay {
        var trial: Int
        var gpus: [String]
        var start: Date
        /// nil while it runs.
        var end: Date?

        func covers(_ time: Date) -> Bool {
            start <= time && time <= (end ?? .distantFuture)
        }
    }

    /// Every attempt of these trials that started with GPUs, earlier attempts included.
    static func stays(of trials: [TrialRecord]) -> [Stay] {
        var stays: [Stay] = []
        for trial in trials {
            for attempt in trial.previousAttempts {
                guard let gpus = attempt.gpus, let start = attempt.startTime else { continue }
                stays.append(Stay(trial: trial.id, gpus: gpus, start: start, end: attempt.endTime))
            }
            guard let gpus = trial.gpus, let start = trial.startTime else { continue }
            stays.append(Stay(trial: trial.id, gpus: gpus, start: start, end: trial.endTime))
        }
        return stays
    }

    /// The most trials that were on `gpu` at once between `start` and `end` (a count only rises
    /// when a trial starts, so it is counted at `start` and at each start after it).
    static func peak(on gpu: String, from start: Date, to end: Date, stays: [Stay]) -> Int {
        let there = stays.filter { $0.gpus.contains(gpu) && $0.start <= end && ($0.end ?? .distantFuture) >= start }
        let moments = [start] + there.map(\.start).filter { $0 > start && $0 <= end }
        var most = 0
        for moment in moments {
            most = max(most, there.filter { $0.covers(moment) }.count)
        }
        return most
    }

    /// See `TuningRun.crowding(of:)`: nil unless the trial's last attempt that started failed out
    /// of GPU memory on one GPU.
    static func crowding(after trial: TrialRecord, in trials: [TrialRecord]) -> GPUPool.Crowding? {
        guard trial.ranOutOfGPUMemory, let attempt = trial.previousAttempts.last(where: { $0.startTime != nil }),
            let gpu = attempt.gpus?.first, attempt.gpus?.count == 1,
            let start = attempt.startTime, let end = attempt.endTime
        else { return nil }
        let most = peak(on: gpu, from: start, to: end, stays: stays(of: trials))
        return GPUPool.Crowding(limit: max(1, most - 1), avoiding: gpu)
    }
}
