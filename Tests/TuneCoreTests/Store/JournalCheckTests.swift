import Foundation
import Testing
import TuneCore
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

private func t(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_700_000_000 + seconds) }

private func header(format: Int = JournalFormat.current) -> JobHeader {
    JobHeader(
        id: "job-1", createTime: t(0),
        spec: TuningSpec(
            goal: .maximize, metricTag: "acc", maxTrials: 10, maxParallelTrials: 1, algorithm: .random,
            params: [ParameterSpec(name: "x", domain: .double(min: 0, max: 1, scale: .linear))]),
        command: ["./train.sh"], workingDirectory: "/tmp", configPath: "tuning.yml", configText: "goal: MAXIMIZE\n", seed: 7,
        strategy: "random search", format: format)
}

/// A job of `count` trials, each created, started, reporting and finished with acc = id/100.
private func trialEvents(_ count: Int) -> [JournalEvent] {
    (1...count).flatMap { id -> [JournalEvent] in
        let reading = MetricReading(tag: "acc", value: Double(id) / 100, step: 1, source: .stdout)
        return [
            .trialCreated(trial: id, parameters: ["x": "0.\(id)"], time: t(Double(id))),
            .trialStarted(trial: id, pid: 100 + Int32(id), time: t(Double(id))),
            .metrics(trial: id, readings: [reading]),
            .trialFinished(TrialOutcome(trial: id, state: .succeeded, time: t(Double(id)), finalMetric: reading, exitCode: 0)),
        ]
    }
}

private func write(_ events: [JournalEvent], format: Int = JournalFormat.current, to path: String) throws {
    let writer = try JournalWriter(path: path, format: format)
    for event in events { try writer.append(event) }
}

@Suite("Journal checks: damage found and reported", .limitedParallelism, .timeLimit(.minutes(10)))
struct JournalCheckTests {
    /// Every kind of line a format 3 journal holds, the metrics fast path's included.
    static let everyKind: [JournalEvent] = [
        .jobCreated(header()),
        .warmStart(job: "old", trials: [PriorTrial(trial: 1, parameters: ["x": "0.5"], state: .succeeded, objective: 0.5)], time: t(0.5)),
        .trialCreated(trial: 1, parameters: ["x": "0.25"], time: t(1), placement: ResourcePlacement(configuration: 1, rung: 0, budget: 3)),
        .trialStarted(trial: 1, pid: 42, time: t(2), gpus: ["0"]),
        .trialScheduled(trial: 1, status: SchedulerStatus(jobId: "77", state: "RUNNING"), time: t(2.5)),
        .metrics(trial: 1, readings: [MetricReading(tag: "acc", value: 0.125, step: 3, source: .stdout)]),
        .trialFinished(TrialOutcome(trial: 1, state: .failed, time: t(3), exitCode: 1, reason: "boom")),
        .trialRerun(TrialRerun(trial: 1, attempt: 2, cause: .manual, time: t(4), outputFolder: "trials/1.attempt-1")),
        .budgetChanged(maxTrials: 12, time: t(5)),
        .jobStateChanged(.succeeded, reason: nil, time: t(6)),
    ]

