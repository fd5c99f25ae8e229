import Foundation
import TuneCore

/// One in-process search run with P trials in flight, as `tune run` with maxParallelTrials P
/// proposes them (TuningRun's `launchWhileSlotsFree`: one `propose(count: 1)` per free slot, the
/// trials still running in the history with state .running), and as the peers' runner for
/// Peers/results/<stem>_P<P>.json does it:
///
/// 1. propose trials 1…P one at a time, each seeing the earlier ones as .running;
/// 2. then, until N trials were proposed: the OLDEST trial in flight completes (evaluated, marked
///    .succeeded with its objective), and one new trial is proposed with the other P − 1 running;
/// 3. the trials still in flight complete in order.
///
/// The values are recorded in trial-id order (best_so_far[i] = best of trials 1…i+1). With P = 1
/// every proposal sees all earlier trials succeeded: the sequential run, proposal for proposal.
enum ParallelTrials {
    static func run(_ problem: BenchProblem, strategy: any SearchStrategy, parallel: Int, label: String, seed: Int) throws -> RunRecord {
        var values = [Double](repeating: .nan, count: problem.budget)
        let timing = try schedule(
            budget: problem.budget, strategy: strategy, parallel: parallel,
            describe: "\(label) proposed nothing for trial %d of \(problem.label), seed \(seed), \(parallel) in flight"
        ) { id, trial in
            let value = problem.evaluate(trial.assignment)
            values[id - 1] = value
            trial.objective = value
        }
        return RunRecord(seed: seed, values: values, optSecondsPerTrial: timing.proposeSeconds, wallSeconds: timing.wallSeconds)
    }

    /// The loop above for any problem: `complete(id, &trial)` evaluates trial `id` and records
    /// its outcome in the observation (already marked .succeeded); `describe` names a run that
    /// proposed nothing (`%d`: the trial id).
    static func schedule(
        budget: Int, strategy: any SearchStrategy, parallel: Int, describe: String,
        complete: (Int, inout TrialObservation) -> Void
    ) throws -> (proposeSeconds: [Double], wallSeconds: Double) {
        precondition(parallel >= 1, "parallel must be at least 1")
        let clock = ContinuousClock()
        let start = clock.now
        // The history in trial-id order: trial id k is history[k - 1].
        var history: [TrialObservation] = []
        history.reserveCapacity(budget)
        var inFlight: [Int] = []  // trial ids, oldest first
        var proposeSeconds: [Double] = []
        proposeSeconds.reserveCapacity(budget)

        func proposeNext() throws {
            let id = history.count + 1
            let t0 = clock.now
            let proposals = strategy.propose(count: 1, firstTrialId: id, history: history)
            proposeSeconds.append(SearchBenchmark.seconds(clock.now - t0))
            guard let point = proposals.first else {
                throw BenchError(describe.replacingOccurrences(of: "%d", with: String(id)))
            }
            history.append(TrialObservation(trialId: id, assignment: point, state: .running))
            inFlight.append(id)
        }

        func completeOldest() {
            let id = inFlight.removeFirst()
            history[id - 1].state = .succeeded
            complete(id, &history[id - 1])
        }

        while history.count < min(parallel, budget) { try proposeNext() }
        while history.count < budget {
            completeOldest()
            try proposeNext()
        }
        while !inFlight.isEmpty { completeOldest() }
        return (proposeSeconds, SearchBenchmark.seconds(clock.now - start))
    }
}
