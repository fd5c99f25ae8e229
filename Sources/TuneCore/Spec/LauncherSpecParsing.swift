import Yams

// tune extension: the `launcher:` block at the top level of the file (see `LauncherSpec`).

extension LauncherSpec {
    /// Reads the top-level `launcher:` entry, checking every key; notes about rounding and about
    /// `gpusPerTrial` beside `gres`/`gpus` go to `notes`.
    static func parse(_ entry: ConfigEntry, gpusPerTrial: Int?, notes: inout [String]) throws(SpecError) -> LauncherSpec {
        if let text = entry.value.scalarText, let kind = LauncherSpec.Kind(rawValue: text.lowercased()) {
            throw entry.mismatch("a mapping of settings", hint: "write launcher: {type: \(kind.rawValue)}")
        }
        let mapping = try ConfigMapping(entry.value, what: "launcher", heldBy: entry.keyNode, file: entry.file).prefixed("launcher: ")
        try mapping.rejectUnknownKeys(allowed: SpecKeys.launcherBlock, elsewhere: misplacedKeyHints)

        var launcher = LauncherSpec()
        if let value = mapping["type"] {
            launcher.kind = try value.launcherKind()
        }
        var slurm = SlurmSettings()
        slurm.partition = try mapping["partition"]?.slurmWord("a partition name (several as gpu,debug)")
        slurm.account = try mapping["account"]?.slurmWord("an account name")
        slurm.qos = try mapping["qos"]?.slurmWord("a QOS name")
        slurm.constraint = try mapping["constraint"]?.slurmWord("node features such as a100 or 'a100|h100'")
        if let value = mapping["time"] {
            let limit = try value.slurmTimeLimit()
            slurm.timeLimitMinutes = limit.minutes
            if !limit.exact {
                notes.append(
                    "launcher.time \(limit.text): Slurm counts time limits in whole minutes, so trials get "
                        + SlurmSettings.minutesText(limit.minutes))
            }
        }
        slurm.cpusPerTask = try mapping["cpusPerTask"]?.integer(atLeast: 1, atMost: ConfigLimits.cpusPerTask, expected: "a positive integer (CPUs Slurm gives each trial)")
        slurm.memory = try mapping["mem"]?.slurmMemory()
        slurm.gres = try mapping["gres"]?.slurmWord("a generic resource such as gpu:1 or gpu:a100:2")
        slurm.gpus = try mapping["gpus"]?.slurmGPUs()
        if let value = mapping["extraArgs"] {
            slurm.extraArgs = try value.srunArguments()
        }
        launcher.slurm = slurm

        let gpuKeys = [("gres", slurm.gres), ("gpus", slurm.gpus)].compactMap { key, value in value.map { (key: "launcher." + key, value: $0) } }
        if let gpusPerTrial, !gpuKeys.isEmpty {
            let given = gpuKeys.map { "\($0.key) \($0.value)" }.joined(separator: " and ")
            let source = gpuKeys.map(\.key).joined(separator: " and ")
            notes.append(
                "gpusPerTrial \(gpusPerTrial) and \(given): Slurm gets the GPUs from \(source), "
                    + "so gpusPerTrial only says how many GPUs a local run gives each trial")
        }
        return launcher
    }

    /// A `launcher` key inside `place` (trainingInput or a hyperparameters mapping): it belongs at the top of the file.
    static func misplaced(_ entry: ConfigEntry, inside place: String, beside holder: String) -> SpecError {
        entry.error(
            "'launcher' belongs at the top level of the file, not inside \(place)",
            hint: "move the launcher block out to the top level, beside \(holder)", atKey: true)
    }

    /// Fails when `mapping` (the value of `place`) holds a `launcher` key.
    static func rejectMisplaced(in mapping: ConfigMapping, inside place: String, beside holder: String) throws(SpecError) {
        if let entry = mapping[SpecKeys.launcher] {
            throw misplaced(entry, inside: place, beside: holder)
        }
    }

