/// How every command words a damaged journal: once, with the lines and what they took with them,
/// and where to go next (`tune doctor`).
public enum JournalDamageText {
    /// `line 57 (checksum mismatch: trial 5's end is lost)`, or `lines 57, 60 (…; and 1 more)`.
    public static func lines(_ damage: [JournalDamage]) -> String {
        guard let first = damage.first else { return "no line" }
        if damage.count == 1 { return first.description }
        let numbers = damage.prefix(8).map { String($0.line) }.joined(separator: ", ") + (damage.count > 8 ? ", …" : "")
        let more = damage.count - 1
        return "lines \(numbers) (line \(first.line): \(first.problemText): \(first.affects); and \(more) more line\(more == 1 ? "" : "s"))"
    }

    /// The warning of a command that reads the job and shows what it can.
    public static func warning(_ damage: [JournalDamage], journal: String, job: String) -> String {
        "journal \(journal) is damaged at \(lines(damage)) — run tune doctor \(job)"
    }

    /// Why resume and retry refuse.
    public static func refusal(_ damage: [JournalDamage], journal: String, job: String) -> String {
        "journal \(journal) is damaged at \(lines(damage)): running job \(job) on could run again a trial whose end was lost — "
            + "see what was lost with `tune doctor \(job)`, keep what is intact with `tune doctor \(job) --repair`, then resume; nothing was changed"
    }
}
