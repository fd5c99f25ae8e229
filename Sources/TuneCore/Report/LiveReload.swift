import Foundation

/// What a report written by `tune report --watch` adds while its job runs: a line saying the page
/// is live, and a timer that reloads it. The page written when the job ends has neither, so a
/// browser showing the report stops reloading at its next reload after the end.
extension HTMLReport {
    /// The "live" line under the title, empty on a finished page.
    var liveBanner: String {
        guard let seconds = reloadEvery else { return "" }
        let e = HTMLEscape.escape
        return "<p class=\"live\" id=\"live\">● Live: job \(e(job.id)) is running. This page reloads itself every "
            + e(Self.seconds(seconds)) + " s while it runs (written at " + e(Self.timestamp(generated))
            + "), and stops when the job ends.</p>\n"
    }

    /// 2, 0.5, 1.25: seconds as people write them.
    static func seconds(_ value: TimeInterval) -> String {
        value == value.rounded() && value < 1e9 ? String(Int(value)) : String(format: "%g", value)
    }

    /// Keeps the reader's place across reloads (every page restores it, so the final one does too),
    /// and, while the job runs, reloads the page after `reloadEvery`.
    var liveScript: String {
        var script = """

            (function () {
              var key = "tune-report-scroll:" + location.pathname, y = null;
              try { y = sessionStorage.getItem(key); sessionStorage.removeItem(key); } catch (e) {}
              if (y !== null) { window.scrollTo(0, +y); }
            """
        if let seconds = reloadEvery {
            let milliseconds = Int((max(seconds, 0.1) * 1000).rounded())
            script += """

                  setTimeout(function () {
                    try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) {}
                    location.reload();
                  }, \(milliseconds));
                """
        }
        return script + "\n})();\n"
    }
}
