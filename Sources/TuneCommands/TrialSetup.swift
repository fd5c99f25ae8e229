import Foundation
import TuneCore

/// What `run` and `probe` both check before anything starts: the config, and the command.
/// A problem here is a usage error (exit 2) and nothing is created.
struct TrialSetup {
    var spec: TuningSpec
    /// The trial command and its own arguments, as the user typed them.
    var command: [String]
    /// The resolved program to execute.
    var executable: String
    var directory: String

    init(config: String, commandWords: [String], example: String) throws {
        let command = commandWords.first == "--" ? Array(commandWords.dropFirst()) : commandWords
        guard let program = command.first else {
            throw CommandFailure.usage("no trial command: give the command to tune, e.g. `\(example) ./train.sh --config \(config)`")
        }
        let loaded: LoadedSpec
        do {
            loaded = try SpecLoader.load(path: config)
        } catch {
            throw CommandFailure.usage("\(error)")
        }
        for note in loaded.notes { Console.note(note) }
        let directory = FileManager.default.currentDirectoryPath
        do {
            executable = try CommandResolver.resolve(program, in: directory)
        } catch {
            throw CommandFailure.usage(error.message)
        }
        if let warning = ScriptMetricHint.check(tag: loaded.spec.metricTag, command: command, directory: directory) {
            Console.stderr("warning: " + warning)
        }
        self.spec = loaded.spec
        self.command = command
        self.directory = directory
    }
}
