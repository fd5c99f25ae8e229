import Foundation
import TuneCore

/// What `run`, `resume` and `retry` share once the job's session is open: run the trials, then
/// print the summary and exit with the job's outcome.
enum JobExecution {
    static func run(_ session: JobSession, plan: RunPlan, options: RunOptions, quiet: Bool) throws {
        let outcome = try session.run(plan, options: options, reporter: ProgressReporter(quiet: quiet))
        try JobSummary(job: session.job, outcome: outcome, store: session.store).finish()
    }
}
