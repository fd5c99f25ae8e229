import Foundation
import Testing
import TuneCore
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Jobs of every kind written by each earlier release keep loading, listing, reporting and resuming:
/// release 1378230 (journal format 2), release 0b5f4ef (format 3, every line checksummed) and
/// release 7518f48 (format 4, conditional spaces and defaults) and release aaf6e66 (format 5). Each folder in
/// Tests/TuneCoreTests/Fixtures/journals/releases/<release> is a job that release wrote (made by
/// `make_release_jobs.sh` there, which says what each holds), run in
/// /tmp/tune-release-jobs/<kind> with the stand-in trials of scripts/: here it is copied into a
/// sandbox's store, the recorded folder rewritten to the sandbox (a line of format 3 or later so
/// changed is sealed again with its checksum, as that release would have written it), and the same
/// scripts put there. Every test runs once for each release (`releases`); the conditional job,
/// which only a release of format 4 or later can write, once for each of those
/// (`conditionalReleases`).
///
/// The values asserted are the fixtures' own (read from their journals; every release wrote the
/// same trials): a later release must show exactly these trials, and go on with them — in the
/// job's own format: a resumed format-2 job gets no checksums, a resumed job of format 3 or later
/// keeps checksumming every line (`keepsFormat`).
@Suite("End to end: jobs of each kind written by releases 1378230 (journal format 2), 0b5f4ef (format 3), 7518f48 (format 4) and aaf6e66 (format 5)", .limitedParallelism)
struct ReleaseJournalTests {
    static let journals = TuneBinary.repository.appendingPathComponent("Tests/TuneCoreTests/Fixtures/journals").path
    /// The releases whose jobs are kept in releases/<release>, with the journal format each wrote.
    static let releases: [(release: String, format: Int)] = [("1378230", 2), ("0b5f4ef", 3), ("7518f48", 4), ("aaf6e66", 5)]
    /// The releases that also wrote a job with a conditional space and defaults (format 4 on).
    static let conditionalReleases = releases.filter { $0.format >= 4 }
    /// Where `make_release_jobs.sh` ran each kind's job: `<recordedBase>/<kind>`.
    static let recordedBase = "/tmp/tune-release-jobs"

    /// A sandbox whose store holds the fixture job `kind` (the job's name is its kind) that
    /// `release` wrote in journal `format`, ready to resume: the stand-in trials in its folder,
    /// with ./go and ./fixed (so no trial hangs or fails again).
    static func sandbox(_ kind: String, release: String = "1378230", format: Int = 2) throws -> Sandbox {
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(atPath: sandbox.store, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(journals)/releases/\(release)/\(kind)", toPath: sandbox.store + "/" + kind)
        let journal = sandbox.store + "/\(kind)/journal.jsonl"
        let text = try #require(sandbox.read(journal))
        try #require(
            text.hasPrefix("{") && text.split(separator: "\n").first?.contains("\"format\":\(format)") == true,
            "a job_created event declaring journal format \(format): \(text.prefix(200))")
        try #require(Self.checksummed(text) == (format >= 3), "release \(release)'s lines \(format >= 3 ? "all carry" : "carry no") checksums")
        try #require(text.contains("\"directory\":\"\(recordedBase)/\(kind)\""))
        let moved = Self.rewritten(text) { $0.replacingOccurrences(of: "\(recordedBase)/\(kind)", with: sandbox.dir.path) }
        try Data(moved.utf8).write(to: URL(fileURLWithPath: journal))
        for script in ["train.sh", "curve.sh"] {
            try FileManager.default.copyItem(atPath: "\(journals)/scripts/\(script)", toPath: sandbox.path(script))
            chmod(sandbox.path(script), 0o755)
        }
        try sandbox.write("go", "")
        try sandbox.write("fixed", "")
        return sandbox
    }

    // MARK: checksums (format 3)

    /// `,"crc":"` + 8 hex digits + `"}`: how a format-3 line ends (JournalChecksum in TuneCore).
    static let checksumSuffixLength = 18

    /// The line as it was before its checksum member was added (`{…}`), when it ends with a valid
    /// checksum; nil when it has none or a wrong one.
    static func unsealed(_ line: Substring) -> String? {
        let bytes = Array(line.utf8)
        guard bytes.count > checksumSuffixLength + 1, line.hasSuffix("\"}") else { return nil }
        let tail = String(decoding: bytes[(bytes.count - checksumSuffixLength)...], as: UTF8.self)
        guard tail.hasPrefix(",\"crc\":\""), let stored = UInt32(tail.dropFirst(8).prefix(8), radix: 16) else { return nil }
        let body = String(decoding: bytes[..<(bytes.count - checksumSuffixLength)], as: UTF8.self) + "}"
        return CRC32C.checksum(Array(body.utf8)) == stored ? body : nil
    }

