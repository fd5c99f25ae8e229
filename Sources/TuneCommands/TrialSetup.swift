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
        let loaded = try Self.loadConfig(config)
        let directory = FileManager.default.currentDirectoryPath
        do {
            executable = try CommandResolver.resolve(program, in: directory)
        } catch {
            throw CommandFailure.usage(error.message)
        }
        for tag in loaded.spec.definedMetricTags { Self.warnAboutMetricSpelling(tag: tag, command: command) }
        var spec = loaded.spec
        do {
            spec.parameterStyle = try ParameterDelivery.resolvedStyle(spec: spec, command: command)
        } catch {
            throw CommandFailure.usage(error.message)
        }
        self.spec = spec
        self.command = command
        self.directory = directory
    }

    /// Reads a config, printing its notes; a bad one is a usage error.
    /// Its `enqueue:` points are checked against the space here (`TuningSpec.enqueue`).
    static func loadConfig(_ path: String) throws -> LoadedSpec {
        var loaded: LoadedSpec
        do {
            loaded = try SpecLoader.load(path: path)
            try loaded.spec.enqueue(loaded.givenPoints, notes: &loaded.notes)
            loaded.givenPoints = []
        } catch {
            throw CommandFailure.usage("\(error)")
        }
        for note in loaded.notes { Console.note(note) }
        return loaded
    }

    /// Warns when the script spells the metric the other Keras way (`acc` / `accuracy`).
    static func warnAboutMetricSpelling(tag: String, command: [String]) {
        let words = command.first == "--" ? Array(command.dropFirst()) : command
        if let warning = ScriptMetricHint.check(tag: tag, command: words, directory: FileManager.default.currentDirectoryPath) {
            Console.warning(warning)
        }
    }
}
