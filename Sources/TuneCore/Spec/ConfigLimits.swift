#if canImport(CYaml)
// Yams' own libyaml, for its event stream: Yams composes aliases without a limit, and hashing a
// mapping key that aliases a "billion laughs" tree never ends. Yams imports it internally; it is
// built and linked with Yams, so no other dependency comes in.
import CYaml
#endif

/// Bounds on a config, so that a hostile file is refused quickly instead of hanging tune or
/// filling its memory: its size, and how many values its aliases (`*name`) repeat.
enum ConfigLimits {
    /// The largest config file read (10,000 parameters take under 1 MB).
    static let maxBytes = 16 << 20

    /// The largest value a count or size in a config may take, and why.
    struct Bound: Sendable {
        let value: Int
        let reason: String
    }

    /// Objectives of one job: a Pareto front of more than four is rarely readable, and its
    /// exact hypervolume grows fast with the count.
    static let maxObjectives = 4

    /// maxTrials, maxFailedTrials and `tune resume --max-trials`.
    static let maxTrials = Bound(value: 1_000_000, reason: "a job holds at most 1000000 trials: split the search into several jobs")
    /// maxParallelTrials: each trial is at least one process, with pipes for its output.
    static let maxParallelTrials = Bound(
        value: 4096, reason: "each running trial is a process with its own pipes: run at most 4096 at a time (the process limit is checked when the job starts)")
    /// maxTrialRetries.
    static let maxTrialRetries = Bound(value: 100, reason: "a trial that needs more than 100 retries has a failing machine, not bad luck")
    /// gpusPerTrial.
    static let gpusPerTrial = Bound(value: 4096, reason: "no machine has more than 4096 GPUs for one trial")
    /// trialsPerGPU (and gpusPerTrial 1/k).
    static let trialsPerGPU = Bound(
        value: 64, reason: "more than 64 trials on one GPU leave each a sliver of its memory: give each trial a larger share")
    /// earlyStopping's minTrials and startStep.
    static let earlyStoppingCount = Bound(value: 1_000_000_000, reason: "a count beyond 10^9 would never be reached: leave the setting out")
    /// Hyperband's maxResource (and so minResource and reductionFactor, which must be below it).
    static let maxResource = Bound(value: 1_000_000_000_000, reason: "budgets beyond 10^12 (epochs or steps) are not a training budget: count in larger units")
    /// Hyperband's hyperbandBrackets (never more than one a rung, and a rung ladder has at most 40 rungs).
    static let hyperbandBrackets = Bound(value: 64, reason: "a rung ladder has at most 40 rungs, and one bracket a rung is full Hyperband")
    /// PBT's populationSize: every member is at least one trial per interval.
    static let populationSize = Bound(value: 10_000, reason: "a population beyond 10000 members is a random search: split it or use algorithm: HYPERBAND")
    /// A Slurm launcher's cpusPerTask (Slurm keeps it in 16 bits).
    static let cpusPerTask = Bound(value: 65_533, reason: "Slurm's largest --cpus-per-task is 65533")
    /// trialTimeout and other config durations: a year.
    static let maxDurationSeconds: Double = 366 * 86_400

    /// How many YAML values aliases may add to the document (a merge `<<: *base` adds the values of
    /// `base` once per use). A "billion laughs" file adds 9⁹ from nine short lines.
    static let maxAliasedValues = 1_000_000

    /// Fails when the aliases of `text` expand it by more than `limit` values, naming the alias that
    /// crossed the limit. Syntax errors are left for the composer to report.
    ///
    /// - Complexity: O(n) in the text's events; never expands anything.
    static func checkAliases(_ text: String, file: String, limit: Int = maxAliasedValues) throws(SpecError) {
        #if canImport(CYaml)
        var text = text
        let problem: SpecError? = text.withUTF8 { bytes in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
            var counter = AliasCounter(limit: limit)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return nil }
                if let crossed = counter.add(event) {
                    let mark = event.start_mark
                    return SpecError(
                        file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1,
                        message: "aliases repeat more than \(limit) values by *\(crossed) here: aliases of aliases multiply (a \"billion laughs\" file)",
                        hint: "write the repeated values out, or alias only small parts such as one parameter's keys")
                }
            }
            return nil  // a syntax error: the composer says where
        }
        if let problem { throw problem }
        #endif
    }

    /// A config file's size against `maxBytes`, said for a person.
    static func tooLarge(_ path: String) -> SpecError {
        SpecError(
            file: path, message: "\(path) is larger than \(maxBytes >> 20) MB: a tuning config is much smaller",
            hint: "check that this is the tuning config and not a data file")
    }

    /// The first byte of `bytes` that is not UTF-8, as a located error.
    static func notUTF8(_ bytes: [UInt8], file: String) -> SpecError? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var line = 1
        var column = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                return nil
            case .error:
                let byte = String(bytes[offset], radix: 16, uppercase: true)
                return SpecError(
                    file: file, line: line, column: column,
                    message: "byte 0x\(byte.count == 1 ? "0" + byte : byte) is not UTF-8 text",
                    hint: "save the config as UTF-8 (a Latin-1 or UTF-16 file, or a binary file, cannot be read)")
            }
        }
    }
}

#if canImport(CYaml)
/// Sizes of anchored nodes as events go by, and the values aliases add.
private struct AliasCounter {
    let limit: Int
    /// Values each anchor stands for (its node and everything in it, aliases expanded).
    private var sizes: [String: Int] = [:]
    /// Open sequences and mappings: their size so far and their anchor.
    private var open: [(size: Int, anchor: String?)] = []
    private var aliased = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts one event; returns the alias name when it crosses the limit.
    mutating func add(_ event: yaml_event_t) -> String? {
        switch event.type {
        case YAML_SCALAR_EVENT:
            let anchor = Self.name(event.data.scalar.anchor)
            if let anchor { sizes[anchor] = 1 }
            grow(by: 1)
        case YAML_SEQUENCE_START_EVENT:
            open.append((1, Self.name(event.data.sequence_start.anchor)))
        case YAML_MAPPING_START_EVENT:
            open.append((1, Self.name(event.data.mapping_start.anchor)))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let closed = open.popLast() else { return nil }
            if let anchor = closed.anchor { sizes[anchor] = closed.size }
            grow(by: closed.size)
        case YAML_ALIAS_EVENT:
            guard let name = Self.name(event.data.alias.anchor) else { return nil }
            let size = sizes[name] ?? 1
            aliased += size
            if aliased > limit { return name }
            grow(by: size)
        default:
            break
        }
        return nil
    }

    private mutating func grow(by size: Int) {
        guard !open.isEmpty else { return }
        open[open.count - 1].size += size
    }

    private static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
#endif