    /// Every line ends with its checksum and stays one JSON object; changing any one byte of any
    /// line but the header is reported at that line, and the rest still replays.
    @Test func anyChangedByteOfAnyLineIsReportedAtItsLine() throws {
        let dir = try TemporaryFolder("tune-check")
        let path = dir.path("journal.jsonl")
        try write(Self.everyKind, to: path)
        let original = try #require(FileManager.default.contents(atPath: path))
        let lines = original.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == Self.everyKind.count)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            #expect((object?["crc"] as? String)?.count == 8, "\(String(decoding: line, as: UTF8.self))")
        }
        let sound = try JournalCheck.check(original, path: path)
        #expect(sound.damage.isEmpty && sound.events == Self.everyKind)

        var bytes = [UInt8](original)
        var start = lines.first!.count + 1
        for (index, line) in lines.enumerated().dropFirst() {
            for position in start..<(start + line.count) {
                let kept = bytes[position]
                bytes[position] = kept ^ 0x01 == 0x0A ? kept ^ 0x02 : kept ^ 0x01
                let check = try JournalCheck.check(Data(bytes), path: path)
                if case .trialCreated = Self.everyKind[index] {
                    // The trial's later events go with its creation, each reported.
                    #expect(check.damage.map(\.line) == Array((index + 1)...(index + 6)), "\(check.damage)")
                } else {
                    #expect(check.damage.map(\.line) == [index + 1], "byte \(position) of line \(index + 1): \(check.damage)")
                    #expect(check.events.count == Self.everyKind.count - 1)
                }
                bytes[position] = kept
            }
            start += line.count + 1
        }
    }

    /// One changed digit (trial 5's creation read as trial 9) in a format 2 journal, which has no
    /// checksums: the structural checks report it, and no trial shows another's result.
    @Test func aChangedTrialIdIsAContradictionNotAWrongTable() throws {
        let dir = try TemporaryFolder("tune-check")
        let path = dir.path("journal.jsonl")
        try write([.jobCreated(header(format: 2))] + trialEvents(10), format: 2, to: path)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("\"crc\""))
        var lines = text.components(separatedBy: "\n")
        let index = try #require(lines.firstIndex { $0.contains("trial_created") && $0.contains("\"trial\":5") })
        lines[index] = lines[index].replacingOccurrences(of: "\"trial\":5", with: "\"trial\":9")
        text = lines.joined(separator: "\n")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))

        let job = try Journal.replay(path: path)
        #expect(job.journalDamage.first?.line == index + 1, "\(job.journalDamage)")
        #expect(job.journalDamage.map(\.line) == Array((index + 1)...(index + 4)), "the line, then trial 5's events: \(job.journalDamage)")
        #expect(job.trials.map(\.id) == [1, 2, 3, 4, 6, 7, 8, 9, 10])
        for trial in job.trials {
            #expect(trial.parameters["x"] == "0.\(trial.id)" && trial.finalMetric?.value == Double(trial.id) / 100, "\(trial)")
        }
    }

    /// The other structural contradictions, each at its line.
    @Test(
        arguments: [
            ("a second end", JournalEvent.trialFinished(TrialOutcome(trial: 2, state: .failed, time: t(50), exitCode: 1)), "a second end of trial 2"),
            ("a start after the end", .trialStarted(trial: 2, pid: 9, time: t(50)), "a start of trial 2 after its end"),
            ("an unknown trial", .metrics(trial: 40, readings: []), "an event for trial 40, which was never created"),
            ("created twice", .trialCreated(trial: 1, parameters: ["x": "0.9"], time: t(50)), "trial 1 is created a second time"),
            (
                "an attempt out of sequence", .trialRerun(TrialRerun(trial: 2, attempt: 5, cause: .manual, time: t(50))),
                "trial 2's attempt 5 follows attempt 1"
            ),
        ])
    func contradictionsAreReported(name: String, event: JournalEvent, says: String) throws {
        let dir = try TemporaryFolder("tune-check")
        let path = dir.path("journal.jsonl")
        try write([.jobCreated(header())] + trialEvents(3) + [event] + [.jobStateChanged(.succeeded, reason: nil, time: t(60))], to: path)
        let job = try Journal.replay(path: path)
        #expect(job.journalDamage.count == 1, "\(name): \(job.journalDamage)")
        #expect(job.journalDamage.first?.line == 14 && job.journalDamage.first?.problemText.hasPrefix(says) == true, "\(name): \(job.journalDamage)")
        #expect(job.trials.map(\.state) == [.succeeded, .succeeded, .succeeded] && job.state == .succeeded)
        #expect(job.trial(1)?.parameters["x"] == "0.1")
    }

    /// A sound journal of an earlier release's shape (formats 1 and 2) has no damage; a torn last
    /// line is none either; a line of a kind this tune does not know, whose checksum holds, is kept.
    @Test func soundJournalsHaveNoDamage() throws {
        let dir = try TemporaryFolder("tune-check")
        let path = dir.path("journal.jsonl")
        try write([.jobCreated(header())] + trialEvents(3), to: path)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        let unknown = String(decoding: JournalChecksumProbe.seal(#"{"event":"job_renamed","name":"new","time":1}"#), as: UTF8.self)
        try handle.write(contentsOf: Data((unknown + "\n" + #"{"event":"trial_cre"#).utf8))
        try handle.close()
        let check = try JournalCheck.read(path: path)
        #expect(check.damage.isEmpty, "\(check.damage)")
        #expect(check.entries.count == 14 && check.entries.last?.event == nil && check.tornBytes > 0)
    }

    /// A finished job of 6 trials whose trial 4 end line has one changed digit: the journal's path,
    /// the 0-based index of that line, and the damaged journal's bytes.
    static func jobWithADamagedEnd(in store: JobStore) throws -> (path: String, index: Int, damaged: Data) {
        let writer = try store.createJob(header()).writer
        for event in trialEvents(6) + [.jobStateChanged(.succeeded, reason: nil, time: t(60))] { try writer.append(event) }
        let path = store.journalPath("job-1")
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        let index = try #require(lines.firstIndex { $0.contains("trial_finished") && $0.contains("\"trial\":4") })
        lines[index] = lines[index].replacingOccurrences(of: "0.04", with: "0.05")
        let damaged = Data(lines.joined(separator: "\n").utf8)
        try damaged.write(to: URL(fileURLWithPath: path))
        return (path, index, damaged)
    }

    /// `--repair` keeps the damaged journal byte for byte, writes the intact events (a trial whose
    /// end was lost is then running, which resume runs again), and a second repair has nothing to do.
    @Test func repairKeepsTheDamagedJournalAndWritesTheIntactEvents() throws {
        let dir = try TemporaryFolder("tune-check")
        let store = JobStore(root: dir.path(".tune"))
        let (path, index, damaged) = try Self.jobWithADamagedEnd(in: store)

        let diagnosis = try JournalDiagnosis.examine("job-1", in: store)
        #expect(diagnosis.check.damage.map(\.line) == [index + 1] && diagnosis.check.damage.first?.problem == .checksumMismatch)
        #expect(diagnosis.lostTrials.map(\.id) == [4] && diagnosis.lostTrials.first?.resumeRunsItAgain == true)

        let held = try JobLock(path: store.lockPath("job-1"), job: "job-1")
        #expect(throws: StoreError.self) { try JournalRepair.repair("job-1", in: store) }
        withExtendedLifetime(held) {}
        #expect(FileManager.default.contents(atPath: path) == damaged, "not repaired while the lock is held")
    }

    @Test func repairAfterTheLockIsFree() throws {
        let dir = try TemporaryFolder("tune-check")
        let store = JobStore(root: dir.path(".tune"))
        let (path, _, damaged) = try Self.jobWithADamagedEnd(in: store)

        let result = try #require(try JournalRepair.repair("job-1", in: store))
        #expect(result.dropped == 1 && result.damagedCopy.hasSuffix("/job-1/journal.damaged-1.jsonl"))
        #expect(FileManager.default.contents(atPath: result.damagedCopy) == damaged)
        let job = try Journal.replay(path: path)
        #expect(job.journalDamage.isEmpty && job.trials.count == 6)
        #expect(job.trial(4)?.state == .running && job.unfinishedTrials.map(\.id) == [4])
        #expect(try JournalRepair.repair("job-1", in: store) == nil)
    }

    /// A journal (or lock) that is a FIFO or a device is refused at once, never read: listed as unreadable.
    @Test func aJournalThatIsNotAFileIsRefusedAtOnce() throws {
        let dir = try TemporaryFolder("tune-check")
        let store = JobStore(root: dir.path(".tune"))
        try FileManager.default.createDirectory(atPath: store.jobDirectory("fifo"), withIntermediateDirectories: true)
        #expect(mkfifo(store.journalPath("fifo"), 0o644) == 0)
        #expect(mkfifo(store.lockPath("fifo"), 0o644) == 0)
        try FileManager.default.createDirectory(atPath: store.jobDirectory("zero"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: store.journalPath("zero"), withDestinationPath: "/dev/zero")

        #expect(throws: StoreError.self) { try JournalCheck.read(path: store.journalPath("fifo")) }
        #expect(throws: StoreError.self) { try Journal.read(path: store.journalPath("zero")) }
        #expect(store.runnerPid("fifo") == nil)
        #expect(throws: StoreError.self) { try JobLock(path: store.lockPath("fifo"), job: "fifo") }
        #expect(throws: StoreError.self) { try JournalWriter(path: store.journalPath("zero")) }
        let listing = store.listing()
        #expect(listing.count == 2)
        for entry in listing {
            guard case .unreadable(_, let reason) = entry else {
                Issue.record("listed as readable: \(entry)")
                continue
            }
            #expect(reason.contains("not a regular file"), "\(reason)")
        }
    }

    /// A last line that is one whole, sound event without its newline is kept by the next writer.
    @Test func aWholeLastEventWithoutItsNewlineIsKept() throws {
        let dir = try TemporaryFolder("tune-check")
        let path = dir.path("journal.jsonl")
        try write([.jobCreated(header())] + trialEvents(1), to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try Data(text.dropLast().utf8).write(to: URL(fileURLWithPath: path))
        #expect(try Journal.replay(path: path).trial(1)?.state == .running, "read as torn until ended")
        try write([.jobStateChanged(.succeeded, reason: nil, time: t(9))], to: path)
        let job = try Journal.replay(path: path)
        #expect(job.journalDamage.isEmpty && job.trial(1)?.state == .succeeded && job.state == .succeeded)
    }
}

/// Seals a line as the writer does, through the public writer (the sealing itself is internal).
enum JournalChecksumProbe {
    static func seal(_ json: String) -> Data {
        // CRC-32C of the line without the member, as JournalChecksum computes it.
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in json.utf8 {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        crc = ~crc
        let hex = String(crc, radix: 16)
        return Data((String(json.dropLast()) + ",\"crc\":\"" + String(repeating: "0", count: 8 - hex.count) + hex + "\"}").utf8)
    }
}
