import ArgumentParser
import Foundation
import TuneCore

/// `tune report <job>`: a self-contained HTML report of the job, its path on stdout.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a job: summary, charts, parameter importance, trials.",
        discussion: "The file needs nothing from the network. Default: report.html in the job's folder of the store."
    )

    @Argument(help: "The job name, or `latest`.")
    var job: String = "latest"

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the report (default: <store>/<job>/report.html).", valueName: "file"))
    var output: String?

    @Flag(help: "Open the report in a browser (xdg-open, or open on macOS).")
    var open = false

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let record = try storeOptions.load(job)
        let path = output ?? storeOptions.jobStore.jobDirectory(record.id) + "/report.html"
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(HTMLReport(job: record).render().utf8).write(to: url, options: .atomic)
        } catch {
            throw CommandFailure.failed("cannot write the report to \(path): \(error.localizedDescription)")
        }
        Console.out(path)
        if open { Self.open(url) }
    }

    /// Hands the file to the desktop's opener, or says how to open it.
    static func open(_ url: URL) {
        #if os(macOS)
        let opener = "open"
        #else
        let opener = "xdg-open"
        #endif
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        guard let executable = directories.map({ $0 + "/" + opener }).first(where: FileManager.default.isExecutableFile(atPath:)) else {
            Console.stderr("tune: no \(opener) on PATH; open \(url.absoluteString) in a web browser")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [url.path]
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            Console.stderr("tune: \(opener) failed (\(error.localizedDescription)); open \(url.absoluteString) in a web browser")
        }
    }
}
