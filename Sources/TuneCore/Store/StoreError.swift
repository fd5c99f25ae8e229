/// A problem with the job store, said for a person.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file could not be read or written.
    case io(String)
    /// A journal is not what tune writes.
    case corrupt(String)
    /// No job matches the name the user gave.
    case noSuchJob(name: String, store: String, known: [String])
    /// `--job NAME` names a job that already exists.
    case jobExists(name: String, store: String)
    /// A job name tune cannot use as a folder name.
    case invalidJobName(String)
    /// Another tune process is running this job.
    case locked(job: String, pid: Int32?)

    public var description: String {
        switch self {
        case .io(let message), .corrupt(let message):
            return message
        case .noSuchJob(let name, let store, let known):
            if known.isEmpty {
                return "no job '\(name)' in \(store): the store has no jobs yet — start one with `tune run <command> --config <file>`"
            }
            let listed = known.prefix(5).joined(separator: ", ")
            return "no job '\(name)' in \(store) — known jobs: \(listed)\(known.count > 5 ? ", …" : "") (see `tune jobs`)"
        case .jobExists(let name, let store):
            return "job '\(name)' already exists in \(store): choose another --job name, or leave --job out for a generated one"
        case .invalidJobName(let name):
            return "'\(name)' cannot be a job name: \(Self.problem(withJobName: name)) — use letters, digits, '_', '-' and '.', not starting with '.' or '-', and not 'latest'"
        case .locked(let job, let pid):
            let holder = pid.map { "process \($0)" } ?? "another tune process"
            return "job '\(job)' is being run by \(holder): wait for it to finish, or stop it first"
        }
    }

    /// What makes `name` unusable, in words: the first offending character, or the rule it breaks.
    static func problem(withJobName name: String) -> String {
        if name.isEmpty { return "it is empty" }
        if name == "latest" { return "'latest' means the newest job" }
        if name.count > 128 { return "it is longer than 128 characters" }
        if let bad = name.first(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0))) }) {
            switch bad {
            case "/": return "a job name is a folder name, not a path: it cannot contain '/'"
            case " ": return "it contains a space"
            default:
                let shown =
                    bad.unicodeScalars.allSatisfy { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }
                    ? bad.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
                    : "'\(bad)'"
                return "it contains \(shown)"
            }
        }
        if name.hasPrefix(".") { return "it starts with '.'" }
        return "it starts with '-'"
    }
}