    /// Where a key written inside the launcher block belongs, or how tune spells it.
    private static let misplacedKeyHints: [String: String] = {
        var hints = Dictionary(uniqueKeysWithValues: SpecKeys.spec.map { ($0, "'\($0)' belongs beside params, not inside launcher") })
        let time = "write time (Slurm's --time), e.g. time: 2h"
        let cpus = "write cpusPerTask (Slurm's --cpus-per-task)"
        let args = "write extraArgs: a list of srun options such as [--exclude=node07]"
        let type = "write type: local or slurm"
        for key in ["timeLimit", "time-limit", "time_limit"] { hints[key] = time }
        for key in ["cpus", "cpus-per-task", "cpus_per_task"] { hints[key] = cpus }
        for key in ["args", "srunArgs", "extra-args", "extra_args"] { hints[key] = args }
        for key in ["kind", "launcher"] { hints[key] = type }
        hints["memory"] = "write mem (Slurm's --mem), e.g. mem: 16G"
        return hints
    }()

    /// One line for people, as `tune validate` shows it:
    /// `slurm (partition gpu, time 2h, 4 CPUs, mem 16G, gres gpu:1, extra --exclude=node07)`.
    public var summary: String {
        let settings = slurm.summaryItems
        guard !settings.isEmpty else { return kind.rawValue }
        switch kind {
        case .slurm: return "slurm (\(settings.joined(separator: ", ")))"
        case .local: return "local (with --launcher slurm: \(settings.joined(separator: ", ")))"
        }
    }
}

extension SlurmSettings {
    /// The settings given, in the order `summary` shows them.
    var summaryItems: [String] {
        var items: [String] = []
        if let partition { items.append("partition \(partition)") }
        if let timeLimitMinutes { items.append("time \(Self.durationText(minutes: timeLimitMinutes))") }
        if let cpusPerTask { items.append("\(cpusPerTask) CPU\(cpusPerTask == 1 ? "" : "s")") }
        if let memory { items.append("mem \(memory)") }
        if let gres { items.append("gres \(gres)") }
        if let gpus { items.append("gpus \(gpus)") }
        if let account { items.append("account \(account)") }
        if let qos { items.append("qos \(qos)") }
        if let constraint { items.append("constraint \(constraint)") }
        if !extraArgs.isEmpty {
            let shown = extraArgs.map { $0.contains(where: \.isWhitespace) ? "'\($0)'" : $0 }
            items.append("extra \(shown.joined(separator: " "))")
        }
        return items
    }

    /// Whole minutes as tune writes durations: `45m`, `2h`, `1h30m`, `1d2h30m`.
    public static func durationText(minutes: Int) -> String {
        let days = minutes / 1440
        let hours = minutes % 1440 / 60
        let rest = minutes % 60
        var text = ""
        if days > 0 { text += "\(days)d" }
        if hours > 0 { text += "\(hours)h" }
        if rest > 0 || text.isEmpty { text += "\(rest)m" }
        return text
    }

    /// `1 minute`, `2 minutes`, `90 minutes (1h30m)`.
    static func minutesText(_ minutes: Int) -> String {
        let count = "\(minutes) minute\(minutes == 1 ? "" : "s")"
        return minutes >= 60 ? "\(count) (\(durationText(minutes: minutes)))" : count
    }

    /// The longest time limit Slurm stores (minutes in 32 bits; the two largest values mean "infinite" and "not set").
    static let maxTimeLimitMinutes = Int(UInt32.max) - 2
}

/// Slurm's time limits (`--time`) and tune's durations, read as seconds.
enum SlurmTime {
    /// Seconds of `text`: Slurm's `MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM` or `D-HH:MM:SS`
    /// (a plain number is minutes, as in Slurm), or tune's `90s`, `45m`, `2h`, `1h30m` (`ConfigDuration`);
    /// nil when `text` is neither or not positive.
    static func seconds(_ text: String) -> Double? {
        if text.contains(":") || text.contains("-") || (!text.isEmpty && text.allSatisfy(\.isASCIIDigit)) {
            return slurmSeconds(text).flatMap { $0 > 0 ? Double($0) : nil }
        }
        // A plain fractional or signed number is neither Slurm's minutes nor a duration with a unit.
        guard ConfigNumber.double(text) == nil else { return nil }
        return ConfigDuration.seconds(text)
    }

