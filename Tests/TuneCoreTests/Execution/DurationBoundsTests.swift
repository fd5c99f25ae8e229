import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// Issue 16: a duration of any Double — infinite, NaN, 1e300, negative — reaching a timer, a
/// deadline or a message never traps, and a trial being stopped still gets SIGKILL.
@Suite("Durations at the edges", .limitedParallelism)
struct DurationBoundsTests {
    static let absurd: [Double] = [.infinity, -.infinity, .nan, 1e300, -1e300, 9.3e18, -1, 0, .greatestFiniteMagnitude]

    @Test(arguments: absurd)
    func durationTextSaysAnyDouble(_ seconds: Double) {
        let text = DurationText.format(seconds)
        #expect(!text.isEmpty)
    }

    @Test(arguments: absurd)
    func aStoppedTrialIsKilledWithinTheLongestGracePeriod(_ grace: Double) {
        var teardown = Teardown(gracePeriod: grace)
        let now = Date()
        #expect(teardown.begin(1, now: now) == SIGTERM)
        // An hour is the longest grace period: by then the trial is due for SIGKILL.
        #expect(teardown.due(now: now.addingTimeInterval(3600)) == [1], "grace \(grace)")
    }

    @Test(arguments: absurd)
    func timerMillisecondsAreInRange(_ seconds: Double) {
        let milliseconds = TimerSeconds.milliseconds(seconds)
        #expect(milliseconds >= 0 && milliseconds <= 3_600_000)
        // What usleep gets when no trial has a pipe open.
        #expect(UInt64(milliseconds) * 1000 <= UInt64(UInt32.max))
        var options = RunOptions(gracePeriod: seconds)
        #expect(RunOptions.gracePeriodRange.contains(options.effectiveGracePeriod))
        options.gracePeriod = .nan
        #expect(options.effectiveGracePeriod == 10)
    }
}
