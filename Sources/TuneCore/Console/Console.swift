#if canImport(Glibc)
import Glibc
#endif

/// The one way tune talks to the terminal, for the commands and the core alike: results on stdout,
/// everything else on stderr, whole lines written at once (so lines of trials echoed with
/// `--verbose` never cut into them).
///
/// Prefixes: `error:`, `warning:` and `note:` for what is said about the user's input and setup;
/// `tune:` for what happens while a job runs (`ProgressReporter`, the watchdog).
public enum Console {
    public static func error(_ text: String) {
        let prefixed = text.hasPrefix("Error:") || text.contains(": error:") ? text : "error: " + text
        stderr(prefixed)
    }

    public static func warning(_ text: String) {
        stderr("warning: " + text)
    }

    public static func note(_ text: String) {
        stderr("note: " + text)
    }

    /// A line about the job in progress.
    public static func progress(_ text: String) {
        stderr("tune: " + text)
    }

    public static func stderr(_ text: String) {
        write(STDERR_FILENO, text.hasSuffix("\n") ? text : text + "\n")
    }

    public static func out(_ text: String) {
        write(STDOUT_FILENO, text + "\n")
    }

    /// Writes `text` to stderr as it is (no newline added): the status line's redraws.
    public static func draw(_ text: String) {
        write(STDERR_FILENO, text)
    }

    static func write(_ descriptor: Int32, _ text: String) {
        var text = text
        text.withUTF8 { write(descriptor, UnsafeRawBufferPointer($0)) }
    }

    /// Writes bytes as they are (a trial's own output, echoed with `--verbose`).
    static func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
        }
    }
}