    /// Slurm's colon and dash forms; each field at most 9 digits, and the fields below the first in range.
    private static func slurmSeconds(_ text: String) -> Int? {
        var days: Int?
        var clock = Substring(text)
        if let dash = text.firstIndex(of: "-") {
            guard let count = field(text[..<dash]) else { return nil }
            days = count
            clock = text[text.index(after: dash)...]
        }
        var fields: [Int] = []
        for part in clock.split(separator: ":", omittingEmptySubsequences: false) {
            guard let number = field(part) else { return nil }
            fields.append(number)
        }
        let hours: Int
        let minutes: Int
        let seconds: Int
        switch (days != nil, fields.count) {
        case (false, 1): (hours, minutes, seconds) = (0, fields[0], 0)
        case (false, 2): (hours, minutes, seconds) = (0, fields[0], fields[1])
        case (false, 3): (hours, minutes, seconds) = (fields[0], fields[1], fields[2])
        case (true, 1): (hours, minutes, seconds) = (fields[0], 0, 0)
        case (true, 2): (hours, minutes, seconds) = (fields[0], fields[1], 0)
        case (true, 3): (hours, minutes, seconds) = (fields[0], fields[1], fields[2])
        default: return nil
        }
        let hasSeconds = fields.count == 3 || (days == nil && fields.count == 2)
        let hasHours = fields.count == 3 || days != nil
        guard !hasSeconds || seconds < 60, !hasHours || minutes < 60, days == nil || hours < 24 else { return nil }
        // At most 9 digits a field: no overflow.
        return (((days ?? 0) * 24 + hours) * 60 + minutes) * 60 + seconds
    }

    private static func field(_ text: Substring) -> Int? {
        guard (1...9).contains(text.count), text.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(text)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension ConfigEntry {
    /// `type`: local or slurm, in any case.
    fileprivate func launcherKind() throws(SpecError) -> LauncherSpec.Kind {
        let names = LauncherSpec.Kind.allCases.map(\.rawValue)
        let expected = ConfigEntry.listed(names)
        let text = try text(expected: expected)
        if let kind = LauncherSpec.Kind(rawValue: text.lowercased()) { return kind }
        let hint =
            KeySuggestion.closest(to: text, among: names).map { "did you mean '\($0)'?" }
            ?? "tune runs trials on this machine (local) or through Slurm's srun (slurm)"
        throw mismatch(expected, hint: hint)
    }

    /// A Slurm name or list passed as one option value: not empty, no spaces or control characters.
    fileprivate func slurmWord(_ expected: String) throws(SpecError) -> String {
        let text = try text(expected: expected)
        guard !text.isEmpty else { throw mismatch(expected) }
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) else {
            throw mismatch(expected + " without spaces", hint: "srun takes \(key) as one word")
        }
        return text
    }

    /// `time`, rounded up to whole minutes (at least 1); `exact` is false when rounding changed it.
    fileprivate func slurmTimeLimit() throws(SpecError) -> (minutes: Int, exact: Bool, text: String) {
        let expected = "a time limit such as 30 (minutes), 2:00:00, 1-12 or 2h"
        let hint =
            "Slurm's forms are MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM and D-HH:MM:SS (a plain number is minutes); "
            + "tune's are 90s, 45m, 2h and 1h30m"
        let text = try text(expected: expected)
        guard let seconds = SlurmTime.seconds(text) else {
            if ["unlimited", "infinite"].contains(text.lowercased()) {
                throw mismatch(expected, hint: "leave time out to take the partition's own limit")
            }
            throw mismatch(expected, hint: hint)
        }
        // Milliseconds, so 1.1h is 66 minutes and not 67 by a rounding error.
        let milliseconds = (seconds * 1000).rounded()
        let minutes = (milliseconds / 60_000).rounded(.up)
        guard minutes <= Double(SlurmSettings.maxTimeLimitMinutes) else {
            throw mismatch(
                expected,
                hint: "Slurm's longest time limit is \(SlurmSettings.maxTimeLimitMinutes) minutes: "
                    + "leave time out to take the partition's own limit")
        }
        let whole = max(1, Int(minutes))
        return (whole, Double(whole) * 60_000 == milliseconds, text)
    }

    /// `mem`: digits and an optional K, M, G or T (any case), as Slurm's `--mem` takes it.
    fileprivate func slurmMemory() throws(SpecError) -> String {
        let expected = "a memory size such as 16G, 4000M or 500 (megabytes)"
        let text = try text(expected: expected)
        var digits = Substring(text)
        if let last = digits.last, "KMGTkmgt".contains(last) { digits = digits.dropLast() }
        if (1...18).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) { return text }

        var hint = "write digits and an optional K, M, G or T (no suffix: megabytes)"
        if let last = text.last, "Bb".contains(last), text.count > 2, "KMGTkmgt".contains(text[text.index(text.endIndex, offsetBy: -2)]) {
            hint = "Slurm's suffixes are K, M, G and T, without B: write \(text.dropLast())"
        } else if text.contains(where: \.isWhitespace) {
            hint = "write it without spaces, e.g. 16G"
        } else if text.contains(".") {
            hint = "Slurm takes whole numbers: use a smaller unit (1536M, not 1.5G)"
        }
        throw mismatch(expected, hint: hint)
    }

