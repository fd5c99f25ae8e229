import Foundation
import Testing
import TuneCore
import TuneTestSupport

private let params = "params: [{parameterName: a, type: INTEGER, minValue: 1, maxValue: 2}]"

/// A config of the bare shape: `launcher:` holding `block` (indented by two), then `params`.
private func withLauncher(_ block: String, spec: String = "") -> String {
    let body = block.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    return "goal: MINIMIZE\nlauncher:\n\(body)\n\(spec)\(params)\n"
}

private let fullBlock = """
    type: slurm
    partition: gpu
    time: 2h
    cpusPerTask: 4
    mem: 16G
    gres: gpu:1
    gpus: a100:2
    account: lab
    qos: normal
    constraint: a100
    extraArgs: [--exclude=node07, "--comment=a b"]
    """

private let fullLauncher = LauncherSpec(
    kind: .slurm,
    slurm: SlurmSettings(
        partition: "gpu", timeLimitMinutes: 120, cpusPerTask: 4, memory: "16G", gres: "gpu:1", gpus: "a100:2",
        account: "lab", qos: "normal", constraint: "a100", extraArgs: ["--exclude=node07", "--comment=a b"]))

private func indented(_ text: String, by spaces: Int) -> String {
    let pad = String(repeating: " ", count: spaces)
    return text.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }.joined(separator: "\n")
}

@Suite("LauncherSpec: the launcher block", .limitedParallelism)
struct LauncherSpecTests {
    static let specKeys = "goal: MINIMIZE\nmaxTrials: 3\n" + params

    static let shapes: [String] = [
        "jobId: j1\nlauncher:\n" + indented(fullBlock, by: 2) + "\ntrainingInput:\n  scaleTier: BASIC\n  hyperparameters:\n"
            + indented(specKeys, by: 4) + "\n",
        "hyperparameters:\n" + indented(specKeys, by: 2) + "\nlauncher:\n" + indented(fullBlock, by: 2) + "\n",
        specKeys + "\nlauncher:\n" + indented(fullBlock, by: 2) + "\n",
        """
        {"launcher": {"type": "SLURM", "partition": "gpu", "time": "2:00:00", "cpusPerTask": 4, "mem": "16G", "gres": "gpu:1",
                      "gpus": "a100:2", "account": "lab", "qos": "normal", "constraint": "a100",
                      "extraArgs": ["--exclude=node07", "--comment=a b"]},
         "hyperparameters": {"goal": "MINIMIZE", "maxTrials": "3",
                             "params": [{"parameterName": "a", "type": "INTEGER", "minValue": 1, "maxValue": 2}]}}
        """,
    ]

    @Test("the block at the top of each shape, and in JSON, gives the same spec", arguments: shapes)
    func shapesAgree(text: String) throws {
        let loaded = try parseConfig(text)
        var expected = TuningSpec(goal: .minimize, maxTrials: 3, params: [ParameterSpec(name: "a", domain: .integer(min: 1, max: 2, scale: .none))])
        expected.launcher = fullLauncher
        #expect(loaded.spec == expected)
        #expect(loaded.notes.allSatisfy { $0.hasPrefix("ignoring cloud-only") }, "\(loaded.notes)")
    }

    @Test("a gcloud job file with a Slurm launcher says so in its cloud-only note")
    func cloudOnlyNote() throws {
        let loaded = try parseConfig(Self.shapes[0])
        #expect(loaded.notes == ["ignoring cloud-only keys in tuning.yml: jobId, trainingInput.scaleTier (tune runs trials through Slurm)"])
    }

    @Test("no block: no launcher, trials run locally")
    func absent() throws {
        let spec = try parseConfig(params).spec
        #expect(spec.launcher == nil)
        #expect(spec.launcherKind == .local)
    }

    @Test(
        "type in any case; local by default",
        arguments: [
            ("slurm", .slurm), ("SLURM", .slurm), ("Slurm", .slurm), ("local", .local), ("LOCAL", .local), ("'slurm'", .slurm),
        ] as [(String, LauncherSpec.Kind)])
    func type(text: String, kind: LauncherSpec.Kind) throws {
        #expect(try parseConfig(withLauncher("type: \(text)")).spec.launcher?.kind == kind)
    }

