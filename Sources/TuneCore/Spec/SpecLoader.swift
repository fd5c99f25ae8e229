import Yams

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a tuning config (YAML or JSON) into a valid `TuningSpec`.
///
/// Cloud ML Engine's three shapes and Vertex AI's two are accepted, all giving the same spec:
/// 1. gcloud's job file: `trainingInput:` holding `hyperparameters:`; the other job and
///    trainingInput keys (`scaleTier`, `jobId`, …) are ignored, with one note naming them;
/// 2. `hyperparameters:` at the top;
/// 3. the spec's fields (`goal:`, `params:`, …) at the top, as R's cloudml writes `tuning.yml`;
/// 4. Vertex AI's `HyperparameterTuningJob` (`studySpec:` beside `maxTrialCount:`, …), as the
///    REST API and `gcloud ai hp-tuning-jobs create --config` take it (`VertexSpec`);
/// 5. Vertex AI's bare `StudySpec` (`metrics:` and `parameters:` at the top).
///
/// tune's `launcher:` block (where trials run) sits at the top level of the file in every shape.
/// Cloud ML's `jobDir` (in `trainingInput`, or at the top level) makes every trial get `--job-dir`.
///
/// Keys are Cloud ML's camelCase names; every problem is a `SpecError` giving the line and column.
public enum SpecLoader {
    /// Reads and validates the config file at `path`, the path as the user typed it (messages name it).
    public static func load(path: String) throws(SpecError) -> LoadedSpec {
        let bytes = try readFile(path)
        if let problem = ConfigLimits.notUTF8(bytes, file: path) { throw problem }
        return try parse(text: String(decoding: bytes, as: UTF8.self), file: path)
    }

    /// Validates config text; `file` names it in errors and notes.
    public static func parse(text: String, file: String) throws(SpecError) -> LoadedSpec {
        guard text.utf8.count <= ConfigLimits.maxBytes else {
            throw ConfigLimits.tooLarge(file)
        }
        try ConfigLimits.checkAliases(text, file: file)
        let root: Node?
        do {
            // Tags are never read (values are read as text), so none are resolved: the default
            // resolver's regexes cost a quarter of the time of a 10,000-parameter config.
            root = try Yams.compose(yaml: text, .basic)
        } catch {
            throw YAMLErrors.specError(error, text: text, file: file)
        }
        guard let root, !root.isNull else {
            throw SpecError(
                file: file, message: "\(file) is empty",
                hint: "write a hyperparameter spec: goal, maxTrials, params, …")
        }
        guard case .mapping = root else {
            throw SpecError(
                file: file, at: root, key: nil,
                message: "the config must be a mapping with trainingInput, hyperparameters, studySpec or the spec's keys (goal, params, …), got \(root.shown)")
        }
        let top = try ConfigMapping(root, what: "the config", file: file)
        var ignored: [String] = []
        var notes: [String] = []
        var spec: TuningSpec
        var jobDir = top[SpecKeys.jobDir]
        // Where tune's `enqueue:` list sits: beside studySpec, or in the spec's own mapping.
        var enqueue = top["enqueue"]
        if VertexSpec.matches(top) {
            spec = try VertexSpec.parse(top, ignored: &ignored, notes: &notes)
        } else if top["trainingInput"] != nil {
            let mapping = try gcloudSpec(top, ignored: &ignored, jobDir: &jobDir)
            enqueue = mapping["enqueue"]
            spec = try TuningSpec.parse(mapping, notes: &notes)
        } else if let hyperparameters = top["hyperparameters"] {
            try checkBeside(top, holder: "hyperparameters", ignored: &ignored)
            let mapping = try ConfigMapping(hyperparameters.value, what: "hyperparameters", heldBy: hyperparameters.keyNode, file: file)
            try LauncherSpec.rejectMisplaced(in: mapping, inside: "hyperparameters", beside: "hyperparameters")
            enqueue = mapping["enqueue"]
            spec = try TuningSpec.parse(mapping, notes: &notes)
        } else {
            ignored = top.keys.filter { SpecKeys.cloudOnly.contains($0) }
            spec = try TuningSpec.parse(
                top.removing(Set(ignored + [SpecKeys.launcher, SpecKeys.jobDir])),
                suggesting: [SpecKeys.trainingInput, SpecKeys.hyperparameters, SpecKeys.launcher, "studySpec"], notes: &notes)
        }
        if let jobDir {
            spec.jobDir = try jobDir.string()
        }
        if let launcher = top[SpecKeys.launcher] {
            spec.launcher = try LauncherSpec.parse(launcher, gpusPerTrial: spec.gpusPerTrial, notes: &notes)
        }
        if !ignored.isEmpty {
            let noun = ignored.count == 1 ? "key" : "keys"
            let runner = spec.launcherKind == .slurm ? "through Slurm" : "locally"
            notes.insert("ignoring cloud-only \(noun) in \(file): \(ignored.joined(separator: ", ")) (tune runs trials \(runner))", at: 0)
        }
        if let note = spec.stoppingNote { notes.append(note) }
        let given = try enqueue.map { entry throws(SpecError) in try EnqueueFile.points(try entry.list(), file: entry.file) } ?? []
        return LoadedSpec(spec: spec, notes: notes, givenPoints: given)
    }

