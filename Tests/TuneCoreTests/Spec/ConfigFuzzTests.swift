import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

// Property tests of the config parser, with fixed seeds and a bounded number of cases so they run
// in CI in about a second: (1) mutated valid configs either load as a valid spec or fail with a
// located SpecError, never crash or hang; (2) random valid specs, written as YAML or JSON in each
// of the three shapes, load back equal.

/// The configs mutations start from: the examples, and every shape and type written by hand.
private let seedConfigs: [String] = {
    let repository = Fixtures.repository
    let examples = [
        "Examples/synthetic/tuning.yml", "Examples/synthetic/tuning-grid.yml", "Examples/keras-mnist/tuning.yml",
        "Examples/keras-tensorboard/tuning.yml", "Examples/pytorch-tensorboard/tuning.yml",
    ]
    let files = examples.compactMap { try? String(contentsOf: repository.appendingPathComponent($0), encoding: .utf8) }
    return files + [
        """
        hyperparameters:
          goal: MINIMIZE
          hyperparameterMetricTag: val_loss
          maxTrials: 10
          maxParallelTrials: 2
          maxFailedTrials: 3
          algorithm: ALGORITHM_UNSPECIFIED
          measurementSelectionType: BEST_MEASUREMENT
          trialTimeout: 1h30m
          base: &base {type: DOUBLE, minValue: 0.001, maxValue: 1}
          params:
            - {<<: *base, parameterName: lr, scaleType: UNIT_REVERSE_LOG_SCALE}
            - parameterName: units
              type: INTEGER
              minValue: "32"
              maxValue: 256
              scaleType: UNIT_LOG_SCALE
            - parameterName: activation
              type: CATEGORICAL
              categoricalValues: ["relu", 'tanh', elu]

        """,
        """
        jobId: job_2
        launcher:
          type: slurm
          partition: gpu
          time: 1-2:30
          cpusPerTask: 4
          mem: 16G
          gres: gpu:1
          extraArgs: [--exclude=node07, "--comment=a b"]
        trainingInput:
          scaleTier: BASIC
          hyperparameters:
            goal: MAXIMIZE
            gpusPerTrial: 1
            maxTrials: 4
            params:
              - {parameterName: lr, type: DOUBLE, minValue: 0.001, maxValue: 0.1}

        """,
        #"{"trainingInput": {"scaleTier": "BASIC", "hyperparameters": {"goal": "MAXIMIZE", "maxTrials": "4", "seed": "18446744073709551615", "params": [{"parameterName": "d", "type": "DISCRETE", "discreteValues": [1, 2.5, 1e3]}, {"parameterName": "c", "type": "DOUBLE", "minValue": 0.5, "maxValue": 0.5}]}}}"#,
    ]
}()

/// Values worth putting where a config expects something else.
private let oddScalars = [
    "", "~", "null", "-1", "0", "1e309", "-1e309", ".nan", "-.inf", "nan", "[]", "{}", "[1, 2", "{a: 1", "&x 1", "*x",
    "*undefined", "<<", "!!binary aGk=", "!custom x", "\"quoted\"", "'", "\"", "|", ">", "- a", "9223372036854775808",
    "-9223372036854775809", "0x1F", "0o17", "1_000", "true", "no", "MAXIMIZE", "GRID_SEARCH", "UNIT_LOG_SCALE", "DOUBLE",
    "CATEGORICAL", "DISCRETE", "{parameterName: z, type: DOUBLE, minValue: 0, maxValue: 1}", "[*x, *x]", "? a", "é", "😀",
    "\u{0}", "\t", "#", "%", "@", "`", "1h30m", "0s", String(repeating: "9", count: 400), "1e-400", "4.9e-324",
]

/// Whole lines worth inserting.
private let oddLines = [
    "<<: *base", "a: &a [1, 2]", "b: [*a, *a]", "? [a]", ": b", "- ", "---", "...", "%YAML 1.2", "\t", "params:",
    "  - parameterName: p", "key: value", "#", "{", "}", "[", "]", "goal: MINIMIZE", "maxTrials: 0", "params: []",
    "trainingInput:", "hyperparameters:", "  type: INTEGER", "    minValue: 5", "    maxValue: 1", "    scaleType: UNIT_LOG_SCALE",
    "      - parameterName: lr", "&anchor", "*alias", "!!map", "|", "  text", "launcher:", "  type: slurm", "  time: 1:30",
    "  extraArgs: [--x, y]", "  mem: 4G",
]

