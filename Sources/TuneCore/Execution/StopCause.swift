/// Why tune itself stopped a running trial; the cause decides how the trial's end is recorded.
/// A stronger cause replaces a weaker one (`cancelled` > `timedOut` > `stoppedEarly`): a trial
/// told to stop early that then times out failed, and one the user cancels is cancelled.
enum StopCause: Equatable, Sendable {
    /// The scheduler judged it behind (the median stopping rule): SUCCEEDED with its value so far.
    case stoppedEarly(String)
    /// It ran past trialTimeout: FAILED.
    case timedOut(String)
    /// The job is being stopped (an interrupt, a job stop rule): CANCELLED.
    case cancelled(String)

    var reason: String {
        switch self {
        case .stoppedEarly(let reason), .timedOut(let reason), .cancelled(let reason): reason
        }
    }

    private var strength: Int {
        switch self {
        case .stoppedEarly: 0
        case .timedOut: 1
        case .cancelled: 2
        }
    }

    /// `current` raised to `cause` if that is stronger.
    static func raise(_ current: StopCause?, to cause: StopCause) -> StopCause {
        guard let current, current.strength >= cause.strength else { return cause }
        return current
    }
}
