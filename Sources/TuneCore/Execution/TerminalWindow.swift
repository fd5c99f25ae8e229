#if canImport(Glibc)
import Glibc
#endif

/// The size of the terminal a descriptor writes to, if it is one.
public enum TerminalWindow {
    /// (columns, rows), or nil when `fd` is not a terminal or does not say.
    public static func size(of fd: Int32) -> (columns: Int, rows: Int)? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row))
    }
}