    @Test("an empty block and one without type are local")
    func defaultKind() throws {
        #expect(try parseConfig("launcher: {}\n" + params).spec.launcher == LauncherSpec())
        let launcher = try #require(try parseConfig(withLauncher("partition: gpu")).spec.launcher)
        #expect(launcher == LauncherSpec(kind: .local, slurm: SlurmSettings(partition: "gpu")))
    }

    @Test("type local keeps the Slurm settings, for --launcher slurm")
    func localKeepsSlurmSettings() throws {
        let loaded = try parseConfig(withLauncher(fullBlock.replacingOccurrences(of: "type: slurm", with: "type: local")))
        #expect(loaded.spec.launcher == LauncherSpec(kind: .local, slurm: fullLauncher.slurm))
        #expect(loaded.notes.isEmpty)
    }

    @Test("every key")
    func everyKey() throws {
        let loaded = try parseConfig(withLauncher(fullBlock))
        #expect(loaded.spec.launcher == fullLauncher)
        #expect(loaded.notes.isEmpty)
    }

    @Test("anchors, aliases and merge keys work inside the block")
    func anchorsAndMerges() throws {
        let text = """
            launcher:
              <<: {partition: gpu, time: 30}
              type: slurm
              time: 45
              extraArgs: &args [--exclusive]
              account: &name lab
              qos: *name
            \(params)
            """
        let launcher = try #require(try parseConfig(text).spec.launcher)
        #expect(
            launcher
                == LauncherSpec(
                    kind: .slurm,
                    slurm: SlurmSettings(
                        partition: "gpu", timeLimitMinutes: 45, account: "lab", qos: "lab", extraArgs: ["--exclusive"])))
    }

    @Test(
        "time: Slurm's forms and tune's durations, in whole minutes",
        arguments: [
            ("30", 30, false), ("'30'", 30, false), ("1:30", 2, true), ("0:30", 1, true), ("90:00", 90, false),
            ("2:00:00", 120, false), ("1:30:00", 90, false), ("0:00:01", 1, true), ("1-0", 1440, false), ("1-2:30", 1590, false),
            ("1-2:30:00", 1590, false), ("1-2:30:15", 1591, true), ("90s", 2, true), ("120s", 2, false), ("30s", 1, true),
            ("45m", 45, false), ("2h", 120, false), ("2H", 120, false), ("1h30m", 90, false), ("1.5h", 90, false), ("1.1h", 66, false),
            ("1d", 1440, false), ("0.5m", 1, true), ("61m30s", 62, true),
        ] as [(String, Int, Bool)])
    func time(text: String, minutes: Int, rounded: Bool) throws {
        let loaded = try parseConfig(withLauncher("time: \(text)"))
        #expect(loaded.spec.launcher?.slurm.timeLimitMinutes == minutes)
        #expect(loaded.notes.count == (rounded ? 1 : 0), "\(loaded.notes)")
    }

    @Test("rounding a time up to whole minutes is a note")
    func timeNotes() throws {
        #expect(
            try parseConfig(withLauncher("time: 90s")).notes
                == ["launcher.time 90s: Slurm counts time limits in whole minutes, so trials get 2 minutes"])
        #expect(
            try parseConfig(withLauncher("time: 1:30")).notes
                == ["launcher.time 1:30: Slurm counts time limits in whole minutes, so trials get 2 minutes"])
        #expect(
            try parseConfig(withLauncher("time: 20s")).notes
                == ["launcher.time 20s: Slurm counts time limits in whole minutes, so trials get 1 minute"])
        #expect(
            try parseConfig(withLauncher("time: 1:00:01")).notes
                == ["launcher.time 1:00:01: Slurm counts time limits in whole minutes, so trials get 61 minutes (1h1m)"])
    }

    @Test(
        "bad times are errors at their line, with the accepted forms",
        arguments: [
            "0", "00:00", "0s", "-5", "1.5", "1e3", "soon", "1:60", "1:60:00", "1-24", "1-2:60", "1:2:3:4", "2 h", "1-", "-1", "1::2",
            "1-2-3", "9999999999", "h", "2h30", "30s2h", "''",
        ])
    func badTimes(text: String) throws {
        let error = try #require(configFailure(withLauncher("type: slurm\ntime: \(text)")))
        #expect(error.line == 4, "\(error)")
        #expect(error.key == "time")
        #expect(error.message.hasPrefix("launcher: time must be a time limit such as 30 (minutes), 2:00:00, 1-12 or 2h, got "), "\(error)")
        #expect(
            error.hint == "Slurm's forms are MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM and D-HH:MM:SS (a plain number is minutes); "
                + "tune's are 90s, 45m, 2h and 1h30m", "\(error)")
    }

    @Test("a time that is not text is an error at its line", arguments: ["[30]", "{m: 30}", "~"])
    func timeNotText(text: String) throws {
        let error = try #require(configFailure(withLauncher("type: slurm\ntime: \(text)")))
        #expect(error.line == 4, "\(error)")
        #expect(error.message.hasPrefix("launcher: time must be a time limit such as 30 (minutes), 2:00:00, 1-12 or 2h, got "), "\(error)")
    }

    @Test("an unlimited time is refused with a hint")
    func unlimited() throws {
        let error = try #require(configFailure(withLauncher("time: UNLIMITED")))
        #expect(error.hint == "leave time out to take the partition's own limit")
        let huge = try #require(configFailure(withLauncher("time: 999999999-0")))
        #expect(huge.hint?.hasPrefix("Slurm's longest time limit is 4294967293 minutes") == true, "\(huge)")
    }

    @Test("mem as Slurm writes it", arguments: ["16G", "4000M", "500", "2t", "512k", "0", "'16G'"])
    func memory(text: String) throws {
        let memory = try parseConfig(withLauncher("mem: \(text)")).spec.launcher?.slurm.memory
        #expect(memory == text.trimmingCharacters(in: CharacterSet(charactersIn: "'")))
    }

    @Test("gpus: a count or type:count", arguments: [("2", "2"), ("'2'", "2"), ("2.0", "2"), ("a100:2", "a100:2"), ("a100", "a100")])
    func gpus(text: String, stored: String) throws {
        #expect(try parseConfig(withLauncher("gpus: \(text)")).spec.launcher?.slurm.gpus == stored)
    }

    @Test("extraArgs: an empty list is no arguments")
    func emptyExtraArgs() throws {
        #expect(try parseConfig(withLauncher("extraArgs: []")).spec.launcher?.slurm.extraArgs == [])
    }

    @Test(
        "gpusPerTrial beside gres or gpus is a note; alone it is not",
        arguments: [
            (
                "gres: gpu:2",
                "gpusPerTrial 2 and launcher.gres gpu:2: Slurm gets the GPUs from launcher.gres, "
                    + "so gpusPerTrial only says how many GPUs a local run gives each trial"
            ),
            (
                "gpus: 2",
                "gpusPerTrial 2 and launcher.gpus 2: Slurm gets the GPUs from launcher.gpus, "
                    + "so gpusPerTrial only says how many GPUs a local run gives each trial"
            ),
            (
                "gres: gpu:1\ngpus: a100:1",
                "gpusPerTrial 2 and launcher.gres gpu:1 and launcher.gpus a100:1: Slurm gets the GPUs from "
                    + "launcher.gres and launcher.gpus, so gpusPerTrial only says how many GPUs a local run gives each trial"
            ),
        ])
    func gpusPerTrialNote(block: String, note: String) throws {
        let loaded = try parseConfig(withLauncher("type: slurm\n" + block, spec: "gpusPerTrial: 2\n"))
        #expect(loaded.notes == [note])
        let alone = try parseConfig(withLauncher("type: slurm\npartition: gpu", spec: "gpusPerTrial: 2\n"))
        #expect(alone.notes.isEmpty)
        #expect(alone.spec.gpusPerTrial == 2)
    }

    @Test("summary: one line, as tune validate shows it")
    func summary() {
        #expect(
            fullLauncher.summary == "slurm (partition gpu, time 2h, 4 CPUs, mem 16G, gres gpu:1, gpus a100:2, account lab, "
                + "qos normal, constraint a100, extra --exclude=node07 '--comment=a b')")
        #expect(LauncherSpec().summary == "local")
        #expect(LauncherSpec(kind: .slurm).summary == "slurm")
        #expect(LauncherSpec(kind: .slurm, slurm: SlurmSettings(cpusPerTask: 1)).summary == "slurm (1 CPU)")
        #expect(LauncherSpec(kind: .local, slurm: SlurmSettings(partition: "gpu")).summary == "local (with --launcher slurm: partition gpu)")
    }

    @Test(
        "minutes written back as durations that read back the same",
        arguments: [
            (1, "1m"), (45, "45m"), (60, "1h"), (90, "1h30m"), (120, "2h"), (1440, "1d"), (1590, "1d2h30m"), (2880, "2d"), (1441, "1d1m"),
        ])
    func durationText(minutes: Int, text: String) throws {
        #expect(SlurmSettings.durationText(minutes: minutes) == text)
        #expect(try parseConfig(withLauncher("time: \(text)")).spec.launcher?.slurm.timeLimitMinutes == minutes)
    }
}

