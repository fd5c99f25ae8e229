import Foundation
import TuneCore

/// What `tune run` prints when the job ends, and the exit code that goes with it.
struct JobSummary {
    let job: JobRecord
    let outcome: JobOutcome
    let store: JobStore

    func finish() throws {
        let elapsed = (job.endTime ?? Date()).timeIntervalSince(job.header.createTime)
        var counts = "\(job.count(.succeeded)) succeeded"
        if job.count(.failed) > 0 { counts += ", \(job.count(.failed)) failed" }
        if job.count(.cancelled) > 0 { counts += ", \(job.count(.cancelled)) cancelled" }
        Console.out("Job \(job.id) \(job.state.rawValue): \(job.trials.count) trial\(job.trials.count == 1 ? "" : "s") (\(counts)) in \(DurationText.format(elapsed))")
        if job.state == .succeeded, let reason = job.stateReason { Console.out(reason.prefix(1).uppercased() + reason.dropFirst()) }
        if let line = job.frontAndSafetyText { Console.out(line) }
        if let best = job.bestTrial, let metric = best.finalMetric, let values = job.objectivesText(of: best) {
            let which = job.spec.isMultiObjective ? "On the front, best \(job.spec.metricTag): trial \(best.id)" : "Best trial \(best.id)"
            Console.out("\(which): \(values) (step \(metric.step))")
            let params = job.spec.params.compactMap { p in best.parameters[p.name].map { "\(p.name)=\($0)" } }
            if !params.isEmpty { Console.out("  " + params.joined(separator: " ")) }
            if let schedule = job.bestSchedule {
                // A PBT model was trained with a schedule, not one set of flags: a single run cannot reproduce it.
                Console.out("  " + ScheduleText.heading(schedule.trial, job: job))
                for line in ScheduleText.lines(schedule.steps, job: job) { Console.out("    " + line) }
            } else {
                Console.out("  reproduce: " + ReproduceCommand.line(for: best, in: job, store: store))
            }
        }
        let failures = FailureDigest.lines(for: job)
        if !failures.isEmpty {
            Console.stderr("Failed trials:")
            for line in failures { Console.stderr("  " + line) }
            Console.stderr("  see a trial's output with `tune logs \(job.id) --trial N`")
        }
        if job.spec.isMultiObjective {
            Console.out("See: tune trials \(job.id) --pareto · tune collect \(job.id) --trials pareto · tune report \(job.id)")
        } else {
            Console.out("See: tune trials \(job.id) · tune collect \(job.id) · tune status \(job.id)")
        }
        switch outcome {
        case .succeeded:
            return
        case .failed(let reason):
            throw CommandFailure(message: "job \(job.id) failed: \(reason)", code: 1)
        case .cancelled(let reason):
            throw CommandFailure(message: "job \(job.id) \(reason); its finished trials are kept in \(store.jobDirectory(job.id)). Go on with: tune resume \(job.id)", code: 130)
        }
    }
}

/// Failure reasons grouped: `3 × exited with code 1: ModuleNotFoundError: … (trials 1, 2, 5)`.
/// Reasons that differ only in the order of a printed set or dict are one group, shown as first seen.
enum FailureDigest {
    static func lines(for job: JobRecord) -> [String] {
        let failed = job.trials.filter { $0.state == .failed }
        return FailureGrouping.grouped(failed) { $0.failureReason ?? "no reason recorded" }.map { reason, trials in
            let ids = trials.map(\.id)
            let shown = ids.prefix(8).map(String.init).joined(separator: ", ") + (ids.count > 8 ? ", …" : "")
            return "\(ids.count) × \(reason) (trial\(ids.count == 1 ? "" : "s") \(shown))"
        }
    }
}