    /// `body` (one JSON object) with its checksum member added, as a format-3 tune writes it.
    static func sealed(_ body: String) -> String {
        let hex = String(CRC32C.checksum(Array(body.utf8)), radix: 16)
        return String(body.dropLast()) + ",\"crc\":\"" + String(repeating: "0", count: 8 - hex.count) + hex + "\"}"
    }

    /// The journal `text` with `change` made to each line; a line that ended with a valid checksum
    /// is sealed again, so that the changed job reads as its release wrote it.
    static func rewritten(_ text: String, _ change: (String) -> String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard let body = unsealed(line) else { return change(String(line)) }
            return sealed(change(body))
        }.joined(separator: "\n")
    }

    /// Whether every line of the journal `text` ends with a valid checksum; false when none has a
    /// `"crc"` member; nil when some have one and some not, or one is wrong.
    static func checksummed(_ text: String) -> Bool? {
        let lines = text.split(separator: "\n")
        if lines.allSatisfy({ !$0.contains("\"crc\"") }) { return false }
        return lines.allSatisfy { unsealed($0) != nil } ? true : nil
    }

    /// After a resume, the job's journal is still of `format`, written as that release would:
    /// format 3 or later with every line checksummed (the lines this tune added too), format 2
    /// with none.
    static func keepsFormat(
        _ sandbox: Sandbox, _ job: String, format: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let text = sandbox.read(sandbox.store + "/\(job)/journal.jsonl") ?? ""
        let lines = text.split(separator: "\n")
        #expect(lines.first?.contains("\"format\":\(format)") == true, "\(text.prefix(200))", sourceLocation: sourceLocation)
        #expect(text.components(separatedBy: "\"format\":").count == 2, "one format key, in job_created", sourceLocation: sourceLocation)
        #expect(lines.count > 1, sourceLocation: sourceLocation)
        if format >= 3 {
            for (index, line) in lines.enumerated() {
                #expect(unsealed(line) != nil, "line \(index + 1) keeps a valid checksum: \(line)", sourceLocation: sourceLocation)
            }
        } else {
            #expect(!text.contains("\"crc\""), "a format-\(format) job gets no checksums", sourceLocation: sourceLocation)
        }
    }

    /// `tune jobs` lists the job with its state and `finished/planned` trials; `tune status` shows
    /// it; `tune report` writes HTML with a row for each trial, in its state.
    static func listsShowsAndReports(
        _ sandbox: Sandbox, _ job: String, state: String, trials: [Int: String], planned: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let jobs = try await sandbox.tune(["jobs"])
        #expect(jobs.status == 0, "\(jobs)", sourceLocation: sourceLocation)
        let line = jobs.stdout.split(separator: "\n").first { $0.hasPrefix(job + " ") }.map(String.init) ?? ""
        let finished = trials.values.filter { ["SUCCEEDED", "FAILED", "CANCELLED"].contains($0) }.count
        #expect(line.contains(" \(state) ") && line.contains(" \(finished)/\(planned) "), "\(jobs)", sourceLocation: sourceLocation)

        let status = try await sandbox.tune(["status", job])
        #expect(status.status == 0, "\(status)", sourceLocation: sourceLocation)
        #expect(status.stdout.contains("job       \(job)") || status.stdout.contains("job        \(job)"), "\(status)", sourceLocation: sourceLocation)
        #expect(status.stdout.contains(state), "\(status)", sourceLocation: sourceLocation)

        let path = sandbox.path("report-\(job).html")
        let report = try await sandbox.tune(["report", job, "-o", path])
        #expect(report.status == 0 && report.stdout.contains(path), "\(report)", sourceLocation: sourceLocation)
        let html = sandbox.read(path) ?? ""
        #expect(html.hasPrefix("<!DOCTYPE html>") || html.lowercased().hasPrefix("<!doctype html>"), "\(html.prefix(100))", sourceLocation: sourceLocation)
        #expect(html.components(separatedBy: "<tr class=\"").count - 1 >= trials.count, sourceLocation: sourceLocation)
        for (id, trialState) in trials {
            #expect(
                html.contains("<tr class=\"\(trialState.lowercased())\" data-trial=\"\(id)\">"),
                "the report's row of trial \(id) (\(trialState))", sourceLocation: sourceLocation)
        }
    }

    static func states(_ trials: [Int: [String: Any]]) -> [Int: String] {
        trials.compactMapValues { $0["state"] as? String }
    }

    static func attempt(_ trial: [String: Any]?) -> Int? { trial?["attempt"] as? Int }

    static func previous(_ trial: [String: Any]?) -> [[String: Any]] {
        trial?["previousAttempts"] as? [[String: Any]] ?? []
    }

    // MARK: finished

    @Test(arguments: Self.releases)
    func finishedJob(release: String, format: Int) async throws {
        let sandbox = try Self.sandbox("finished", release: release, format: format)
        let before = byId(try await trialsJSON(sandbox, "finished"))
        #expect(before.count == 4, "\(before)")
        let parameters: [Int: [String: String]] = [
            1: ["x": "0.11087593962651332", "layers": "3"], 2: ["x": "0.2064896668881906", "layers": "2"],
            3: ["x": "0.7449240251528628", "layers": "4"], 4: ["x": "0.9592674610037556", "layers": "4"],
        ]
        for id in 1...4 {
            let trial = before[id] ?? [:]
            #expect(trial["state"] as? String == "SUCCEEDED", "trial \(id): \(trial)")
            #expect(objective(trial) == Double(id) + 0.25, "trial \(id): \(trial)")
            #expect(trainingStep(trial) == "1")
            #expect(hyperparameters(trial) == parameters[id], "trial \(id): \(trial)")
            #expect(trial["attempt"] == nil && trial["isTrialStoppedEarly"] as? Bool == false, "trial \(id): \(trial)")
        }
        try await Self.listsShowsAndReports(sandbox, "finished", state: "SUCCEEDED", trials: Self.states(before), planned: 4)

        // A finished job: nothing to resume until its budget is raised; the new trials keep the
        // release's spec (jobDir → --job-dir, perTrialWorkingDirectory → trials/<id>/cwd), and the
        // journal its format.
        let nothing = try await sandbox.tune(["resume", "finished"])
        #expect(nothing.status == 0 && nothing.stdout.contains("Nothing to resume"), "\(nothing)")
        let resume = try await sandbox.tune(["resume", "finished", "--max-trials", "6", "--grace-period", "1"])
        try #require(resume.status == 0, "\(resume)")
        let after = byId(try await trialsJSON(sandbox, "finished"))
        #expect(after.count == 6, "\(after)")
        for id in 1...6 {
            #expect(after[id]?["state"] as? String == "SUCCEEDED", "trial \(id): \(after[id] ?? [:])")
            #expect(objective(after[id] ?? [:]) == Double(id) + 0.25)
        }
        for id in 1...4 { #expect(hyperparameters(after[id] ?? [:]) == parameters[id]) }
        for id in 5...6 {
            #expect(sandbox.exists(sandbox.store + "/finished/trials/\(id)/job-dir"), "trial \(id) got --job-dir")
            #expect(sandbox.exists(sandbox.store + "/finished/trials/\(id)/cwd"), "trial \(id) ran in a working directory of its own")
        }
        let jobs = try await sandbox.tune(["jobs"])
        #expect(jobs.stdout.contains(" 6/6 "), "\(jobs)")
        Self.keepsFormat(sandbox, "finished", format: format)
    }

    // MARK: cancelled

    @Test(arguments: Self.releases)
    func cancelledJob(release: String, format: Int) async throws {
        let sandbox = try Self.sandbox("cancelled", release: release, format: format)
        let before = byId(try await trialsJSON(sandbox, "cancelled"))
        #expect(before.count == 2, "trial 2 was cancelled; 3 and 4 never made: \(before)")
        #expect(before[1]?["state"] as? String == "SUCCEEDED" && objective(before[1] ?? [:]) == 1.25, "\(before[1] ?? [:])")
        let cancelled = try #require(before[2])
        #expect(cancelled["state"] as? String == "CANCELLED", "\(cancelled)")
        #expect(cancelled["finalMetric"] == nil, "\(cancelled)")
        #expect((cancelled["failureReason"] as? String)?.contains("SIGINT") == true, "\(cancelled)")
        #expect(hyperparameters(cancelled) == ["x": "0.405421584068116"])
        try await Self.listsShowsAndReports(sandbox, "cancelled", state: "CANCELLED", trials: Self.states(before), planned: 4)
        let status = try await sandbox.tune(["status", "cancelled"])
        #expect(status.stdout.contains("1 cancelled") && status.stdout.contains("tune resume cancelled"), "\(status)")

        // Resumed: trial 2 again (attempt 2, with its parameters), then trials 3 and 4.
        let resume = try await sandbox.tune(["resume", "cancelled", "--grace-period", "1"])
        try #require(resume.status == 0, "\(resume)")
        let after = byId(try await trialsJSON(sandbox, "cancelled"))
        #expect(after.count == 4, "\(after)")
        for id in 1...4 {
            #expect(after[id]?["state"] as? String == "SUCCEEDED", "trial \(id): \(after[id] ?? [:])")
            #expect(objective(after[id] ?? [:]) == Double(id) + 0.25)
        }
        #expect(Self.attempt(after[2]) == 2, "\(after[2] ?? [:])")
        #expect(hyperparameters(after[2] ?? [:]) == ["x": "0.405421584068116"])
        let earlier = Self.previous(after[2])
        #expect(earlier.count == 1 && earlier.first?["state"] as? String == "CANCELLED" && earlier.first?["attempt"] as? Int == 1, "\(earlier)")
        #expect(sandbox.exists(sandbox.store + "/cancelled/trials/2.attempt-1"))
        #expect(Self.attempt(after[1]) == nil && Self.attempt(after[3]) == nil)
        let jobs = try await sandbox.tune(["jobs"])
        #expect(jobs.stdout.contains("SUCCEEDED") && jobs.stdout.contains(" 4/4 "), "\(jobs)")
        Self.keepsFormat(sandbox, "cancelled", format: format)
    }

    // MARK: stopped trials

    @Test(arguments: Self.releases)
    func stoppedTrialsJob(release: String, format: Int) async throws {
        let sandbox = try Self.sandbox("stopped", release: release, format: format)
        let before = byId(try await trialsJSON(sandbox, "stopped"))
        #expect(before.count == 5, "\(before)")
        let grid = ["0.9", "0.8", "0.85", "0.1", "0.95", "0.2", "0.99"]
        let values: [Int: Double] = [1: 0.899121, 2: 0.799219, 3: 0.84917, 4: 0.075, 5: 0.949072]
        for id in 1...5 {
            let trial = before[id] ?? [:]
            #expect(trial["state"] as? String == "SUCCEEDED", "trial \(id): \(trial)")
            #expect(hyperparameters(trial) == ["x": grid[id - 1]], "trial \(id): \(trial)")
            #expect(objective(trial) == values[id], "trial \(id): \(trial)")
            #expect(trial["isTrialStoppedEarly"] as? Bool == (id == 4), "trial \(id): \(trial)")
            #expect(trainingStep(trial) == (id == 4 ? "2" : "10"), "trial \(id): \(trial)")
            #expect((trial["allMetrics"] as? [Any])?.count == (id == 4 ? 2 : 10), "trial \(id): \(trial)")
        }
        #expect((before[4]?["failureReason"] as? String)?.contains("median stopping rule") == true, "\(before[4] ?? [:])")
        try await Self.listsShowsAndReports(sandbox, "stopped", state: "SUCCEEDED", trials: Self.states(before), planned: 5)
        let status = try await sandbox.tune(["status", "stopped"])
        #expect(status.stdout.contains("1 trial stopped early"), "\(status)")
        let report = try await sandbox.tune(["report", "stopped"])
        let html = sandbox.read(report.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? ""
        #expect(html.contains("data-trial=\"4\" data-state=\"stopped\""), "the report marks trial 4 stopped early")

        // Resumed with two more of the grid: 0.2 falls behind and is stopped too, 0.99 runs to the end.
        let resume = try await sandbox.tune(["resume", "stopped", "--max-trials", "7", "--grace-period", "1"])
        try #require(resume.status == 0, "\(resume)")
        let after = byId(try await trialsJSON(sandbox, "stopped"))
        #expect(after.count == 7, "\(after)")
        for id in 1...7 { #expect(after[id]?["state"] as? String == "SUCCEEDED", "trial \(id): \(after[id] ?? [:])") }
        for id in 1...5 { #expect(objective(after[id] ?? [:]) == values[id]) }
        #expect(hyperparameters(after[6] ?? [:]) == ["x": "0.2"] && hyperparameters(after[7] ?? [:]) == ["x": "0.99"])
        #expect(after[6]?["isTrialStoppedEarly"] as? Bool == true && trainingStep(after[6] ?? [:]) != "10", "\(after[6] ?? [:])")
        #expect(after[7]?["isTrialStoppedEarly"] as? Bool == false && trainingStep(after[7] ?? [:]) == "10", "\(after[7] ?? [:])")
        #expect(objective(after[7] ?? [:]) == 0.989033)
        let grown = try await sandbox.tune(["resume", "stopped", "--max-trials", "9"])
        #expect(grown.status == 0 && grown.stdout.contains("its grid is done"), "\(grown)")
        Self.keepsFormat(sandbox, "stopped", format: format)
    }

    // MARK: hyperband

    @Test(arguments: Self.releases)
    func hyperbandJob(release: String, format: Int) async throws {
        let sandbox = try Self.sandbox("hyperband", release: release, format: format)
        let before = byId(try await trialsJSON(sandbox, "hyperband"))
        #expect(before.count == 14, "\(before)")
        // trial → (configuration, rung), as the fixture's placements say; budgets 1, 3, 9 by rung.
        let placements: [Int: (Int, Int)] = [
            1: (1, 0), 2: (2, 0), 3: (3, 0), 4: (3, 1), 5: (4, 0), 6: (4, 1), 7: (5, 0),
            8: (6, 0), 9: (5, 1), 10: (4, 2), 11: (7, 0), 12: (7, 1), 13: (8, 0), 14: (9, 0),
        ]
        let budgets = [0: 1, 1: 3, 2: 9]
        for (id, placement) in placements {
            let trial = before[id] ?? [:]
            #expect(trial["state"] as? String == "SUCCEEDED", "trial \(id): \(trial)")
            #expect(trial["configuration"] as? Int == placement.0 && trial["rung"] as? Int == placement.1, "trial \(id): \(trial)")
            #expect(trial["budget"] as? Int == budgets[placement.1], "trial \(id): \(trial)")
            #expect(trainingStep(trial) == String(budgets[placement.1]!), "ran to its budget: \(trial)")
        }
        #expect(objective(before[10] ?? [:]) == 0.892069 && hyperparameters(before[10] ?? [:]) == ["x": "0.8938143134803693"])
        // Every run of a configuration has its parameters.
        for (id, placement) in placements {
            let first = placements.filter { $0.value.0 == placement.0 }.keys.min()!
            #expect(hyperparameters(before[id] ?? [:]) == hyperparameters(before[first] ?? [:]), "trial \(id)")
        }
        try await Self.listsShowsAndReports(sandbox, "hyperband", state: "SUCCEEDED", trials: Self.states(before), planned: 14)
        let status = try await sandbox.tune(["status", "hyperband"])
        #expect(status.stdout.contains("9 configurations; runs by epochs: 9 at 1, 4 at 3, 1 at 9"), "\(status)")
        let best = try await trialsJSON(sandbox, "hyperband")
        #expect(best.first?["trialId"] as? String == "10", "best first: the best at the largest budget")

        // Resumed with 6 more runs: new configurations numbered on from 10, promotions continue.
        let resume = try await sandbox.tune(
            ["resume", "hyperband", "--max-trials", "20", "--grace-period", "1"],
            env: ["EPOCH_SECONDS": "0.005"])
        try #require(resume.status == 0, "\(resume)")
        let after = byId(try await trialsJSON(sandbox, "hyperband"))
        #expect(after.count == 20, "\(after)")
        var firstRun: [Int: [String: String]] = [:]
        for id in 1...20 {
            let trial = try #require(after[id], "trial \(id)")
            #expect(trial["state"] as? String == "SUCCEEDED", "trial \(id): \(trial)")
            let configuration = try #require(trial["configuration"] as? Int, "\(trial)")
            let rung = try #require(trial["rung"] as? Int, "\(trial)")
            #expect(trial["budget"] as? Int == budgets[rung], "trial \(id): \(trial)")
            #expect(trainingStep(trial) == budgets[rung].map(String.init), "trial \(id): \(trial)")
            if let placement = placements[id] { #expect(configuration == placement.0 && rung == placement.1, "trial \(id) kept its place") }
            if rung == 0 {
                #expect(firstRun[configuration] == nil, "one rung-0 run per configuration: trial \(id)")
                #expect(id <= 14 || configuration >= 10, "a new configuration after the fixture's 9: trial \(id)")
                firstRun[configuration] = hyperparameters(trial)
            } else {
                #expect(firstRun[configuration] == hyperparameters(trial), "a promotion runs its configuration's parameters: trial \(id)")
            }
        }
        #expect(Set(after.values.compactMap { $0["rung"] as? Int }) == [0, 1, 2])
        Self.keepsFormat(sandbox, "hyperband", format: format)
    }

    // MARK: killed

    @Test(arguments: Self.releases)
    func killedJob(release: String, format: Int) async throws {
        let sandbox = try Self.sandbox("killed", release: release, format: format)
        let before = byId(try await trialsJSON(sandbox, "killed"))
        #expect(before.count == 2, "\(before)")
        #expect(before[1]?["state"] as? String == "SUCCEEDED" && objective(before[1] ?? [:]) == 1.25, "\(before[1] ?? [:])")
        let interrupted = try #require(before[2])
        #expect(
            interrupted["state"] as? String == "RUNNING" && interrupted["finalMetric"] == nil && interrupted["endTime"] == nil,
            "tune was SIGKILLed while trial 2 ran: the journal ends at its start: \(interrupted)")
        #expect(hyperparameters(interrupted) == ["x": "0.8792256060033302"])
        // No tune holds the job: it shows as INTERRUPTED.
        try await Self.listsShowsAndReports(sandbox, "killed", state: "INTERRUPTED", trials: Self.states(before), planned: 3)
        let status = try await sandbox.tune(["status", "killed"])
        #expect(status.stdout.contains("tune resume killed"), "\(status)")

        let resume = try await sandbox.tune(["resume", "killed", "--grace-period", "1"])
        try #require(resume.status == 0, "\(resume)")
        let after = byId(try await trialsJSON(sandbox, "killed"))
        #expect(after.count == 3, "\(after)")
        for id in 1...3 {
            #expect(after[id]?["state"] as? String == "SUCCEEDED", "trial \(id): \(after[id] ?? [:])")
            #expect(objective(after[id] ?? [:]) == Double(id) + 0.25)
        }
        #expect(Self.attempt(after[2]) == 2 && hyperparameters(after[2] ?? [:]) == ["x": "0.8792256060033302"], "\(after[2] ?? [:])")
        let earlier = Self.previous(after[2])
        #expect(earlier.count == 1 && earlier.first?["state"] as? String == "CANCELLED" && earlier.first?["rerunCause"] as? String == "resume", "\(earlier)")
        #expect(sandbox.exists(sandbox.store + "/killed/trials/2.attempt-1"))
        let jobs = try await sandbox.tune(["jobs"])
        #expect(jobs.stdout.contains("SUCCEEDED") && jobs.stdout.contains(" 3/3 "), "\(jobs)")
        Self.keepsFormat(sandbox, "killed", format: format)
    }

    // MARK: resumed, with attempts

    @Test(arguments: Self.releases)
    func resumedJobWithAttempts(release: String, format: Int) async throws {
        let sandbox = try Self.sandbox("resumed", release: release, format: format)
        let before = byId(try await trialsJSON(sandbox, "resumed"))
        #expect(before.count == 5, "\(before)")
        for id in 1...5 {
            #expect(before[id]?["state"] as? String == "SUCCEEDED", "trial \(id): \(before[id] ?? [:])")
            #expect(objective(before[id] ?? [:]) == Double(id) + 0.25)
            #expect(Self.attempt(before[id]) == ([2, 4].contains(id) ? 2 : nil), "trial \(id): \(before[id] ?? [:])")
        }
        // Trial 2: interrupted when tune was SIGKILLed, run again by `tune resume`.
        let two = Self.previous(before[2])
        #expect(two.count == 1, "\(two)")
        #expect(two.first?["attempt"] as? Int == 1 && two.first?["state"] as? String == "CANCELLED", "\(two)")
        #expect(two.first?["rerunCause"] as? String == "resume" && two.first?["outputFolder"] as? String == "trials/2.attempt-1", "\(two)")
        // Trial 4: FAILED (exit 3), run again by `tune retry`.
        let four = Self.previous(before[4])
        #expect(four.count == 1, "\(four)")
        #expect(four.first?["attempt"] as? Int == 1 && four.first?["state"] as? String == "FAILED", "\(four)")
        #expect(four.first?["rerunCause"] as? String == "manual" && four.first?["outputFolder"] as? String == "trials/4.attempt-1", "\(four)")
        #expect((four.first?["failureReason"] as? String)?.contains("exited with code 3") == true, "\(four)")
        #expect(sandbox.read(sandbox.store + "/resumed/trials/4.attempt-1/stderr.log")?.contains("no ./fixed yet") == true)
        #expect(sandbox.read(sandbox.store + "/resumed/trials/4/stdout.log")?.contains("acc=4.25") == true)
        let logs = try await sandbox.tune(["logs", "resumed", "--trial", "4"])
        #expect(logs.status == 0 && logs.stdout.contains("acc=4.25"), "\(logs)")
        try await Self.listsShowsAndReports(sandbox, "resumed", state: "SUCCEEDED", trials: Self.states(before), planned: 5)
        let status = try await sandbox.tune(["status", "resumed"])
        #expect(status.stdout.contains("trial 2 (attempt 2), trial 4 (attempt 2)"), "\(status)")

        let resume = try await sandbox.tune(["resume", "resumed", "--max-trials", "7", "--grace-period", "1"])
        try #require(resume.status == 0, "\(resume)")
        let after = byId(try await trialsJSON(sandbox, "resumed"))
        #expect(after.count == 7, "\(after)")
        for id in 1...7 {
            #expect(after[id]?["state"] as? String == "SUCCEEDED", "trial \(id): \(after[id] ?? [:])")
            #expect(objective(after[id] ?? [:]) == Double(id) + 0.25)
            #expect(Self.attempt(after[id]) == ([2, 4].contains(id) ? 2 : nil), "trial \(id): \(after[id] ?? [:])")
        }
        // No failed trial is left: nothing runs a third time.
        let retry = try await sandbox.tune(["retry", "resumed"])
        #expect(retry.status == 0 && retry.stdout.contains("Nothing to retry"), "\(retry)")
        Self.keepsFormat(sandbox, "resumed", format: format)
    }

    // MARK: a conditional space with defaults (format 4 on)

    @Test(arguments: Self.conditionalReleases)
    func conditionalJobWithDefaults(release: String, format: Int) async throws {
        let sandbox = try Self.sandbox("conditional", release: release, format: format)
        let journal = try #require(sandbox.read(sandbox.store + "/conditional/journal.jsonl"))
        let created = try #require(journal.split(separator: "\n").first)
        #expect(
            created.contains("\"condition\":{\"parent\":\"optimizer\",\"parentValues\":[\"sgd\"]}")
                && created.contains("\"condition\":{\"parent\":\"layers\",\"parentValues\":[\"3\"]}")
                && created.contains("\"defaultValue\":\"sgd\"") && created.contains("\"defaultValue\":\"0.9\""),
            "the release journaled the space's conditions and defaults: \(created)")
        let before = byId(try await trialsJSON(sandbox, "conditional"))
        #expect(before.count == 5, "\(before)")
        // Trial 1 at the defaults (layers, which has none, at its middle); an inactive parameter
        // has no value at all.
        let parameters: [Int: [String: String]] = [
            1: ["optimizer": "sgd", "momentum": "0.9", "layers": "2"],
            2: ["optimizer": "sgd", "momentum": "0.8116126146378189", "layers": "1"],
            3: ["optimizer": "adam", "layers": "3", "units3": "35"],
            4: ["optimizer": "adam", "layers": "1"],
            5: ["optimizer": "sgd", "momentum": "0.042340723240564336", "layers": "3", "units3": "17"],
        ]
        for id in 1...5 {
            let trial = before[id] ?? [:]
            #expect(trial["state"] as? String == "SUCCEEDED", "trial \(id): \(trial)")
            #expect(objective(trial) == Double(id) + 0.25, "trial \(id): \(trial)")
            #expect(hyperparameters(trial) == parameters[id], "trial \(id): \(trial)")
        }
        try await Self.listsShowsAndReports(sandbox, "conditional", state: "SUCCEEDED", trials: Self.states(before), planned: 5)
        // The CSV leaves an inactive parameter's cell empty.
        let csv = try await sandbox.tune(["trials", "conditional", "--format", "csv"])
        #expect(csv.status == 0, "\(csv)")
        let rows = OutputTests.csvRows(csv.stdout)
        let header = try #require(rows.first)
        #expect(rows.count == 6, "\(csv.stdout)")
        for row in rows.dropFirst() {
            #expect(row.count == header.count, "\(row)")
            let fields = Dictionary(zip(header, row), uniquingKeysWith: { first, _ in first })
            let id = try #require(fields["trialId"].flatMap { Int($0) }, "\(header) \(row)")
            for name in ["optimizer", "momentum", "layers", "units3"] {
                #expect(fields[name] == (parameters[id]?[name] ?? ""), "trial \(id)'s \(name): \(row)")
            }
        }

        // Resumed with 3 more trials: each has exactly the parameters active at its point, in range.
        let resume = try await sandbox.tune(["resume", "conditional", "--max-trials", "8", "--grace-period", "1"])
        try #require(resume.status == 0, "\(resume)")
        let after = byId(try await trialsJSON(sandbox, "conditional"))
        #expect(after.count == 8, "\(after)")
        for id in 1...8 {
            let trial = after[id] ?? [:]
            #expect(trial["state"] as? String == "SUCCEEDED", "trial \(id): \(trial)")
            #expect(objective(trial) == Double(id) + 0.25, "trial \(id): \(trial)")
        }
        for id in 1...5 { #expect(hyperparameters(after[id] ?? [:]) == parameters[id], "trial \(id) kept its values") }
        for id in 6...8 {
            let values = hyperparameters(after[id] ?? [:])
            let optimizer = try #require(values["optimizer"], "trial \(id): \(values)")
            let layers = try #require(values["layers"].flatMap(Int.init), "trial \(id): \(values)")
            #expect(["sgd", "adam"].contains(optimizer) && (1...3).contains(layers), "trial \(id): \(values)")
            #expect((values["momentum"] != nil) == (optimizer == "sgd"), "momentum only for sgd: trial \(id): \(values)")
            if let momentum = values["momentum"].flatMap(Double.init) { #expect((0...0.99).contains(momentum), "trial \(id): \(values)") }
            #expect((values["units3"] != nil) == (layers == 3), "units3 only for 3 layers: trial \(id): \(values)")
            if let units = values["units3"].flatMap(Int.init) { #expect((8...64).contains(units), "trial \(id): \(values)") }
            #expect(Set(values.keys).isSubset(of: ["optimizer", "momentum", "layers", "units3"]), "trial \(id): \(values)")
        }
        let jobs = try await sandbox.tune(["jobs"])
        #expect(jobs.stdout.contains(" 8/8 "), "\(jobs)")
        Self.keepsFormat(sandbox, "conditional", format: format)
    }

    // MARK: a newer format

    /// A job whose journal declares a format newer than this tune's is refused with a message
    /// naming it, by the commands that read the journal — and the journal is left as it was.
    @Test(arguments: Self.releases)
    func newerFormatIsRefusedAndLeftUnchanged(release: String, format: Int) async throws {
        let sandbox = try Self.sandbox("finished", release: release, format: format)
        let journal = sandbox.store + "/finished/journal.jsonl"
        let text = try #require(sandbox.read(journal))
        #expect(text.components(separatedBy: "\"format\":\(format)").count == 2, "one format key, in job_created")
        // A format-3 line changed is sealed again: the job reads as a newer tune wrote it, not as damaged.
        let newer = Data(Self.rewritten(text) { $0.replacingOccurrences(of: "\"format\":\(format)", with: "\"format\":99") }.utf8)
        #expect(Self.checksummed(String(decoding: newer, as: UTF8.self)) == (format >= 3))
        try newer.write(to: URL(fileURLWithPath: journal))

        for arguments in [
            ["trials", "finished", "--format", "json"], ["resume", "finished"], ["resume", "finished", "--max-trials", "9"],
            ["retry", "finished"], ["status", "finished"], ["report", "finished"],
        ] {
            let result = try await sandbox.tune(arguments + (arguments[0] == "resume" || arguments[0] == "retry" ? ["--grace-period", "1"] : []))
            #expect(result.status != 0 && !result.timedOut, "\(result)")
            #expect(result.stderr.contains("journal format 99") && result.stderr.contains("newer tune"), "names the format and says a newer tune is needed: \(result)")
            #expect(result.stderr.contains("this tune reads formats 1 to \(JournalFormat.current)"), "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(FileManager.default.contents(atPath: journal) == newer, "the journal is unchanged after \(arguments)")
        }
        #expect(!sandbox.exists(sandbox.store + "/finished/report.html"))
        #expect(!sandbox.exists(sandbox.store + "/finished/trials/5"), "no trial ran")
        let jobs = try await sandbox.tune(["jobs"])
        #expect(jobs.status == 0, "\(jobs)")
        #expect(FileManager.default.contents(atPath: journal) == newer)
    }
}
