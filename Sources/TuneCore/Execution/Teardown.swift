import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How tune stops a trial, whatever the reason (an interrupt, trialTimeout, early stopping): SIGTERM
/// to its process group now, SIGKILL when the grace period has passed and it is still there. One
/// value per run, holding each stopping trial's deadline; the loop sends what it says.
struct Teardown: Equatable {
    let gracePeriod: TimeInterval
    /// Trial → when it gets SIGKILL.
    private(set) var deadlines: [Int: Date] = [:]

    init(gracePeriod: TimeInterval) {
        self.gracePeriod = TimerSeconds.clamped(gracePeriod, to: RunOptions.gracePeriodRange, fallback: 10)
    }

    /// Starts stopping `trial`: send SIGTERM now. A trial already stopping keeps its earlier deadline.
    mutating func begin(_ trial: Int, now: Date) -> Int32 {
        let deadline = now.addingTimeInterval(gracePeriod)
        deadlines[trial] = min(deadlines[trial] ?? deadline, deadline)
        return SIGTERM
    }

    /// The trials whose grace period has passed: send SIGKILL now (each once).
    mutating func due(now: Date) -> [Int] {
        let due = deadlines.filter { $0.value <= now }.keys.sorted()
        for trial in due { deadlines[trial] = nil }
        return due
    }

    /// Stops waiting on `trial` (it ended, or is killed at once).
    mutating func forget(_ trial: Int) {
        deadlines[trial] = nil
    }
}
