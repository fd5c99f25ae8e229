import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Watching running trials: their output and metric files, their place in the launcher's queue,
/// and what they leave behind.
extension TuningRun {
    /// Waits until some trial writes or ends (or the poll interval passes), then reads all output.
    func waitForOutput() {
        var fds: [pollfd] = []
        var owners: [Int32: RunningTrial] = [:]
        for trial in running {
            for fd in trial.openStreams {
                fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
                owners[fd] = trial
            }
        }
        if let metricWatch, !running.isEmpty { fds.append(pollfd(fd: metricWatch.descriptor, events: Int16(POLLIN), revents: 0)) }
        let timeout = TimerSeconds.milliseconds(options.pollInterval)
        let ready = fds.isEmpty ? Int32(usleep(UInt32(timeout) * 1000)) : poll(&fds, nfds_t(fds.count), timeout)
        if ready > 0 {
            for entry in fds where entry.revents != 0 {
                owners[entry.fd]?.read(entry.fd)
                if let metricWatch, entry.fd == metricWatch.descriptor {
                    metricWatch.drain()
                    for trial in running where trial.exit == nil { trial.pollSourcesWithNews() }
                }
            }
        }
        let now = Date()
        for trial in running { trial.pollFiles(now: now, interval: options.metricFileInterval) }
    }

    /// Every trial has ended: whatever they left running outside their process groups goes too.
    func stopLeftovers() {
        let stopped = TrialLeftovers.stop(jobDirectory: store.jobDirectory(job.id))
        guard !stopped.isEmpty else { return }
        reporter.note(
            "stopped \(stopped.count) process\(stopped.count == 1 ? "" : "es") that trials left running outside their process groups (pid\(stopped.count == 1 ? "" : "s") \(stopped.map(String.init).joined(separator: ", ")); a `setsid` daemon?)"
        )
    }

    /// Journals each running trial's status in the launcher's queue when it changes (a Slurm job
    /// id, PENDING → RUNNING), so `tune status` shows it; the trial's running time starts when it runs.
    func trackLauncherStatus() throws(StoreError) {
        for trial in running where trial.exit == nil { try trackLauncherStatus(trial) }
    }

    func trackLauncherStatus(_ trial: RunningTrial) throws(StoreError) {
        trial.process.observe(schedulerLines: trial.schedulerLines)
        guard let status = trial.process.scheduler else { return }
        // Running once the queue says so, or once the trial reports (the queue may lag or fail).
        if trial.runningSince == nil, !status.isPending || trial.hasReported { trial.runningSince = Date() }
        guard status != trial.journaledScheduler else { return }
        trial.journaledScheduler = status
        try record(.trialScheduled(trial: trial.id, status: status, time: Date()))
    }

    /// Journals the readings that arrived; true when there were any.
    @discardableResult
    func flushReadings(_ trial: RunningTrial) throws(StoreError) -> Bool {
        for warning in trial.takeWarnings() { reporter.note("trial \(trial.id): \(warning)") }
        let readings = trial.takeUnrecorded()
        guard !readings.isEmpty else { return false }
        try record(.metrics(trial: trial.id, readings: readings))
        return true
    }
}
