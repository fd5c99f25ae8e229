import Foundation
import Testing

/// At most a few tests at once, across every suite that carries this trait: a slot per running
/// test case, taken before it starts and given back when it ends.
///
/// Swift Testing starts every test at once. The end-to-end tests each run tune and its trials as
/// real processes and wait on the wall clock (a trial's timeout, a grace period, a tune that must
/// end within a minute); with a hundred of them at once on a two-core machine, the processes
/// starve one another and the clocks run out. The width is 3 per CPU core (at least 4), or
/// `TUNE_TEST_WIDTH`.
///
/// A test's `.timeLimit` counts the wait for its slot too, so time limits are backstops against
/// a hang (10 minutes); each run of tune has its own limit (`Sandbox.tune`'s timeout).
public struct LimitedParallelism: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        // The suite's own scope wraps its tests: only test cases take a slot.
        guard testCase != nil else { return try await function() }
        await TestSlots.shared.acquire()
        do {
            try await function()
        } catch {
            await TestSlots.shared.release()
            throw error
        }
        await TestSlots.shared.release()
    }
}

extension Trait where Self == LimitedParallelism {
    /// See `LimitedParallelism`.
    public static var limitedParallelism: Self { LimitedParallelism() }
}

/// The slots `LimitedParallelism` hands out, first come first served.
actor TestSlots {
    static let shared = TestSlots(width: width)

    static var width: Int {
        if let text = ProcessInfo.processInfo.environment["TUNE_TEST_WIDTH"], let width = Int(text), width > 0 { return width }
        return max(4, 3 * ProcessInfo.processInfo.activeProcessorCount)
    }

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(width: Int) {
        free = width
    }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}
