import ArgumentParser
import Foundation
import TuneCore

/// The `tune` executable's entry point: parse, run, and map every ending onto tune's exit codes
/// (0 finished, 1 job failed, 2 usage or config error, 130 interrupted).
public enum TuneMain {
    public static func main(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        // Past the file size limit (`ulimit -f`), a write fails with EFBIG and tune says so, instead
        // of being killed mid-write by SIGXFSZ. (Trials get the default action back when launched.)
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try Tune.parseAsRoot(arguments)
            try command.run()
            exit(0)
        } catch let error as SessionError {
            Console.error(error.message)
            exit(CommandFailure(error).code)
        } catch let failure as CommandFailure {
            if failure.code == 130 { Console.stderr("tune: " + failure.message) } else { Console.error(failure.message) }
            exit(failure.code)
        } catch {
            let code = Tune.exitCode(for: error)
            if code == .success {
                print(Tune.fullMessage(for: error))
                exit(0)
            }
            Console.error(Tune.fullMessage(for: error))
            exit(code.rawValue == 64 || code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// The root command: routes to subcommands; `run` is the default, so `tune train.sh --config tuning.yml` works.
struct Tune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Hyperparameter tuning on your own machine, with Cloud ML Engine's tuning config.",
        discussion: """
            Runs many trials of your training command, each with different --name=value flags, reads the metric \
            each trial reports, and keeps every trial in a job store (.tune/ here, or --store, or $TUNE_STORE).
            """,
        version: "0.1.0",
        subcommands: [
            RunCommand.self, ResumeCommand.self, RetryCommand.self, TrialsCommand.self, CollectCommand.self, JobsCommand.self,
            StatusCommand.self, WatchCommand.self, PlotCommand.self, LogsCommand.self, ValidateCommand.self, ProbeCommand.self,
            ReportCommand.self, ConfirmCommand.self, DoctorCommand.self,
            CompareCommand.self, RemoveCommand.self, ExportCommand.self,
        ],
        defaultSubcommand: RunCommand.self
    )
}

/// A command that ends with an exit code after saying why (on stderr).
struct CommandFailure: Error {
    var message: String
    var code: Int32

    static func usage(_ message: String) -> CommandFailure { CommandFailure(message: message, code: 2) }

    static func failed(_ message: String) -> CommandFailure { CommandFailure(message: message, code: 1) }
}

extension CommandFailure {
    /// A job session's error: a usage error is 2, any other 1.
    init(_ error: SessionError) {
        self.init(message: error.message, code: error.kind == .usage ? 2 : 1)
    }
}
