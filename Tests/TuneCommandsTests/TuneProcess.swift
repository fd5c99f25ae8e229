import Foundation
import Testing
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a `tune` process ended, and what it wrote.
struct TuneOutcome: Sendable, CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var stdout: String
    var stderr: String
    var timedOut: Bool
    var elapsed: TimeInterval

    var description: String {
        "tune \(arguments.joined(separator: " ")) → \(timedOut ? "TIMED OUT" : "exit \(status)") after \(String(format: "%.2f", elapsed))s\n--- stdout\n\(stdout)--- stderr\n\(stderr)---"
    }
}

/// The built `tune` executable and the repository it was built from.
enum TuneBinary {
    /// The repository root (this file is Tests/TuneCommandsTests/TuneProcess.swift).
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `tune` next to the test runner in the build products folder (swift test builds every product).
    static let path: String = {
        var candidates: [URL] = []
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        candidates.append(runner.deletingLastPathComponent().appendingPathComponent("tune"))
        candidates.append(runner.resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("tune"))
        // macOS: the runner is inside <products>/tunePackageTests.xctest/Contents/MacOS.
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("tune"))
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("tune"))
        }
        candidates.append(repository.appendingPathComponent(".build/debug/tune"))
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate.path
        }
        return candidates[0].path
    }()
}

/// A fresh temporary folder for one test: tune runs in `dir`, its store is `dir/.tune`.
/// Captured output goes to a sibling folder, so `dir` holds only what the test and tune put there.
/// The folder is a `TemporaryFolder`, removed with everything in it when the sandbox goes away.
final class Sandbox: @unchecked Sendable {
    private let folder: TemporaryFolder
    let root: URL
    let dir: URL
    private let io: URL
    private var counter = 0

    init() throws {
        folder = try TemporaryFolder("tune-e2e")
        root = URL(fileURLWithPath: folder.path, isDirectory: true)
        dir = root.appendingPathComponent("work", isDirectory: true)
        io = root.appendingPathComponent("io", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: io, withIntermediateDirectories: true)
    }

    /// Absolute path of `name` inside `dir`.
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// The default job store.
    var store: String { path(".tune") }

    /// Writes `name` inside `dir` (its folders made as needed); its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try folder.write("work/" + name, text)
    }

    /// A POSIX sh trial script, made executable.
    @discardableResult
    func script(_ name: String, _ body: String) throws -> String {
        try folder.script("work/" + name, body)
    }

    func read(_ name: String) -> String? {
        try? String(contentsOfFile: name.hasPrefix("/") ? name : path(name), encoding: .utf8)
    }

    func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: name.hasPrefix("/") ? name : path(name))
    }

    /// Entries of a folder (relative to `dir` unless absolute), sorted; empty when it does not exist.
    func list(_ name: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: name.hasPrefix("/") ? name : path(name))) ?? []).sorted()
    }

    /// Runs tune to its end (killed, and the test failed, past `timeout`).
    /// `through`: a command (on PATH) that runs tune itself, such as `salloc`; `arguments` are then its.
    func tune(
        _ arguments: [String], env: [String: String] = [:], timeout: TimeInterval = 60, through: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> TuneOutcome {
        let running = try start(arguments, env: env, through: through)
        return await running.finish(timeout: timeout, sourceLocation: sourceLocation)
    }

    /// Starts tune in the background.
    func start(_ arguments: [String], env: [String: String] = [:], through: String? = nil) throws -> RunningTune {
        counter += 1
        let out = io.appendingPathComponent("\(counter).stdout")
        let err = io.appendingPathComponent("\(counter).stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        if let through {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [through] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: TuneBinary.path)
            process.arguments = arguments
        }
        process.currentDirectoryURL = dir
        var environment = ProcessInfo.processInfo.environment
        environment["TUNE_STORE"] = nil
        environment["PWD"] = dir.path
        // An empty value removes the variable (e.g. CUDA_VISIBLE_DEVICES, whatever the machine has).
        for (key, value) in env { environment[key] = value.isEmpty ? nil : value }
        process.environment = environment
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return RunningTune(process: process, arguments: arguments, stdoutPath: out.path, stderrPath: err.path)
    }

    /// Waits until `condition` holds (polling), up to `timeout`; false if it never did.
    func waitUntil(timeout: TimeInterval = 15, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return await condition()
    }
}