@Suite("LauncherSpec: errors", .limitedParallelism)
struct LauncherSpecErrorTests {
    static let cases: [ErrorCase] = [
        ErrorCase(
            name: "type unknown", yaml: "launcher:\n  type: pbs\n\(params)",
            expected: "tuning.yml:2:9: error: launcher: type must be local or slurm, got 'pbs' — tune runs trials on this machine (local) or through Slurm's srun (slurm)"),
        ErrorCase(
            name: "type misspelled", yaml: "launcher:\n  type: slrum\n\(params)",
            expected: "tuning.yml:2:9: error: launcher: type must be local or slurm, got 'slrum' — did you mean 'slurm'?"),
        ErrorCase(
            name: "type a list", yaml: "launcher:\n  type: [slurm]\n\(params)",
            expected: "tuning.yml:2:9: error: launcher: type must be local or slurm, got a list"),
        ErrorCase(
            name: "launcher a kind instead of a mapping", yaml: "launcher: slurm\n\(params)",
            expected: "tuning.yml:1:11: error: launcher must be a mapping of settings, got 'slurm' — write launcher: {type: slurm}"),
        ErrorCase(
            name: "launcher a list", yaml: "launcher: [slurm]\n\(params)",
            expected: "tuning.yml:1:11: error: launcher must be a mapping of keys to values, got a list"),
        ErrorCase(
            name: "unknown key with a suggestion", yaml: "goal: MAXIMIZE\nlauncher:\n  type: slurm\n  partion: gpu\n\(params)",
            expected: "tuning.yml:4:3: error: launcher: unknown key 'partion' — did you mean 'partition'?"),
        ErrorCase(
            name: "unknown key, nothing near", yaml: "launcher:\n  colour: blue\n\(params)",
            expected: "tuning.yml:2:3: error: launcher: unknown key 'colour'"),
        ErrorCase(
            name: "Slurm's option name", yaml: "launcher:\n  cpus-per-task: 4\n\(params)",
            expected: "tuning.yml:2:3: error: launcher: unknown key 'cpus-per-task' — write cpusPerTask (Slurm's --cpus-per-task)"),
        ErrorCase(
            name: "memory for mem", yaml: "launcher:\n  memory: 16G\n\(params)",
            expected: "tuning.yml:2:3: error: launcher: unknown key 'memory' — write mem (Slurm's --mem), e.g. mem: 16G"),
        ErrorCase(
            name: "spec key inside the block", yaml: "launcher:\n  gpusPerTrial: 1\n\(params)",
            expected: "tuning.yml:2:3: error: launcher: unknown key 'gpusPerTrial' — 'gpusPerTrial' belongs beside params, not inside launcher"),
        ErrorCase(
            name: "mem with a B", yaml: "launcher:\n  type: slurm\n  mem: 16GB\n\(params)",
            expected:
                "tuning.yml:3:8: error: launcher: mem must be a memory size such as 16G, 4000M or 500 (megabytes), got '16GB' — Slurm's suffixes are K, M, G and T, without B: write 16G"
        ),
        ErrorCase(
            name: "mem fractional", yaml: "launcher:\n  mem: 1.5G\n\(params)",
            expected:
                "tuning.yml:2:8: error: launcher: mem must be a memory size such as 16G, 4000M or 500 (megabytes), got '1.5G' — Slurm takes whole numbers: use a smaller unit (1536M, not 1.5G)"
        ),
        ErrorCase(
            name: "mem with a space", yaml: "launcher:\n  mem: 16 G\n\(params)",
            expected: "tuning.yml:2:8: error: launcher: mem must be a memory size such as 16G, 4000M or 500 (megabytes), got '16 G' — write it without spaces, e.g. 16G"),
        ErrorCase(
            name: "mem garbage", yaml: "launcher:\n  mem: lots\n\(params)",
            expected:
                "tuning.yml:2:8: error: launcher: mem must be a memory size such as 16G, 4000M or 500 (megabytes), got 'lots' — write digits and an optional K, M, G or T (no suffix: megabytes)"
        ),
        ErrorCase(
            name: "time zero", yaml: "launcher:\n  time: 0\n\(params)",
            expected:
                "tuning.yml:2:9: error: launcher: time must be a time limit such as 30 (minutes), 2:00:00, 1-12 or 2h, got '0' — Slurm's forms are MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM and D-HH:MM:SS (a plain number is minutes); tune's are 90s, 45m, 2h and 1h30m"
        ),
        ErrorCase(
            name: "cpusPerTask zero", yaml: "launcher:\n  cpusPerTask: 0\n\(params)",
            expected: "tuning.yml:2:16: error: launcher: cpusPerTask must be a positive integer (CPUs Slurm gives each trial), got '0'"),
        ErrorCase(
            name: "partition with a space", yaml: "launcher:\n  partition: gpu debug\n\(params)",
            expected:
                "tuning.yml:2:14: error: launcher: partition must be a partition name (several as gpu,debug) without spaces, got 'gpu debug' — srun takes partition as one word"),
        ErrorCase(
            name: "account empty", yaml: "launcher:\n  account: ''\n\(params)",
            expected: "tuning.yml:2:12: error: launcher: account must be an account name, got ''"),
        ErrorCase(
            name: "qos nothing", yaml: "launcher:\n  qos:\n\(params)",
            expected: "tuning.yml:2:7: error: launcher: qos must be a QOS name, got nothing"),
        ErrorCase(
            name: "gres with a space", yaml: "launcher:\n  gres: 'gpu: 1'\n\(params)",
            expected: "tuning.yml:2:9: error: launcher: gres must be a generic resource such as gpu:1 or gpu:a100:2 without spaces, got 'gpu: 1' — srun takes gres as one word"),
        ErrorCase(
            name: "gpus zero", yaml: "launcher:\n  gpus: 0\n\(params)",
            expected: "tuning.yml:2:9: error: launcher: gpus must be a positive number of GPUs, got '0'"),
        ErrorCase(
            name: "extraArgs a string", yaml: "launcher:\n  type: slurm\n  extraArgs: --exclude=node07 --nice\n\(params)",
            expected:
                "tuning.yml:3:14: error: launcher: extraArgs must be a list of srun options, got '--exclude=node07 --nice' — write a list: extraArgs: [--exclude=node07, --nice]"),
        ErrorCase(
            name: "extraArgs entry without '-'", yaml: "launcher:\n  extraArgs:\n    - node07\n    - --exclusive\n\(params)",
            expected:
                "tuning.yml:3:7: error: launcher: extraArgs entry 'node07' does not start with '-': srun would take it as the command to run — write each option and its value as one entry, e.g. --exclude=node07 (the trial command comes from tune's command line)"
        ),
        ErrorCase(
            name: "extraArgs value split from its option", yaml: "launcher:\n  extraArgs: [--exclude, node07]\n\(params)",
            expected:
                "tuning.yml:2:26: error: launcher: extraArgs entry 'node07' does not start with '-': srun would take it as the command to run — if it is the value of --exclude, join them in one entry: --exclude=node07"
        ),
        ErrorCase(
            name: "extraArgs option and value with a space", yaml: "launcher:\n  extraArgs: ['--exclude node07']\n\(params)",
            expected:
                "tuning.yml:2:15: error: launcher: extraArgs entry '--exclude node07' has a space before its value: srun gets it as one word, not as the option --exclude — write --exclude=node07"
        ),
        ErrorCase(
            name: "extraArgs empty entry", yaml: "launcher:\n  extraArgs: [--exclusive, '']\n\(params)",
            expected: "tuning.yml:2:28: error: launcher: extraArgs entries must not be empty — remove the empty entry"),
        ErrorCase(
            name: "extraArgs nested", yaml: "launcher:\n  extraArgs: [[--exclusive]]\n\(params)",
            expected: "tuning.yml:2:15: error: launcher: extraArgs must hold strings (srun options), got a list"),
        ErrorCase(
            name: "launcher inside hyperparameters", yaml: "hyperparameters:\n  goal: MAXIMIZE\n  launcher:\n    type: slurm\n  \(params)\n",
            expected:
                "tuning.yml:3:3: error: 'launcher' belongs at the top level of the file, not inside hyperparameters — move the launcher block out to the top level, beside hyperparameters"
        ),
        ErrorCase(
            name: "launcher inside trainingInput", yaml: "trainingInput:\n  scaleTier: BASIC\n  launcher:\n    type: slurm\n  hyperparameters:\n    \(params)\n",
            expected:
                "tuning.yml:3:3: error: 'launcher' belongs at the top level of the file, not inside trainingInput — move the launcher block out to the top level, beside trainingInput"
        ),
        ErrorCase(
            name: "launcher inside trainingInput.hyperparameters", yaml: "trainingInput:\n  hyperparameters:\n    \(params)\n    launcher: {type: slurm}\n",
            expected:
                "tuning.yml:4:5: error: 'launcher' belongs at the top level of the file, not inside trainingInput.hyperparameters — move the launcher block out to the top level, beside trainingInput"
        ),
        ErrorCase(
            name: "launcher inside a parameter", yaml: "params:\n  - parameterName: a\n    launcher: {type: slurm}\n",
            expected: "tuning.yml:3:5: error: a: unknown key 'launcher' — 'launcher' belongs at the top level of the file, not inside a parameter"),
        ErrorCase(
            name: "launcher misspelled at the top", yaml: "launchr:\n  type: slurm\n\(params)",
            expected: "tuning.yml:1:1: error: unknown key 'launchr' — did you mean 'launcher'?"),
        ErrorCase(
            name: "launcher misspelled beside hyperparameters", yaml: "hyperparameters:\n  \(params)\nLauncher: {type: slurm}\n",
            expected: "tuning.yml:3:1: error: unknown key 'Launcher' — did you mean 'launcher'?"),
        ErrorCase(
            name: "launcher misspelled beside trainingInput", yaml: "trainingInput:\n  hyperparameters:\n    \(params)\nlauncer: {type: slurm}\n",
            expected: "tuning.yml:4:1: error: unknown key 'launcer' — did you mean 'launcher'?"),
        ErrorCase(
            name: "duplicate launcher", yaml: "launcher: {type: slurm}\n\(params)\nlauncher: {type: local}\n",
            expected: "tuning.yml:3:1: error: duplicate key 'launcher' — first given at line 1"),
    ]