private struct Mutator {
    var rng: SeededGenerator

    mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func pick<T>(_ array: [T]) -> T { array[int(0..<array.count)] }

    /// One to three mutations of `text`, as bytes (a flipped byte may leave UTF-8).
    mutating func mutate(_ text: String) -> [UInt8] {
        var bytes = Array(text.utf8)
        for _ in 0..<int(1..<4) {
            var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            switch int(0..<9) {
            case 0 where !bytes.isEmpty:  // flip a byte
                bytes[int(0..<bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
                continue
            case 1 where !bytes.isEmpty:  // cut short
                bytes = Array(bytes.prefix(int(0..<bytes.count)))
                continue
            case 2 where !lines.isEmpty:  // delete a line
                lines.remove(at: int(0..<lines.count))
            case 3 where !lines.isEmpty:  // repeat a line
                let i = int(0..<lines.count)
                lines.insert(lines[i], at: i)
            case 4 where lines.count > 1:  // swap two lines
                lines.swapAt(int(0..<lines.count), int(0..<lines.count))
            case 5 where !lines.isEmpty:  // an odd value for a key
                let i = int(0..<lines.count)
                if let colon = lines[i].firstIndex(of: ":") {
                    lines[i] = String(lines[i][...colon]) + " " + pick(oddScalars)
                }
            case 6:  // an odd line, indented anyhow
                lines.insert(String(repeating: " ", count: int(0..<9)) + pick(oddLines), at: int(0..<(lines.count + 1)))
            case 7 where !lines.isEmpty:  // re-indent a line
                let i = int(0..<lines.count)
                let body = lines[i].drop { $0 == " " }
                lines[i] = String(repeating: " ", count: int(0..<12)) + body
            default:  // insert punctuation
                let at = int(0..<(bytes.count + 1))
                bytes.insert(contentsOf: Array(pick([":", "- ", "[", "{", "&", "*", "!", "|", "\"", "'", ",", "#", "\t", "\r"]).utf8), at: at)
                continue
            }
            bytes = Array(lines.joined(separator: "\n").utf8)
        }
        return bytes
    }
}

/// Everything `SpecLoader` promises of a spec it returns.
private func checkValid(_ spec: TuningSpec) {
    #expect(spec.maxTrials >= 1 && spec.maxParallelTrials >= 1)
    #expect(spec.maxFailedTrials.map { $0 >= 1 } ?? true)
    #expect(!spec.metricTag.isEmpty)
    #expect(!spec.params.isEmpty)
    #expect(Set(spec.params.map(\.name)).count == spec.params.count, "unique names")
    for param in spec.params {
        #expect(ParameterSpec.isFlagName(param.name), "\(param.name)")
        switch param.domain {
        case .double(let lo, let hi, let scale):
            #expect(lo.isFinite && hi.isFinite && lo <= hi)
            if scale == .log || scale == .reverseLog { #expect(lo > 0) }
            if spec.algorithm == .grid { #expect(lo == hi) }
        case .integer(let lo, let hi, let scale):
            #expect(lo <= hi)
            if scale == .log || scale == .reverseLog { #expect(lo > 0) }
        case .categorical(let values):
            #expect(!values.isEmpty && Set(values).count == values.count)
        case .discrete(let values):
            #expect(!values.isEmpty)
            #expect(values.allSatisfy { $0.value.isFinite })
            #expect(zip(values, values.dropFirst()).allSatisfy { $0.value < $1.value })
        }
    }
    if let slurm = spec.launcher?.slurm {
        #expect(slurm.timeLimitMinutes.map { $0 >= 1 } ?? true)
        #expect(slurm.cpusPerTask.map { $0 >= 1 } ?? true)
        for word in [slurm.partition, slurm.memory, slurm.gres, slurm.gpus, slurm.account, slurm.qos, slurm.constraint].compactMap({ $0 }) {
            #expect(!word.isEmpty && !word.contains(where: \.isWhitespace), "\(word)")
        }
        #expect(slurm.extraArgs.allSatisfy { $0.hasPrefix("-") }, "\(slurm.extraArgs)")
    }
}

@Suite("Config parser properties", .limitedParallelism)
struct ConfigFuzzTests {
    @Test(.timeLimit(.minutes(10)))
    func mutatedConfigsLoadOrFailWithALocatedError() throws {
        try #require(seedConfigs.count >= 5, "the examples are readable")
        var mutator = Mutator(rng: SeededGenerator(seed: 0x7E57_C0DE))
        var loaded = 0
        var refused = 0
        for round in 0..<1000 {
            let original = seedConfigs[round % seedConfigs.count]
            let bytes = mutator.mutate(original)
            if let problem = ConfigLimits.notUTF8(bytes, file: "fuzz.yml") {
                #expect(problem.line != nil && problem.message.contains("not UTF-8"))
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
            do {
                checkValid(try SpecLoader.parse(text: text, file: "fuzz.yml").spec)
                loaded += 1
            } catch {
                refused += 1
                #expect(!error.message.isEmpty, "round \(round): \(text)")
                #expect(error.description.hasPrefix("fuzz.yml"), "\(error)")
                if let line = error.line {
                    #expect(line >= 1 && line <= lineCount + 1, "round \(round): line \(line) of \(lineCount): \(error)")
                }
                if let column = error.column { #expect(column >= 1, "\(error)") }
            }
        }
        // Both outcomes happen, or the mutations are too mild or too harsh to test much.
        #expect(loaded > 30 && refused > 300, "\(loaded) loaded, \(refused) refused")
    }

    @Test(.timeLimit(.minutes(10)))
    func randomSpecsRoundTripThroughYAMLAndJSON() throws {
        var rng = SeededGenerator(seed: 2024)
        var launchers = 0
        for round in 0..<400 {
            let spec = SpecGenerator.spec(&rng)
            if spec.launcher != nil { launchers += 1 }
            let shape = Int.random(in: 0..<3, using: &rng)
            let json = Bool.random(using: &rng)
            let text = json ? SpecGenerator.json(spec, shape: shape) : SpecGenerator.yaml(spec, shape: shape, rng: &rng)
            do {
                let loaded = try SpecLoader.parse(text: text, file: "gen.yml").spec
                #expect(loaded == spec, "round \(round):\n\(text)")
            } catch {
                Issue.record("round \(round): \(error)\n\(text)")
            }
        }
        #expect(launchers > 100, "\(launchers) of 400 specs have a launcher block")
    }
}

/// Numbers at and past every edge: Int's and Double's ends, 2^31, 2^32, 2^53, 2^63, and a hair
/// either side of the bounds tune sets.
private let extremeNumbers = [
    "9223372036854775807", "-9223372036854775808", "9223372036854775806", "4611686018427387904", "9007199254740993",
    "4294967297", "2147483648", "2147483647", "65535", "65536", "1000000000000", "1000000000001", "999999999999", "1000000",
    "1000001", "4096", "4097", "1e300", "-1e300", "1.7976931348623157e308", "5e-324", "1e18", "9.3e18", "-1", "0", "1", "2",
    "1e12", "36600d", "366d", "367d", "9999999999h", "1e300s", "99999999999999999999m", "1:00:00", "999999999-23:59:59",
]

/// Every key of a config whose value is a count, a size or a duration, and a config that sets it.
private let numericKeys: [(key: String, config: @Sendable (String) -> String)] = {
    let params = "params: [{parameterName: x, type: INTEGER, minValue: 0, maxValue: 3}, {parameterName: c, type: CATEGORICAL, categoricalValues: [a, b]}]"
    func top(_ key: String) -> (String, @Sendable (String) -> String) {
        (key, { "algorithm: GRID_SEARCH\n\(key): \($0)\n\(params)\n" })
    }
    func hyperband(_ key: String) -> (String, @Sendable (String) -> String) {
        (
            key,
            { value in
                var lines = ["algorithm: HYPERBAND", "resourceParameter: epochs", "maxResource: 27", "minResource: 1", "reductionFactor: 3"]
                lines.removeAll { $0.hasPrefix(key + ":") }
                return (lines + ["\(key): \(value)", params]).joined(separator: "\n") + "\n"
            }
        )
    }
    return [
        top("maxTrials"), top("maxParallelTrials"), top("maxFailedTrials"), top("maxTrialRetries"), top("gpusPerTrial"), top("trialsPerGPU"),
        top("trialTimeout"), top("seed"), hyperband("maxResource"), hyperband("minResource"), hyperband("reductionFactor"),
        hyperband("hyperbandBrackets"),
        ("minTrials", { "enableTrialEarlyStopping: true\nearlyStopping: {minTrials: \($0)}\n\(params)\n" }),
        ("startStep", { "enableTrialEarlyStopping: true\nearlyStopping: {startStep: \($0)}\n\(params)\n" }),
        ("minValue", { "params: [{parameterName: x, type: INTEGER, minValue: \($0), maxValue: 9223372036854775807}]\n" }),
        ("maxValue", { "algorithm: GRID_SEARCH\nparams: [{parameterName: x, type: INTEGER, minValue: -9223372036854775808, maxValue: \($0)}]\n" }),
        ("double", { "params: [{parameterName: x, type: DOUBLE, minValue: -1.7976931348623157e308, maxValue: \($0)}]\n" }),
        ("discreteValues", { "algorithm: GRID_SEARCH\nparams: [{parameterName: x, type: DISCRETE, discreteValues: [-1e300, \($0)]}]\n" }),
        ("cpusPerTask", { "launcher: {type: slurm, cpusPerTask: \($0)}\nhyperparameters:\n  \(params)\n" }),
        ("time", { "launcher: {type: slurm, time: \"\($0)\"}\nhyperparameters:\n  \(params)\n" }),
        ("gpus", { "launcher: {type: slurm, gpus: \($0)}\nhyperparameters:\n  \(params)\n" }),
    ]
}()

extension ConfigFuzzTests {
    /// Every count, size and duration a config holds, at every extreme: the config loads (and then
    /// everything tune computes from it works: grid size, rung ladder, brackets, a proposal, the
    /// summary texts) or fails with a located error naming the key. A trap here crashes the test run.
    @Test(.timeLimit(.minutes(10)))
    func extremeNumbersLoadAndComputeOrFailNamingTheKey() throws {
        var loaded = 0
        for (key, config) in numericKeys {
            for value in extremeNumbers {
                let text = config(value)
                do {
                    let spec = try SpecLoader.parse(text: text, file: "extreme.yml").spec
                    checkValid(spec)
                    exercise(spec)
                    loaded += 1
                } catch {
                    #expect(error.line != nil, "\(key): \(value): \(error)")
                    #expect(error.description.contains(key == "double" ? "maxValue" : key), "\(key): \(value): \(error)")
                }
            }
        }
        #expect(loaded > 100, "\(loaded) loaded")
    }

    /// What tune computes from a loaded spec before and while it runs.
    private func exercise(_ spec: TuningSpec) {
        _ = spec.plannedTrials
        _ = Grid(spec: spec)?.count
        if let timeout = spec.trialTimeout {
            #expect(timeout.isFinite && timeout > 0)
            _ = DurationText.format(timeout)
        }
        if let hyperband = spec.hyperband {
            let budgets = hyperband.rungBudgets
            #expect(budgets.count >= 2 && budgets.last == hyperband.maxResource, "\(hyperband)")
            #expect(zip(budgets, budgets.dropFirst()).allSatisfy { $0 < $1 })
            let scheduler = HyperbandScheduler(spec: spec, resource: hyperband)
            for configuration in [1, 2, 1000] {
                #expect((0..<budgets.count).contains(scheduler.bracket(ofConfiguration: configuration)))
            }
        }
        let strategy = spec.makeStrategy(seed: 1).strategy
        let points = strategy.propose(count: 2, firstTrialId: 1, history: [])
        #expect(!points.isEmpty)
        _ = spec.makeScheduler().describe(strategy: strategy.name)
    }
}

/// Random valid specs, and their text.
enum SpecGenerator {
    static func spec(_ rng: inout SeededGenerator) -> TuningSpec {
        var spec = TuningSpec()
        spec.goal = Goal.allCases.randomElement(using: &rng)!
        spec.metricTag = name(&rng, extra: "/")
        spec.maxTrials = Int.random(in: 1...1000, using: &rng)
        spec.maxParallelTrials = Int.random(in: 1...16, using: &rng)
        spec.maxFailedTrials = Bool.random(using: &rng) ? Int.random(in: 1...20, using: &rng) : nil
        spec.algorithm = Algorithm.allCases.randomElement(using: &rng)!
        spec.seed = Bool.random(using: &rng) ? rng.next() : nil
        spec.measurementSelection = MeasurementSelection.allCases.randomElement(using: &rng)!
        spec.trialTimeout = Bool.random(using: &rng) ? Double(Int.random(in: 1...100_000, using: &rng)) : nil
        spec.maxTrialRetries = Bool.random(using: &rng) ? Int.random(in: 1...5, using: &rng) : nil
        if spec.algorithm == .hyperband {
            let minimum = Int.random(in: 1...5, using: &rng)
            let factor = Int.random(in: 2...4, using: &rng)
            spec.hyperband = HyperbandSpec(
                resourceParameter: "budget_" + name(&rng, extra: ""), minResource: minimum,
                maxResource: minimum * factor * Int.random(in: 1...30, using: &rng), reductionFactor: factor,
                sampler: HyperbandSampler.allCases.randomElement(using: &rng)!)
        } else if spec.algorithm == .pbt {
            let maxResource = Int.random(in: 2...200, using: &rng)
            let population = PopulationSpec(
                resourceParameter: "budget_" + name(&rng, extra: ""), maxResource: maxResource,
                perturbationInterval: Int.random(in: 1..<maxResource, using: &rng), populationSize: Int.random(in: 2...40, using: &rng),
                quantileFraction: [0.1, 0.2, 0.25, 0.5].randomElement(using: &rng)!, resampleProbability: [0, 0.25, 1].randomElement(using: &rng)!,
                perturbationFactors: [[0.8, 1.2], [0.5, 1, 2]].randomElement(using: &rng)!)
            spec.population = population
            // A count above the population's is lowered to it (with a note): generate one it keeps.
            spec.maxTrials = Int.random(in: 1...population.trialCount, using: &rng)
        } else if Bool.random(using: &rng) {
            spec.enableTrialEarlyStopping = true
            spec.earlyStopping =
                Bool.random(using: &rng)
                ? EarlyStoppingSpec(minTrials: Int.random(in: 1...9, using: &rng), startStep: Int.random(in: 0...50, using: &rng)) : nil
        }
        var names = Set<String>()
        for _ in 0..<Int.random(in: 1...8, using: &rng) {
            var parameterName = name(&rng, extra: "-.")
            while !names.insert(parameterName).inserted { parameterName += "x" }
            spec.params.append(ParameterSpec(name: parameterName, domain: domain(&rng, grid: spec.algorithm == .grid)))
        }
        spec.launcher = Bool.random(using: &rng) ? launcher(&rng) : nil
        return spec
    }

    /// A launcher block with a random subset of the Slurm settings.
    static func launcher(_ rng: inout SeededGenerator) -> LauncherSpec {
        var slurm = SlurmSettings()
        let word = "-.,:|&"
        if Bool.random(using: &rng) { slurm.partition = name(&rng, extra: word) }
        if Bool.random(using: &rng) { slurm.timeLimitMinutes = Int.random(in: 1...200_000, using: &rng) }
        if Bool.random(using: &rng) { slurm.cpusPerTask = Int.random(in: 1...256, using: &rng) }
        if Bool.random(using: &rng) {
            slurm.memory = "\(Int.random(in: 0...1_000_000, using: &rng))" + ["", "K", "m", "G", "t"].randomElement(using: &rng)!
        }
        if Bool.random(using: &rng) {
            slurm.gres = "gpu:" + (Bool.random(using: &rng) ? name(&rng, extra: "") + ":" : "") + "\(Int.random(in: 1...8, using: &rng))"
        }
        if Bool.random(using: &rng) {
            slurm.gpus = (Bool.random(using: &rng) ? name(&rng, extra: "") + ":" : "") + "\(Int.random(in: 1...8, using: &rng))"
        }
        if Bool.random(using: &rng) { slurm.account = name(&rng, extra: word) }
        if Bool.random(using: &rng) { slurm.qos = name(&rng, extra: word) }
        if Bool.random(using: &rng) { slurm.constraint = name(&rng, extra: word) }
        for _ in 0..<Int.random(in: 0...3, using: &rng) {
            let option = "--" + name(&rng, extra: "-")
            slurm.extraArgs.append(Bool.random(using: &rng) ? option : option + "=" + categoricalValue(&rng))
        }
        return LauncherSpec(kind: LauncherSpec.Kind.allCases.randomElement(using: &rng)!, slurm: slurm)
    }

    /// Minutes in one of the forms `time` takes, chosen by the value: Slurm's, tune's, or seconds that round up to it.
    static func timeText(_ minutes: Int) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        switch minutes % 6 {
        case 0: return "\(minutes)"
        case 1: return "\(minutes / 60):\(two(minutes % 60)):00"
        case 2: return "\(minutes / 1440)-\(two(minutes % 1440 / 60)):\(two(minutes % 60))"
        case 3: return SlurmSettings.durationText(minutes: minutes)
        case 4: return "\(minutes * 60 - minutes % 60)s"
        default: return "\(minutes):00"
        }
    }

    /// The launcher block's members as (key, JSON value text) pairs; the spellings vary with the values.
    static func launcherFields(_ launcher: LauncherSpec) -> [(String, String)] {
        let slurm = launcher.slurm
        var fields: [(String, String)] = []
        let settings = slurm.partition.map { $0.count } ?? 0
        if launcher.kind == .slurm || settings % 2 == 0 {
            let kind = launcher.kind.rawValue
            fields.append(("type", quoted(settings % 3 == 0 ? kind : settings % 3 == 1 ? kind.uppercased() : kind.capitalized)))
        }
        if let partition = slurm.partition { fields.append(("partition", quoted(partition))) }
        if let minutes = slurm.timeLimitMinutes {
            fields.append(("time", minutes % 6 == 0 ? timeText(minutes) : quoted(timeText(minutes))))
        }
        if let cpus = slurm.cpusPerTask { fields.append(("cpusPerTask", "\(cpus)")) }
        if let memory = slurm.memory { fields.append(("mem", quoted(memory))) }
        if let gres = slurm.gres { fields.append(("gres", quoted(gres))) }
        if let gpus = slurm.gpus { fields.append(("gpus", Int(gpus) != nil ? gpus : quoted(gpus))) }
        if let account = slurm.account { fields.append(("account", quoted(account))) }
        if let qos = slurm.qos { fields.append(("qos", quoted(qos))) }
        if let constraint = slurm.constraint { fields.append(("constraint", quoted(constraint))) }
        if !slurm.extraArgs.isEmpty || settings % 2 == 1 {
            fields.append(("extraArgs", "[" + slurm.extraArgs.map(quoted).joined(separator: ", ") + "]"))
        }
        return fields
    }

    static func launcherJSON(_ launcher: LauncherSpec) -> String {
        "{" + launcherFields(launcher).map { "\(quoted($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// `[A-Za-z_][A-Za-z0-9_]*` plus `extra` characters after the first.
    static func name(_ rng: inout SeededGenerator, extra: String) -> String {
        let first = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
        let rest = first + Array("0123456789" + extra)
        var text = String(first.randomElement(using: &rng)!)
        for _ in 0..<Int.random(in: 0..<12, using: &rng) { text.append(rest.randomElement(using: &rng)!) }
        return text
    }

    static func number(_ rng: inout SeededGenerator) -> Double {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return Double(Int.random(in: -1000...1000, using: &rng))
        case 1: return Double.random(in: -1...1, using: &rng)
        case 2: return Double.random(in: -1e300...1e300, using: &rng)
        default: return Double(sign: .plus, exponent: Int.random(in: -1000...1000, using: &rng), significand: Double.random(in: 1..<2, using: &rng))
        }
    }

    static func domain(_ rng: inout SeededGenerator, grid: Bool) -> ParameterSpec.Domain {
        switch Int.random(in: grid ? 1..<5 : 0..<4, using: &rng) {
        case 0:
            var (lo, hi) = (number(&rng), number(&rng))
            if lo > hi { swap(&lo, &hi) }
            let scale = ScaleType.allCases.randomElement(using: &rng)!
            if scale == .log || scale == .reverseLog, lo <= 0 { return .double(min: abs(lo) + 1e-3, max: abs(lo) + 1e-3 + abs(hi), scale: scale) }
            return .double(min: lo, max: hi, scale: scale)
        case 1:
            let lo = Int.random(in: -1_000_000_000_000...1_000_000_000_000, using: &rng)
            let hi = lo + Int.random(in: 0...1_000_000, using: &rng)
            let scale = ScaleType.allCases.randomElement(using: &rng)!
            return .integer(min: scale == .log || scale == .reverseLog ? max(lo, 1) : lo, max: max(hi, 1), scale: scale)
        case 2:
            var values: [String] = []
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let value = categoricalValue(&rng)
                if !values.contains(value) { values.append(value) }
            }
            return .categorical(values)
        case 3:
            var numbers = Set<Double>()
            for _ in 0..<Int.random(in: 1...6, using: &rng) { numbers.insert(number(&rng)) }
            return .discrete(numbers.sorted().map { DiscreteValue(value: $0, text: "\($0)") })
        default:
            let x = number(&rng)
            return .double(min: x, max: x, scale: .none)
        }
    }

    /// A string with quotes, backslashes, colons and non-ASCII inside (never blank at either end).
    static func categoricalValue(_ rng: inout SeededGenerator) -> String {
        let pieces = ["a", "relu", "tanh", "x y", ":", "#", "\"", "'", "\\", "é", "😀", "-", "[", "{", "*", "&", "1", "0.5", "true", "null", "~"]
        var text = ""
        for _ in 0..<Int.random(in: 1...4, using: &rng) { text += pieces.randomElement(using: &rng)! }
        return text.trimmingCharacters(in: .whitespaces).isEmpty ? "v" : text.trimmingCharacters(in: .whitespaces)
    }

    /// A JSON string literal (also a YAML double-quoted scalar).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The spec's fields as (key, JSON value text) pairs, in a fixed order.
    static func fields(_ spec: TuningSpec) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("goal", quoted(spec.goal.rawValue)), ("hyperparameterMetricTag", quoted(spec.metricTag)),
            ("maxTrials", "\(spec.maxTrials)"), ("maxParallelTrials", quoted("\(spec.maxParallelTrials)")),
            ("algorithm", quoted(spec.algorithm.rawValue)), ("measurementSelectionType", quoted(spec.measurementSelection.rawValue)),
        ]
        if let failed = spec.maxFailedTrials { fields.append(("maxFailedTrials", "\(failed)")) }
        if let seed = spec.seed { fields.append(("seed", "\(seed)")) }
        if let timeout = spec.trialTimeout { fields.append(("trialTimeout", quoted("\(Int(timeout))s"))) }
        if let retries = spec.maxTrialRetries { fields.append(("maxTrialRetries", "\(retries)")) }
        if spec.enableTrialEarlyStopping { fields.append(("enableTrialEarlyStopping", "true")) }
        if let rule = spec.earlyStopping {
            fields.append(("earlyStopping", "{\"minTrials\": \(rule.minTrials), \"startStep\": \(rule.startStep)}"))
        }
        if let resource = spec.hyperband {
            fields += [
                ("resourceParameter", quoted(resource.resourceParameter)), ("minResource", "\(resource.minResource)"),
                ("maxResource", "\(resource.maxResource)"), ("reductionFactor", "\(resource.reductionFactor)"),
            ]
            if let sampler = resource.sampler { fields.append(("hyperbandSampler", sampler.rawValue)) }
        }
        if let population = spec.population {
            fields += [
                ("resourceParameter", quoted(population.resourceParameter)), ("maxResource", "\(population.maxResource)"),
                ("perturbationInterval", "\(population.perturbationInterval)"), ("populationSize", "\(population.populationSize)"),
                ("quantileFraction", "\(population.quantileFraction)"), ("resampleProbability", "\(population.resampleProbability)"),
                ("perturbationFactors", "[" + population.perturbationFactors.map { "\($0)" }.joined(separator: ", ") + "]"),
            ]
        }
        fields.append(("params", "[" + spec.params.map(parameter).joined(separator: ", ") + "]"))
        return fields
    }

    static func parameter(_ param: ParameterSpec) -> String {
        var members = [("parameterName", quoted(param.name)), ("type", quoted(param.typeName))]
        switch param.domain {
        case .double(let lo, let hi, let scale):
            members += [("minValue", "\(lo)"), ("maxValue", "\(hi)"), ("scaleType", quoted(scale.rawValue))]
        case .integer(let lo, let hi, let scale):
            members += [("minValue", "\(lo)"), ("maxValue", quoted("\(hi)")), ("scaleType", quoted(scale.rawValue))]
        case .categorical(let values):
            members.append(("categoricalValues", "[" + values.map(quoted).joined(separator: ", ") + "]"))
        case .discrete(let values):
            members.append(("discreteValues", "[" + values.map(\.text).joined(separator: ", ") + "]"))
        }
        return "{" + members.map { "\(quoted($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// Shape 0: bare; 1: under `hyperparameters`; 2: under `trainingInput.hyperparameters`.
    /// The launcher block sits at the top level in every shape.
    static func json(_ spec: TuningSpec, shape: Int) -> String {
        let launcher = spec.launcher.map { [("launcher", launcherJSON($0))] } ?? []
        let members = { (fields: [(String, String)]) in "{" + fields.map { "\(quoted($0.0)): \($0.1)" }.joined(separator: ", ") + "}" }
        switch shape {
        case 0: return members(fields(spec) + launcher)
        case 1: return members(launcher + [("hyperparameters", members(fields(spec)))])
        default:
            let input = "{\"scaleTier\": \"BASIC\", \"hyperparameters\": \(members(fields(spec)))}"
            return members([("jobId", "\"j\"")] + launcher + [("trainingInput", input)])
        }
    }

    static func yaml(_ spec: TuningSpec, shape: Int, rng: inout SeededGenerator) -> String {
        let indent = String(repeating: "  ", count: shape)
        var lines: [String] = []
        if let launcher = spec.launcher {
            // At the top level in every shape: block or flow style.
            let fields = launcherFields(launcher)
            if fields.isEmpty || Bool.random(using: &rng) {
                lines.append("launcher: " + launcherJSON(launcher).replacingOccurrences(of: "\"extraArgs\"", with: "extraArgs"))
            } else {
                lines.append("launcher:")
                lines += fields.map { "  \($0.0): \($0.1)  # \($0.0)" }
            }
        }
        if shape == 2 { lines += ["jobId: job_1", "trainingInput:", "  region: us-central1"] }
        if shape >= 1 { lines.append(shape == 2 ? "  hyperparameters:" : "hyperparameters:") }
        for (key, value) in fields(spec) where key != "params" {
            lines.append("\(indent)\(key): \(value)  # \(key)")
        }
        lines.append("\(indent)params:")
        for param in spec.params {
            if Bool.random(using: &rng) {
                lines.append("\(indent)  - \(parameter(param))")
                continue
            }
            // Block style: one member a line.
            lines.append("\(indent)  - parameterName: \(quoted(param.name))")
            lines.append("\(indent)    type: \(param.typeName)")
            switch param.domain {
            case .double(let lo, let hi, let scale):
                lines += ["\(indent)    minValue: \(lo)", "\(indent)    maxValue: \(hi)", "\(indent)    scaleType: \(scale.rawValue)"]
            case .integer(let lo, let hi, let scale):
                lines += ["\(indent)    minValue: \(lo)", "\(indent)    maxValue: '\(hi)'", "\(indent)    scaleType: \(scale.rawValue)"]
            case .categorical(let values):
                lines.append("\(indent)    categoricalValues:")
                lines += values.map { "\(indent)      - \(quoted($0))" }
            case .discrete(let values):
                lines.append("\(indent)    discreteValues: [\(values.map(\.text).joined(separator: ", "))]")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