extension Process {
    /// Waits for the process to end without holding a thread: the tests share the cooperative
    /// pool (as many threads as cores), and a test blocked in `waitUntilExit` starves every other
    /// test's clock-bound waits on a small machine. false when `timeout` passed first.
    @discardableResult
    func exited(timeout: TimeInterval? = nil) async -> Bool {
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        while isRunning {
            if let deadline, Date() >= deadline { return false }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        waitUntilExit()
        return true
    }
}

/// A tune process started in the background.
final class RunningTune: @unchecked Sendable {
    let process: Process
    let arguments: [String]
    let stdoutPath: String
    let stderrPath: String
    let started = Date()

    init(process: Process, arguments: [String], stdoutPath: String, stderrPath: String) {
        self.process = process
        self.arguments = arguments
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// A test that ended early (a failed #require) must not leave its tune running: SIGTERM stops
    /// tune and its trials as Ctrl-C would.
    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    var stderrSoFar: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    var stdoutSoFar: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }

    /// Waits for the end; past `timeout` kills it (SIGKILL) and records a test failure.
    func finish(timeout: TimeInterval = 60, sourceLocation: SourceLocation = #_sourceLocation) async -> TuneOutcome {
        let deadline = started.addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() >= deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        process.waitUntilExit()
        let elapsed = Date().timeIntervalSince(started)
        let outcome = TuneOutcome(
            arguments: arguments,
            status: process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus,
            stdout: (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "",
            timedOut: timedOut, elapsed: elapsed)
        if timedOut {
            Issue.record("tune did not end within \(timeout)s: \(outcome)", sourceLocation: sourceLocation)
        }
        return outcome
    }
}

// MARK: reading tune's output

/// `tune trials <job> --format json`, parsed.
func trialsJSON(
    _ sandbox: Sandbox, _ job: String, extra: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> [[String: Any]] {
    let result = try await sandbox.tune(["trials", job, "--format", "json"] + extra, sourceLocation: sourceLocation)
    try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
    let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    return try #require(parsed as? [[String: Any]], "not an array of objects: \(result.stdout)", sourceLocation: sourceLocation)
}

/// Trial objects by id.
func byId(_ trials: [[String: Any]]) -> [Int: [String: Any]] {
    var result: [Int: [String: Any]] = [:]
    for trial in trials {
        if let id = (trial["trialId"] as? String).flatMap(Int.init) { result[id] = trial }
    }
    return result
}

func hyperparameters(_ trial: [String: Any]) -> [String: String] {
    (trial["hyperparameters"] as? [String: Any])?.compactMapValues { $0 as? String } ?? [:]
}

func objective(_ trial: [String: Any]) -> Double? {
    guard let metric = trial["finalMetric"] as? [String: Any] else { return nil }
    return (metric["objectiveValue"] as? NSNumber)?.doubleValue
}

func trainingStep(_ trial: [String: Any]) -> String? {
    (trial["finalMetric"] as? [String: Any])?["trainingStep"] as? String
}

/// Whether a process exists and is not a zombie waiting to be reaped.
func isAlive(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return false }
    if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    {
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        if state == "Z" || state == "X" { return false }
    }
    return true
}

/// A tuning config in the bare shape.
func config(
    maxTrials: Int, parallel: Int = 1, tag: String = "acc", goal: String = "MAXIMIZE",
    algorithm: String = "RANDOM_SEARCH", extra: String = "",
    params: String = """
      - parameterName: x
        type: DOUBLE
        minValue: 0.0
        maxValue: 1.0
    """
) -> String {
    """
    goal: \(goal)
    hyperparameterMetricTag: \(tag)
    maxTrials: \(maxTrials)
    maxParallelTrials: \(parallel)
    algorithm: \(algorithm)
    \(extra)
    params:
    \(params)

    """
}
