/// Why a job could not be created, opened or run, for people; its kind decides the exit code
/// (`tune`'s commands map it in one place: 2 for usage, 1 for failed).
public struct SessionError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The user's input is wrong (a config, a name, an option): nothing was created or changed.
        case usage
        /// The job could not go on (a lock held, a journal that cannot be written, a folder gone).
        case failed
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func usage(_ message: String) -> SessionError { SessionError(.usage, message) }
    public static func failed(_ message: String) -> SessionError { SessionError(.failed, message) }

    public var description: String { message }
}