    @Test("each rule names the line and column", arguments: cases)
    func rule(_ errorCase: ErrorCase) {
        let error = configFailure(errorCase.yaml)
        #expect(error?.description == errorCase.expected)
    }

    @Test("errors in a JSON config are located too")
    func json() throws {
        let text = """
            {
              "launcher": {
                "type": "slurm",
                "mem": "16GB"
              },
              "hyperparameters": {"params": [{"parameterName": "a", "type": "INTEGER", "minValue": 1, "maxValue": 2}]}
            }
            """
        let error = try #require(configFailure(text))
        #expect(error.line == 4 && error.column == 12, "\(error)")
        #expect(error.key == "mem")
        let misplaced = try #require(configFailure(#"{"hyperparameters": {"launcher": {"type": "slurm"}, "params": []}}"#))
        #expect(misplaced.message == "'launcher' belongs at the top level of the file, not inside hyperparameters", "\(misplaced)")
        #expect(misplaced.line == 1 && misplaced.column == 22, "\(misplaced)")
    }

    @Test("errors carry the key concerned")
    func errorKey() {
        #expect(configFailure(withLauncher("partion: gpu"))?.key == "partion")
        #expect(configFailure(withLauncher("time: soon"))?.key == "time")
        #expect(configFailure(withLauncher("extraArgs: [x]"))?.key == "extraArgs")
    }
}
