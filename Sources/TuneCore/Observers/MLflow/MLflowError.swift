/// What went wrong talking to an MLflow tracking server, for people.
public struct MLflowError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The tracking URI is not one tune can use (a local file store, a typo).
        case badURI
        /// No answer: refused, timed out, a server error (5xx). Worth trying again later.
        case unreachable
        /// The server answered and refused this request (4xx): trying it again will not help.
        case rejected
    }

    public var kind: Kind
    public var message: String
    /// MLflow's `error_code` (RESOURCE_DOES_NOT_EXIST, RESOURCE_ALREADY_EXISTS, …) when it gave one.
    public var code: String?

    public init(_ kind: Kind, _ message: String, code: String? = nil) {
        self.kind = kind
        self.message = message
        self.code = code
    }

    public var description: String { message }
}