    /// `gpus`: a count (`2`) or `type:count` (`a100:2`), kept as text.
    fileprivate func slurmGPUs() throws(SpecError) -> String {
        let expected = "a number of GPUs such as 2 or a100:2"
        let text = try text(expected: expected)
        guard ConfigNumber.double(text) == nil else {
            guard let count = ConfigNumber.integer(text), count >= 1 else {
                throw mismatch("a positive number of GPUs", hint: ConfigNumber.problem(text, integer: true))
            }
            return "\(count)"
        }
        return try slurmWord(expected)
    }

    /// `extraArgs`: a list of srun options, each one word starting with `-` (`--exclude=node07`).
    fileprivate func srunArguments() throws(SpecError) -> [String] {
        let expected = "a list of srun options"
        guard case .sequence(let sequence) = value else {
            let hint = value.scalarText.map { text in
                "write a list: extraArgs: [\(text.split(whereSeparator: \.isWhitespace).joined(separator: ", "))]"
            }
            throw mismatch(expected, hint: hint)
        }
        var arguments: [String] = []
        for node in sequence {
            guard let text = node.scalarText else {
                throw error(at: node, "extraArgs must hold strings (srun options), got \(node.shown)")
            }
            guard !text.isEmpty else {
                throw error(at: node, "extraArgs entries must not be empty", hint: "remove the empty entry")
            }
            guard text.hasPrefix("-") else {
                var hint = "write each option and its value as one entry, e.g. --exclude=node07 (the trial command comes from tune's command line)"
                if let previous = arguments.last, previous.hasPrefix("--"), !previous.contains("=") {
                    hint = "if it is the value of \(previous), join them in one entry: \(previous)=\(text)"
                }
                throw error(
                    at: node, "extraArgs entry '\(text)' does not start with '-': srun would take it as the command to run",
                    hint: hint)
            }
            let name = text.prefix { $0 != "=" }
            if name.contains(where: \.isWhitespace) {
                let option = name.prefix { !$0.isWhitespace }
                let value = name.drop { !$0.isWhitespace }.drop(while: \.isWhitespace)
                let joined = option.hasPrefix("--") ? "\(option)=\(value)" : "the long option with '=' (--nodelist=node07)"
                throw error(
                    at: node,
                    "extraArgs entry '\(text)' has a space before its value: srun gets it as one word, "
                        + "not as the option \(option)", hint: "write \(joined)")
            }
            arguments.append(text)
        }
        return arguments
    }
}
