/// Something outside tune's store that follows a job as it runs: TensorBoard's HParams files, an
/// MLflow tracking server. The run hands every observer each event right after it is journaled and
/// applied, with the job as it now stands, so an observer sees exactly what the journal holds and
/// `tune export` can replay a finished job through the same observer.
///
/// An observer never stops, fails or slows the run: it cannot throw, it says a problem once through
/// `note`, and one that does slow work (the network) does it off the run's loop.
public protocol JobObserver: AnyObject {
    /// The run begins (a new job, or one resumed or retried): `job` holds every earlier event.
    func runStarted(_ job: JobRecord)
    /// `event` was journaled and applied: `job` already includes it.
    func observe(_ event: JournalEvent, in job: JobRecord)
    /// The run is over, whatever its end: finish what is in flight, within a bounded wait.
    func runEnded(_ job: JobRecord)
}