    /// Shape 1: the spec mapping under `trainingInput.hyperparameters`; other keys are collected in `ignored`.
    /// `trainingInput.jobDir`, when there is one, is put in `jobDir`.
    private static func gcloudSpec(_ top: ConfigMapping, ignored: inout [String], jobDir: inout ConfigEntry?) throws(SpecError) -> ConfigMapping {
        var found: ConfigMapping?
        for entry in top.entries {
            guard entry.key == SpecKeys.trainingInput else {
                if entry.key == SpecKeys.launcher || entry.key == SpecKeys.jobDir { continue }
                if entry.key == SpecKeys.hyperparameters || SpecKeys.spec.contains(entry.key) {
                    let place = entry.key == SpecKeys.hyperparameters ? "trainingInput" : "trainingInput.hyperparameters"
                    throw entry.error("'\(entry.key)' belongs under \(place)", atKey: true)
                }
                if !SpecKeys.cloudOnly.contains(entry.key),
                    let hint = KeySuggestion.hint(for: entry.key, among: [SpecKeys.launcher])
                {
                    throw entry.error("unknown key '\(entry.key)'", hint: hint, atKey: true)
                }
                ignored.append(entry.key)
                continue
            }
            let input = try ConfigMapping(entry.value, what: "trainingInput", heldBy: entry.keyNode, file: top.file)
            for inner in input.entries where inner.key != SpecKeys.hyperparameters {
                if inner.key == SpecKeys.jobDir {
                    jobDir = inner
                    continue
                }
                if inner.key == SpecKeys.launcher {
                    throw LauncherSpec.misplaced(inner, inside: "trainingInput", beside: "trainingInput")
                }
                if SpecKeys.spec.contains(inner.key) {
                    throw inner.error("'\(inner.key)' belongs under trainingInput.hyperparameters", atKey: true)
                }
                if !SpecKeys.cloudOnly.contains(inner.key),
                    let hint = KeySuggestion.hint(for: inner.key, among: [SpecKeys.hyperparameters])
                {
                    throw inner.error("unknown key '\(inner.key)'", hint: hint, atKey: true)
                }
                ignored.append("trainingInput.\(inner.key)")
            }
            guard let hyperparameters = input["hyperparameters"] else {
                throw input.error(
                    key: SpecKeys.hyperparameters, "trainingInput has no hyperparameters",
                    hint: "tune reads the tuning spec from trainingInput.hyperparameters")
            }
            let mapping = try ConfigMapping(hyperparameters.value, what: "hyperparameters", heldBy: hyperparameters.keyNode, file: top.file)
            try LauncherSpec.rejectMisplaced(in: mapping, inside: "trainingInput.hyperparameters", beside: "trainingInput")
            found = mapping
        }
        // The caller saw a trainingInput key, so the loop set `found` or threw.
        guard let found else { throw top.error(key: SpecKeys.trainingInput, "missing trainingInput") }
        return found
    }

    /// Shape 2: keys beside the top `hyperparameters:` may only be `launcher` and cloud-only ones (collected in `ignored`).
    private static func checkBeside(_ top: ConfigMapping, holder: String, ignored: inout [String]) throws(SpecError) {
        for entry in top.entries where entry.key != holder && entry.key != SpecKeys.launcher && entry.key != SpecKeys.jobDir {
            if SpecKeys.spec.contains(entry.key) {
                throw entry.error("'\(entry.key)' belongs under \(holder)", atKey: true)
            }
            guard SpecKeys.cloudOnly.contains(entry.key) else {
                throw entry.error(
                    "unknown key '\(entry.key)'",
                    hint: KeySuggestion.hint(for: entry.key, among: [holder, SpecKeys.trainingInput, SpecKeys.launcher]), atKey: true)
            }
            ignored.append(entry.key)
        }
    }

    /// The file's bytes; more than `ConfigLimits.maxBytes` is an error (read no further).
    static func readFile(_ path: String) throws(SpecError) -> [UInt8] {
        func failure() -> SpecError {
            SpecError(file: path, message: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        // Opened without waiting: a FIFO nobody writes to reads as empty instead of blocking tune
        // for good. A pipe with a writer (`--config <(…)`) is then read as usual, blocking.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { throw failure() }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        guard let handle = fdopen(fd, "rb") else {
            close(fd)
            throw failure()
        }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = fread(&buffer, 1, buffer.count, handle)
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > ConfigLimits.maxBytes { throw ConfigLimits.tooLarge(path) }
            if count < buffer.count {
                if ferror(handle) != 0 { throw failure() }
                return bytes
            }
        }
    }
}
