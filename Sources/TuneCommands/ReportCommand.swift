import ArgumentParser
import Foundation
import TuneCore

/// `tune report <job>`: a self-contained HTML report of the job, its path on stdout.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a job: summary, charts, parameter importance, trials.",
        discussion: """
            The file needs nothing from the network. Default: report.html in the job's folder of the store.
            With --watch, tune rewrites the report whenever the job's journal grows, until the job ends: \
            open it in a browser and the page reloads itself while the job runs, and stops when it ends. \
            Each version replaces the last in one step, so a reader never sees half a file.
            """
    )

    @Argument(help: "The job name, or `latest`.", completion: JobNameCompletion.kind)
    var job: String = "latest"

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the report (default: <store>/<job>/report.html).", valueName: "file"))
    var output: String?

    @Flag(help: "Open the report in a browser ($BROWSER, else xdg-open, or open on macOS); without one, say how to open it.")
    var open = false

    @Flag(help: "Keep the report up to date while the job runs, and stop when it ends (Ctrl-C stops sooner).")
    var watch = false

    @Option(help: ArgumentHelp("With --watch: seconds between reads of the journal, and between the page's reloads.", valueName: "seconds"))
    var interval: Double = 2

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        try NumericOption.seconds(interval, "--interval", in: 0...3600, above: true)
    }

    func run() throws {
        let record = try storeOptions.load(job)
        let standard = storeOptions.jobStore.jobDirectory(record.id) + "/report.html"
        let path = output ?? standard
        if let output, ResolvedPath.of(output) != ResolvedPath.of(standard), let refusal = storeOptions.jobStore.refusal(toWrite: output, option: "-o") {
            throw CommandFailure.usage(refusal + " (or leave -o out for \(standard))")
        }
        let url = URL(fileURLWithPath: path)
        if watch {
            try Self.watch(job: record.id, path: path, interval: interval, store: storeOptions.jobStore, open: open)
            return
        }
        do {
            try PageFile.replace(path, with: HTMLReport(job: record).render())
        } catch {
            throw CommandFailure.failed("cannot write the report to \(path): \(error)")
        }
        Console.out(path)
        if open { Self.open(url) }
    }

    /// `--watch`: the live report (`LiveReport`), its path said once it is first written; ends with
    /// the job, or with Ctrl-C (exit 130, the page then stops reloading).
    static func watch(job: String, path: String, interval: Double, store: JobStore, open: Bool) throws {
        Interrupts.install()
        let live = LiveReport(store: store, job: job, path: path, interval: interval, reloadEvery: max(interval, 1))
        let end: LiveReport.End
        do {
            end = try live.run(stop: { Interrupts.count > 0 }) { version, running in
                guard version == 1 else { return }
                Console.out(path)
                if running {
                    Console.progress("job \(job) is running: rewriting the report as it goes, until the job ends (Ctrl-C to stop)")
                }
                if open { Self.open(URL(fileURLWithPath: path)) }
            }
        } catch {
            throw CommandFailure.failed(error.description)
        }
        switch end {
        case .jobEnded(let state):
            Console.progress("job \(job) \(state.rawValue.lowercased()): the report is final")
        case .runnerGone:
            Console.progress("job \(job) is marked running, but no tune process runs it (`tune resume \(job)` goes on): the report no longer reloads")
        case .stopped:
            throw CommandFailure(message: "stopped watching job \(job): the report no longer reloads", code: 130)
        }
    }

    /// Hands the file to a browser — each command of $BROWSER (colon-separated, `%s` standing for
    /// the URL, as xdg-open and Python's webbrowser read it), else the desktop's opener — or, when
    /// there is none or none managed, says where the report is and how to open it. Never an error:
    /// the report is written either way.
    static func open(_ url: URL) {
        #if os(macOS)
        let opener = "open"
        #else
        let opener = "xdg-open"
        #endif
        let environment = ProcessInfo.processInfo.environment
        let path = environment["PATH"] ?? ""
        var commands: [[String]] = []
        for entry in (environment["BROWSER"] ?? "").split(separator: ":") {
            var words = entry.split(separator: " ").map(String.init)
            guard !words.isEmpty else { continue }
            if words.contains(where: { $0.contains("%s") }) {
                words = words.map { $0.replacingOccurrences(of: "%s", with: url.absoluteString) }
            } else {
                words.append(url.absoluteString)
            }
            commands.append(words)
        }
        commands.append([opener, url.path])
        var tried: [String] = []
        for words in commands {
            guard let executable = words[0].contains("/") ? words[0] : CommandResolver.onPath(words[0], path: path),
                FileManager.default.isExecutableFile(atPath: executable)
            else { continue }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = Array(words.dropFirst())
            process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
            do {
                try process.run()
                process.waitUntilExit()
            } catch {
                tried.append("\(words[0]) failed (\(error.localizedDescription))")
                continue
            }
            if process.terminationReason == .exit && process.terminationStatus == 0 { return }
            tried.append("\(words[0]) failed (exit \(process.terminationStatus))")
        }
        let why = tried.isEmpty ? "no $BROWSER is set and there is no \(opener) on PATH" : tried.joined(separator: "; ")
        let host = ProcessInfo.processInfo.hostName
        Console.stderr(
            """
            tune: could not open a browser (\(why)). The report is \(url.path):
              open \(url.absoluteString) in a web browser on this machine, or copy it to yours first: scp \(ReproduceCommand.shellQuoted(host + ":" + url.path)) .
            """)
    }
}
