/// One damaged line of a journal: where it is, what is wrong with it, and what it takes with it.
public struct JournalDamage: Sendable, Equatable, CustomStringConvertible {
    public enum Problem: Sendable, Equatable {
        /// The line is not a JSON event tune knows how to read.
        case notJSON
        /// Format 3: the line's checksum does not match its bytes.
        case checksumMismatch
        /// Format 3: the line has no checksum.
        case missingChecksum
        /// The event reads, but contradicts the events before it (said in words).
        case contradiction(String)
    }

    /// 1-based line number in the journal.
    public var line: Int
    /// Byte offset of the line's first byte.
    public var offset: Int
    public var problem: Problem
    /// What is lost with it, for people: "trial 5's end is lost".
    public var affects: String
    /// The trial the line was about, as far as it can be read; nil when unknown or not a trial's.
    public var trial: Int?
    /// The line was a trial's end (`trial_finished`).
    public var wasTrialEnd: Bool

    public init(line: Int, offset: Int, problem: Problem, affects: String, trial: Int? = nil, wasTrialEnd: Bool = false) {
        self.line = line
        self.offset = offset
        self.problem = problem
        self.affects = affects
        self.trial = trial
        self.wasTrialEnd = wasTrialEnd
    }

    public var problemText: String {
        switch problem {
        case .notJSON: return "not a journal event"
        case .checksumMismatch: return "checksum mismatch"
        case .missingChecksum: return "no checksum"
        case .contradiction(let what): return what
        }
    }

    /// `line 57 (checksum mismatch: trial 5's end is lost)`
    public var description: String { "line \(line) (\(problemText): \(affects))" }
}
