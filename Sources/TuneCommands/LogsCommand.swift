import ArgumentParser
import Foundation
import TuneCore

#if canImport(Glibc)
import Glibc
#endif

/// `tune logs <job> --trial N [--follow]`: a trial's stdout and stderr.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print a trial's output: its stdout on stdout, its stderr on stderr.",
        discussion: "Without --trial, the most recently started trial. With --follow, keeps printing as the trial writes, until it ends."
    )

    @Argument(help: "The job name, or `latest`.", completion: JobNameCompletion.kind)
    var job: String = "latest"

    @Option(help: "The trial id (default: the most recently started trial).")
    var trial: Int?

    @Flag(name: .shortAndLong, help: "Keep printing new output until the trial ends.")
    var follow = false

    @Flag(help: "Only the trial's stdout.")
    var stdout = false

    @Flag(help: "Only the trial's stderr.")
    var stderr = false

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let store = storeOptions.jobStore
        let record = try storeOptions.load(job)
        guard let chosen = trial.flatMap(record.trial) ?? (trial == nil ? record.trials.last { $0.startTime != nil } : nil) else {
            if let trial {
                let known = record.trials.isEmpty ? "it has no trials yet" : "its trials are 1…\(record.trials.last!.id)"
                throw CommandFailure.usage("job \(record.id) has no trial \(trial): \(known)")
            }
            throw CommandFailure.usage("job \(record.id) has no started trial yet")
        }
        let directory = store.trialDirectory(record.id, trial: chosen.id)
        var streams: [(path: String, fd: Int32, offset: off_t)] = []
        if !stderr || stdout { streams.append((directory + "/stdout.log", STDOUT_FILENO, 0)) }
        if !stdout || stderr { streams.append((directory + "/stderr.log", STDERR_FILENO, 0)) }

        func pump() {
            for i in streams.indices {
                streams[i].offset = copy(from: streams[i].path, offset: streams[i].offset, to: streams[i].fd)
            }
        }
        pump()
        guard follow else { return }
        while true {
            let current = try? store.load(record.id)
            let trialNow = current?.trial(chosen.id)
            let ended = trialNow?.state.isFinished ?? true
            let runnerGone = store.runnerPid(record.id) == nil
            pump()
            if ended || runnerGone { break }
            usleep(200_000)
        }
        pump()
    }

    /// Copies what `path` holds past `offset` to `fd`; returns the new offset.
    private func copy(from path: String, offset: off_t, to fd: Int32) -> off_t {
        // Not blocking if the trial replaced its log by a FIFO; only a regular file is copied.
        let input = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard input >= 0 else { return offset }
        defer { close(input) }
        var info = stat()
        guard fstat(input, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return offset }
        var position = offset
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(input, $0.baseAddress, $0.count, position) }
            guard n > 0 else { break }
            _ = buffer.withUnsafeBytes { write(fd, $0.baseAddress, n) }
            position += off_t(n)
        }
        return position
    }
}
