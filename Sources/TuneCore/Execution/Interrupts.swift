#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C and SIGTERM, counted by a signal handler and read by the tuning loop between polls.
/// The first stops launching and tears trials down gracefully; the second escalates at once.
public enum Interrupts {
    nonisolated(unsafe) private static var received: sig_atomic_t = 0
    nonisolated(unsafe) private static var lastSignal: sig_atomic_t = 0

    /// Installs the handlers (and ignores SIGPIPE, so a closed terminal does not kill tune).
    public static func install() {
        signal(SIGPIPE, SIG_IGN)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { number in
                Interrupts.received += 1
                Interrupts.lastSignal = number
            }
        }
        // A parent may have started tune with these signals blocked (the mask is inherited: e.g. a
        // process spawned from a libdispatch worker thread); unblock them so the handlers can run.
        var handled = sigset_t()
        sigemptyset(&handled)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&handled, sig) }
        pthread_sigmask(SIG_UNBLOCK, &handled, nil)
    }

    /// How many interrupts arrived so far.
    public static var count: Int { Int(received) }

    /// The name of the last one (`SIGINT`, …), for messages.
    public static var lastSignalName: String {
        switch lastSignal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(lastSignal)"
        }
    }
}
