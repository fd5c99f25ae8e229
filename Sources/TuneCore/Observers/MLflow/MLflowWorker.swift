import Foundation

/// The MLflow observer's own thread: it takes the job's latest state from the run's loop and brings
/// the server up to date (`MLflowSync`), one request at a time. Only the newest state waits, so
/// however slow the server, what is queued stays one job record. When the server cannot be reached
/// it says so once (`problem`), waits a while (`backoff`, doubling), then tries again with the
/// latest state, which holds everything missed.
final class MLflowWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var sync: MLflowSync
    /// The newest state not yet sent.
    private var pending: JobRecord?
    private var busy = false
    /// The last sync failed for want of the server, so the server lacks something.
    private var behind = false
    /// The server could not be reached at some point: said once, not at every outage.
    private var saidUnreachable = false
    private var retryAt: Date?
    private var backoff: TimeInterval
    private let firstBackoff: TimeInterval
    private let maximumBackoff: TimeInterval
    /// The least time between two syncs while the run goes on, so that a burst of events (a
    /// trial's readings) goes out as one state, not one sync per event.
    private let gather: TimeInterval
    private var lastSync = Date.distantPast
    /// `runEnded`: one last try without waiting out the backoff, then stop.
    private var finishing = false
    private var stopped = false
    /// The sync's client, whose answers `finish` counts.
    private let client: MLflowClient
    private var problems: [String] = []
    private var rejectionsSaid = 0

    init(sync: MLflowSync, backoff: TimeInterval = 10, maximumBackoff: TimeInterval = 120, gather: TimeInterval = 0.25) {
        self.sync = sync
        client = sync.client
        self.backoff = backoff
        firstBackoff = backoff
        self.maximumBackoff = maximumBackoff
        self.gather = gather
    }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "tune-mlflow"
        thread.start()
    }

    /// The job as it now stands (called on the run's loop: never waits on the network).
    func submit(_ job: JobRecord) {
        condition.lock()
        pending = job
        condition.broadcast()
        condition.unlock()
    }

    /// Problems met since the last call, for the run's loop to say.
    func takeProblems() -> [String] {
        condition.lock()
        defer { condition.unlock() }
        let taken = problems
        problems = []
        return taken
    }

    /// Waits until the latest state is sent, the server proved unreachable, no request has
    /// completed for `idle` seconds (one hangs), or `limit` seconds in all; then the thread stops
    /// after what it is doing. Returns whether the server has everything.
    func finish(idle: TimeInterval, limit: TimeInterval) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        finishing = true
        retryAt = nil
        let end = Date().addingTimeInterval(limit)
        var lastProgress = Date()
        var answered = client.answered
        condition.broadcast()
        while (pending != nil || busy) && !stopped {
            // A request answered since the last look: the server is slow, not gone.
            if client.answered != answered {
                answered = client.answered
                lastProgress = Date()
            }
            let deadline = min(end, lastProgress.addingTimeInterval(idle))
            if Date() >= deadline { break }
            _ = condition.wait(until: min(deadline, Date().addingTimeInterval(0.1)))
        }
        let done = pending == nil && !busy && !behind
        stopped = true
        condition.broadcast()
        return done
    }

    private func loop() {
        while let job = next() {
            var attempt = sync
            let failure: MLflowError?
            do throws(MLflowError) {
                try attempt.sync(job)
                failure = nil
            } catch {
                failure = error
            }
            // What was sent before a failure is kept: the next try starts from there.
            sync = attempt
            settle(job, failure: failure)
        }
    }

    /// The next state to send; nil once stopped.
    private func next() -> JobRecord? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if stopped { return nil }
            let due = finishing ? Date.distantPast : max(retryAt ?? .distantPast, lastSync.addingTimeInterval(gather))
            if let job = pending, Date() >= due {
                pending = nil
                busy = true
                return job
            }
            if pending != nil {
                _ = condition.wait(until: due)
            } else {
                condition.wait()
            }
        }
    }

    private func settle(_ job: JobRecord, failure: MLflowError?) {
        condition.lock()
        defer { condition.unlock() }
        busy = false
        lastSync = Date()
        for rejection in sync.rejections.dropFirst(rejectionsSaid) { problems.append("MLflow refused \(rejection)") }
        rejectionsSaid = sync.rejections.count
        if let failure {
            if !saidUnreachable {
                saidUnreachable = true
                problems.append(failure.message)
            }
            behind = true
            if pending == nil { pending = job }
            if finishing {
                stopped = true
            } else {
                retryAt = Date().addingTimeInterval(backoff)
                backoff = min(backoff * 2, maximumBackoff)
            }
        } else {
            behind = false
            retryAt = nil
            backoff = firstBackoff
        }
        condition.broadcast()
    }
}
