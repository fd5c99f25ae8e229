import Foundation
import Testing
import TuneCore
import TuneTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Times that survive the journal's seconds-since-1970 Double exactly.
private func t(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_700_000_000 + seconds) }

private let sampleSpec = TuningSpec(
    goal: .minimize, metricTag: "val_loss", maxTrials: 20, maxParallelTrials: 2, maxFailedTrials: 3, algorithm: .random,
    params: [
        ParameterSpec(name: "lr", domain: .double(min: 1e-5, max: 0.1, scale: .log)),
        ParameterSpec(name: "layers", domain: .integer(min: 1, max: 4, scale: .linear)),
        ParameterSpec(name: "optimizer", domain: .categorical(["adam", "sgd"])),
        ParameterSpec(name: "batch", domain: .discrete([DiscreteValue(value: 32, text: "32"), DiscreteValue(value: 0.001, text: "1e-3")])),
    ],
    seed: 42, measurementSelection: .best, enableTrialEarlyStopping: true, resumePreviousJobId: "old_job")

private func header(id: String = "job-1", goal: Goal = .minimize, created: Date = t(0)) -> JobHeader {
    var spec = sampleSpec
    spec.goal = goal
    return JobHeader(
        id: id, createTime: created, spec: spec, command: ["python3", "train.py", "--data=é \"quoted\""],
        workingDirectory: "/home/user/proj", configPath: "tuning.yml",
        configText: "trainingInput:\n  hyperparameters:\n    goal: MINIMIZE\n", seed: 42, strategy: "random search")
}

private func reading(_ value: Double, step: Int, tag: String = "val_loss") -> MetricReading {
    MetricReading(tag: tag, value: value, step: step, source: .stdout)
}

/// Writes `events` with a fresh JournalWriter.
private func write(_ events: [JournalEvent], to path: String) throws {
    let writer = try JournalWriter(path: path)
    for event in events { try writer.append(event) }
}

private func appendRaw(_ text: String, to path: String) throws {
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
    try handle.close()
}

/// Equality that treats NaN as equal to NaN (and tells 0.0 from -0.0), for readings that went through the journal.
private func sameReadings(_ a: [MetricReading], _ b: [MetricReading]) -> Bool {
    a.count == b.count
        && zip(a, b).allSatisfy { x, y in
            x.tag == y.tag && x.step == y.step && x.source == y.source
                && (x.value.isNaN ? y.value.isNaN : x.value == y.value && x.value.sign == y.value.sign)
        }
}

@Suite("Journal", .limitedParallelism)
struct JournalTests {
    static let plainEvents: [JournalEvent] = [
        .jobCreated(header()),
        .trialCreated(trial: 1, parameters: ["lr": "1e-05", "layers": "2", "optimizer": "adam", "batch": "1e-3"], time: t(1)),
        .trialCreated(trial: 2, parameters: ["名前 \"q\"": "värde \"quoted\" \\ back\\slash\nnew line\ttab 🎉", "": ""], time: t(1.5)),
        .trialStarted(trial: 1, pid: 4242, time: t(2.25)),
        .metrics(
            trial: 1,
            readings: [
                reading(0.5, step: 1), reading(0.25, step: 2, tag: "accuracy"),
                MetricReading(tag: "m/with\"quote", value: 1e-300, step: 3, source: .hypertune),
            ]),
        .metrics(trial: 1, readings: []),
        .trialScheduled(trial: 1, status: SchedulerStatus(state: "PENDING", reason: "submitted"), time: t(2.5)),
        .trialScheduled(trial: 1, status: SchedulerStatus(jobId: "1234", state: "RUNNING", reason: "None", node: "gpu07"), time: t(2.75)),
        .trialFinished(
            TrialOutcome(
                trial: 1, state: .succeeded, time: t(10), finalMetric: reading(0.25, step: 2),
                exitCode: 0)),
        .trialFinished(TrialOutcome(trial: 2, state: .failed, time: t(11), exitCode: 1, reason: "exited with code 1: \"boom\" ☠")),
        .trialFinished(TrialOutcome(trial: 3, state: .cancelled, time: t(12), signal: 15, reason: "cancelled")),
        .jobStateChanged(.running, reason: nil, time: t(13)),
        .trialCreated(trial: 5, parameters: ["lr": "1e-05"], time: t(13.5), repeatOf: TrialRepeat(of: 1, seed: 2, seedFlag: "seed")),
        .trialCreated(trial: 6, parameters: ["lr": "1e-05"], time: t(13.75), repeatOf: TrialRepeat(of: 1, seed: 3)),
        .trialCreated(trial: 7, parameters: ["lr": "0.008"], time: t(13.8), population: PopulationLineage(member: 2, interval: 3, budget: 9, parent: 4, donor: 6)),
        .trialCreated(trial: 8, parameters: ["lr": "0.01"], time: t(13.9), population: PopulationLineage(member: 3, interval: 1, budget: 3)),
        .jobStateChanged(.cancelled, reason: "interrupted by SIGINT", time: t(14)),
    ]

    @Test func everyEventRoundTrips() throws {
        let dir = try TemporaryFolder("tune-journal")
        let path = dir.path("journal.jsonl")
        try write(Self.plainEvents, to: path)

        let (events, skipped) = try Journal.read(path: path)
        #expect(skipped == 0)
        #expect(events == Self.plainEvents)

        // One line per event: newlines inside strings are escaped.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == Self.plainEvents.count + 1)
        #expect(text.hasSuffix("\n"))
    }

    @Test func nonFiniteMetricValuesRoundTrip() throws {
        let dir = try TemporaryFolder("tune-journal")
        let path = dir.path("journal.jsonl")
        let readings = [
            reading(.nan, step: 1), reading(.infinity, step: 2), reading(-.infinity, step: 3),
            reading(0.1 + 0.2, step: 4), reading(-0.0, step: 5), reading(.leastNonzeroMagnitude, step: 6),
            reading(.greatestFiniteMagnitude, step: 7),
        ]
        let outcome = TrialOutcome(trial: 1, state: .failed, time: t(3), finalMetric: reading(.nan, step: 9))
        try write([.metrics(trial: 1, readings: readings), .trialFinished(outcome)], to: path)

        let (events, skipped) = try Journal.read(path: path)
        #expect(skipped == 0)
        try #require(events.count == 2)
        guard case .metrics(1, let back) = events[0] else {
            Issue.record("not a metrics event: \(events[0])")
            return
        }
        #expect(sameReadings(back, readings), "\(back)")
        guard case .trialFinished(let o) = events[1] else {
            Issue.record("not a trial_finished event: \(events[1])")
            return
        }
        #expect(o.finalMetric?.value.isNaN == true)
        #expect(o.finalMetric?.step == 9)
    }

    @Test func tornLastLineIsIgnoredAndDoesNotMerge() throws {
        let dir = try TemporaryFolder("tune-journal")
        let path = dir.path("journal.jsonl")
        let first = Array(Self.plainEvents.prefix(4))
        try write(first, to: path)

        // A crash in the middle of writing a line: half of a real event, no newline.
        let full = try String(contentsOfFile: path, encoding: .utf8)
        let lastLine = full.split(separator: "\n").last!
        try appendRaw(String(lastLine.prefix(lastLine.count / 2)), to: path)

        var (events, skipped) = try Journal.read(path: path)
        #expect(events == first)
        #expect(skipped == 0)
        #expect(try Journal.replay(path: path).trials.count == 2)

        // A new writer (a resumed job) appends: the fragment, never a whole event, is removed first.
        let next = JournalEvent.trialStarted(trial: 2, pid: 99, time: t(20))
        try write([next, .jobStateChanged(.succeeded, reason: nil, time: t(21))], to: path)
        (events, skipped) = try Journal.read(path: path)
        #expect(events == first + [next, .jobStateChanged(.succeeded, reason: nil, time: t(21))])
        #expect(skipped == 0)
        #expect(try Journal.replay(path: path).journalDamage.isEmpty)

        let job = try Journal.replay(path: path)
        #expect(job.trial(2)?.state == .running)
        #expect(job.trial(2)?.pid == 99)
        #expect(job.state == .succeeded)
    }

    @Test func writerOnAFileEndingInANewlineAddsNoBlankLine() throws {
        let dir = try TemporaryFolder("tune-journal")
        let path = dir.path("journal.jsonl")
        try write(Array(Self.plainEvents.prefix(2)), to: path)
        try write(Array(Self.plainEvents[2..<4]), to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("\n\n"))
        #expect(try Journal.read(path: path).events == Array(Self.plainEvents.prefix(4)))
    }

    @Test func corruptLineInTheMiddleIsSkippedAndCounted() throws {
        let dir = try TemporaryFolder("tune-journal")
        let path = dir.path("journal.jsonl")
        try write(Array(Self.plainEvents.prefix(3)), to: path)
        try appendRaw("{\"event\":\"metrics\",\"trial\":garbage\n", to: path)
        try appendRaw("{\"event\":\"no_such_event\",\"trial\":1}\n", to: path)
        try appendRaw("\n", to: path)  // a blank line is not corruption
        try write(Array(Self.plainEvents[3...]), to: path)

        let (events, skipped) = try Journal.read(path: path)
        #expect(events == Self.plainEvents)
        #expect(skipped == 2)
    }

    @Test func aJournalMustStartWithItsHeader() throws {
        let dir = try TemporaryFolder("tune-journal")
        let path = dir.path("journal.jsonl")
        try write([.trialCreated(trial: 1, parameters: [:], time: t(1))], to: path)
        #expect(throws: StoreError.self) { try Journal.replay(path: path) }
        #expect(Journal.readHeader(path: path) == nil)
        #expect(throws: StoreError.self) { try Journal.read(path: dir.path("missing.jsonl")) }
    }

    /// The format is in the header: written as the current one, read as 1 where an earlier
    /// release wrote none, and a newer one is refused without touching the file.
    @Test func theFormatIsVersioned() throws {
        let dir = try TemporaryFolder("tune-journal")
        let path = dir.path("journal.jsonl")
        try write(Self.plainEvents, to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.split(separator: "\n").first?.contains("\"format\":\(JournalFormat.current)") == true)
        #expect(try Journal.replay(path: path).header.format == JournalFormat.current)

        // An earlier release's journal: no checksums, and no format key at all before format 2.
        let earlier = dir.path("earlier.jsonl")
        var earlierHeader = header()
        earlierHeader.format = 2
        let writer = try JournalWriter(path: earlier, format: 2)
        for event in [.jobCreated(earlierHeader)] + Self.plainEvents.dropFirst() { try writer.append(event) }
        let earlierText = try String(contentsOfFile: earlier, encoding: .utf8)
        #expect(!earlierText.contains("\"crc\""))
        #expect(try Journal.replay(path: earlier).header.format == 2)
        let old = dir.path("old.jsonl")
        try Data(earlierText.replacingOccurrences(of: ",\"format\":2", with: "").utf8).write(to: URL(fileURLWithPath: old))
        #expect(try Journal.replay(path: old).header.format == 1)

        let newer = dir.path("newer.jsonl")
        let future = text.replacingOccurrences(of: "\"format\":\(JournalFormat.current)", with: "\"format\":\(JournalFormat.current + 1)")
        try Data(future.utf8).write(to: URL(fileURLWithPath: newer))
        #expect {
            try Journal.replay(path: newer)
        } throws: { error in
            "\(error)".contains("written by a newer tune (journal format \(JournalFormat.current + 1)")
        }
        #expect(try String(contentsOfFile: newer, encoding: .utf8) == future, "nothing changed")
    }

    @Test func readHeaderReadsOnlyTheFirstEvent() throws {
        let dir = try TemporaryFolder("tune-journal")
        let path = dir.path("journal.jsonl")
        try write(Self.plainEvents, to: path)
        #expect(Journal.readHeader(path: path) == header())
        // A header line longer than one read chunk.
        var big = header(id: "big")
        big.configText = String(repeating: "# a long comment line\n", count: 10_000)
        let bigPath = dir.path("big.jsonl")
        try write([.jobCreated(big)], to: bigPath)
        #expect(Journal.readHeader(path: bigPath) == big)
    }
}

@Suite("JobRecord replay", .limitedParallelism)
struct JobRecordTests {
    /// Trial 1 succeeds with 0.3, trial 2 with 0.8, trial 3 fails, trial 4 runs, trial 5 is pending,
    /// trial 6 succeeds with 0.8 (ties trial 2).
    static func events(goal: Goal) -> [JournalEvent] {
        var events: [JournalEvent] = [.jobCreated(header(goal: goal))]
        for id in 1...6 {
            events.append(.trialCreated(trial: id, parameters: ["lr": "0.0\(id)"], time: t(Double(id))))
        }
        for id in [1, 2, 3, 4, 6] { events.append(.trialStarted(trial: id, pid: Int32(100 + id), time: t(Double(10 + id)))) }
        events += [
            .metrics(trial: 1, readings: [reading(0.9, step: 1), reading(0.3, step: 2)]),
            .metrics(trial: 2, readings: [reading(0.8, step: 1)]),
            .metrics(trial: 1, readings: [reading(0.5, step: 3, tag: "accuracy")]),
            .metrics(trial: 99, readings: [reading(0.1, step: 1)]),  // unknown trial: ignored
            .trialFinished(TrialOutcome(trial: 1, state: .succeeded, time: t(20), finalMetric: reading(0.3, step: 2), exitCode: 0)),
            .trialFinished(TrialOutcome(trial: 2, state: .succeeded, time: t(21), finalMetric: reading(0.8, step: 1), exitCode: 0)),
            .trialFinished(TrialOutcome(trial: 3, state: .failed, time: t(22), exitCode: 2, reason: "exited with code 2")),
            .trialFinished(TrialOutcome(trial: 6, state: .succeeded, time: t(23), finalMetric: reading(0.8, step: 4), exitCode: 0)),
            .trialFinished(TrialOutcome(trial: 77, state: .failed, time: t(24))),  // unknown trial: ignored
        ]
        return events
    }

    static func replay(_ events: [JournalEvent]) throws -> JobRecord {
        let dir = try TemporaryFolder("tune-journal")
        let path = dir.path("journal.jsonl")
        try write(events, to: path)
        return try Journal.replay(path: path)
    }

    @Test func statesAndDetails() throws {
        let job = try Self.replay(Self.events(goal: .maximize))
        #expect(job.id == "job-1")
        #expect(job.state == .running)
        #expect(job.endTime == nil)
        #expect(job.trials.map(\.id) == [1, 2, 3, 4, 5, 6])
        #expect(job.trials.map(\.state) == [.succeeded, .succeeded, .failed, .running, .pending, .succeeded])
        #expect(job.count(.succeeded) == 3)
        #expect(job.count(.failed) == 1)
        #expect(job.count(.pending) == 1)

        let one = try #require(job.trial(1))
        #expect(one.parameters == ["lr": "0.01"])
        #expect(one.pid == 101)
        #expect(one.createTime == t(1))
        #expect(one.startTime == t(11))
        #expect(one.endTime == t(20))
        #expect(one.exitCode == 0)
        #expect(one.readings == [reading(0.9, step: 1), reading(0.3, step: 2), reading(0.5, step: 3, tag: "accuracy")])
        #expect(one.tags == ["val_loss", "accuracy"])
        #expect(one.latest("val_loss") == reading(0.3, step: 2))

        let three = try #require(job.trial(3))
        #expect(three.failureReason == "exited with code 2")
        #expect(three.finalMetric == nil)
        #expect(job.trial(5)?.startTime == nil)
        #expect(job.trial(99) == nil)
    }

    @Test func jobStateChanges() throws {
        var events = Self.events(goal: .maximize)
        events.append(.jobStateChanged(.failed, reason: "too many failed trials", time: t(30)))
        var job = try Self.replay(events)
        #expect(job.state == .failed)
        #expect(job.stateReason == "too many failed trials")
        #expect(job.endTime == t(30))

        // A resumed job runs again: no end time.
        events.append(.jobStateChanged(.running, reason: nil, time: t(40)))
        job = try Self.replay(events)
        #expect(job.state == .running)
        #expect(job.endTime == nil)
    }

    @Test(
        "best trial and ordering by goal",
        arguments: [
            (Goal.maximize, 2, [2, 6, 1, 3, 4, 5]),
            (Goal.minimize, 1, [1, 2, 6, 3, 4, 5]),
        ])
    func bestByGoal(goal: Goal, best: Int, order: [Int]) throws {
        let job = try Self.replay(Self.events(goal: goal))
        #expect(job.bestTrial?.id == best)
        // Succeeded best first (ties by id), then failed, running and pending trials by id.
        #expect(job.trialsBestFirst.map(\.id) == order)
    }

    @Test func noBestTrialWithoutASuccess() throws {
        let events: [JournalEvent] = [
            .jobCreated(header()),
            .trialCreated(trial: 1, parameters: [:], time: t(1)),
            .trialFinished(TrialOutcome(trial: 1, state: .failed, time: t(2), exitCode: 1)),
        ]
        let job = try Self.replay(events)
        #expect(job.bestTrial == nil)
        #expect(job.trialsBestFirst.map(\.id) == [1])
    }

    @Test func observationsForStrategies() throws {
        var events: [JournalEvent] = [.jobCreated(header())]
        events.append(.trialCreated(trial: 1, parameters: ["lr": "0.001", "layers": "2", "optimizer": "sgd", "batch": "1e-3"], time: t(1)))
        events.append(.trialCreated(trial: 2, parameters: ["lr": "0.01"], time: t(2)))  // does not fit the spec
        events.append(.trialFinished(TrialOutcome(trial: 1, state: .succeeded, time: t(3), finalMetric: reading(0.4, step: 1))))
        let job = try Self.replay(events)
        let observations = job.observations
        try #require(observations.count == 1)
        #expect(observations[0].trialId == 1)
        #expect(observations[0].objective == 0.4)
        #expect(observations[0].assignment.flags == ["--lr=0.001", "--layers=2", "--optimizer=sgd", "--batch=1e-3"])
    }
}

@Suite("JobStore", .limitedParallelism)
struct JobStoreTests {
    @Test func createJobTwiceFails() throws {
        let dir = try TemporaryFolder("tune-store")
        let store = JobStore(root: dir.path + "/nested/.tune")
        _ = try store.createJob(header(id: "exp1"))
        #expect(throws: StoreError.jobExists(name: "exp1", store: store.root)) {
            _ = try store.createJob(header(id: "exp1"))
        }
        // The first job is untouched.
        #expect(try Journal.read(path: store.journalPath("exp1")).events == [.jobCreated(header(id: "exp1"))])
        #expect(try store.load("exp1").header == header(id: "exp1"))
    }

    @Test(
        "invalid job names",
        arguments: [
            "latest", "../x", "-x", "", ".hidden", "a/b", "a b", "..", "x\n",
            "naïve", String(repeating: "a", count: 129),
        ])
    func invalidNames(name: String) {
        #expect(throws: StoreError.invalidJobName(name)) { try JobStore.validate(jobName: name) }
    }

    @Test(
        "valid job names",
        arguments: [
            "mnist-dropout_1.2", "a", "A9", "tune_2026_11_22_161530123", "x..y",
            String(repeating: "a", count: 128),
        ])
    func validNames(name: String) throws {
        try JobStore.validate(jobName: name)
    }

    @Test func latestIsTheNewestByCreateTime() throws {
        let dir = try TemporaryFolder("tune-store")
        let store = JobStore(root: dir.path)
        #expect(throws: StoreError.noSuchJob(name: "latest", store: store.root, known: [])) { try store.resolve("latest") }

        // Names in an order unlike their times.
        _ = try store.createJob(header(id: "b-old", created: t(100)))
        _ = try store.createJob(header(id: "a-new", created: t(300)))
        _ = try store.createJob(header(id: "c-mid", created: t(200)))
        // Not a job: a stray folder without a journal is left out.
        try FileManager.default.createDirectory(atPath: dir.path("stray"), withIntermediateDirectories: true)

        #expect(try store.resolve("latest") == "a-new")
        #expect(try store.resolve("c-mid") == "c-mid")
        #expect(store.headers().map(\.id) == ["a-new", "c-mid", "b-old"])
        #expect(throws: StoreError.noSuchJob(name: "nope", store: store.root, known: ["a-new", "c-mid", "b-old"])) {
            try store.resolve("nope")
        }
        #expect(try store.load("latest").id == "a-new")
    }

    @Test func generatedIdFormat() throws {
        let dir = try TemporaryFolder("tune-store")
        let store = JobStore(root: dir.path)
        let now = Date(timeIntervalSince1970: 1_763_827_530.5)
        let id = store.generateJobId(now: now)

        let pattern = /tune_(\d{4})_(\d{2})_(\d{2})_(\d{2})(\d{2})(\d{2})(\d{3})/
        let match = try #require(id.wholeMatch(of: pattern), "\(id)")
        // Local time, as Cloud ML's ids and the user's clock read.
        let c = Calendar.current.dateComponents(in: TimeZone.current, from: now)
        #expect(Int(match.1) == c.year)
        #expect(Int(match.2) == c.month)
        #expect(Int(match.3) == c.day)
        #expect(Int(match.4) == c.hour)
        #expect(Int(match.5) == c.minute)
        #expect(Int(match.6) == c.second)
        #expect(match.7 == "500")
        try JobStore.validate(jobName: id)

        // Unique in the store: a taken id gets a suffix.
        _ = try store.createJob(header(id: id))
        #expect(store.generateJobId(now: now) == id + "_2")
        _ = try store.createJob(header(id: id + "_2"))
        #expect(store.generateJobId(now: now) == id + "_3")
    }

    @Test func storeLocation() {
        #expect(JobStore(option: "/tmp/x/../y", environment: ["TUNE_STORE": "/z"]).root == "/tmp/y")
        #expect(JobStore(option: nil, environment: ["TUNE_STORE": "/z"]).root == "/z")
        #expect(JobStore(option: nil, environment: ["TUNE_STORE": ""]).root.hasSuffix("/.tune"))
        #expect(JobStore(option: nil, environment: [:]).root.hasSuffix("/.tune"))
    }
}

@Suite("JobLock", .limitedParallelism)
struct JobLockTests {
    @Test func secondLockFailsWhileHeld() throws {
        let dir = try TemporaryFolder("tune-lock")
        let path = dir.path("lock")
        #expect(JobLock.holder(path: path) == nil)  // no file yet

        var lock: JobLock? = try JobLock(path: path, job: "exp1")
        // flock locks belong to the open file description, so a second open in this process conflicts.
        #expect(throws: StoreError.locked(job: "exp1", pid: getpid())) { _ = try JobLock(path: path, job: "exp1") }
        #expect(JobLock.holder(path: path) == getpid())
        withExtendedLifetime(lock) {}

        lock = nil  // released
        #expect(JobLock.holder(path: path) == nil)
        let again = try JobLock(path: path, job: "exp1")
        #expect(JobLock.holder(path: path) == getpid())
        withExtendedLifetime(again) {}
    }

    @Test func storeReportsTheRunner() throws {
        let dir = try TemporaryFolder("tune-lock")
        let store = JobStore(root: dir.path)
        _ = try store.createJob(header(id: "exp1"))
        #expect(store.runnerPid("exp1") == nil)
        let lock = try JobLock(path: store.lockPath("exp1"), job: "exp1")
        #expect(store.runnerPid("exp1") == getpid())
        withExtendedLifetime(lock) {}
    }
}

/// The writer thread's progress, shared with the reading test.
private final class WriterStatus: @unchecked Sendable {
    private let lock = NSLock()
    private var finished = false
    private var failure: String?

    func finish(_ error: (any Error)?) {
        lock.withLock {
            finished = true
            failure = error.map { "\($0)" }
        }
    }

    var state: (finished: Bool, failure: String?) { lock.withLock { (finished, failure) } }
}

@Suite("Reading while a job is written", .limitedParallelism)
struct ConcurrentReadTests {
    @Test func readerSeesAConsistentJobWhileAWriterAppends() throws {
        let dir = try TemporaryFolder("tune-concurrent")
        let path = dir.path("journal.jsonl")
        try write([.jobCreated(header())], to: path)
        let trials = 300

        // A real thread, not a Task: the test's own loop must not starve the writer of the cooperative pool.
        let status = WriterStatus()
        let thread = Thread {
            do {
                let journal = try JournalWriter(path: path)
                for id in 1...trials {
                    let note = String(repeating: "x", count: id * 37)  // lines of many lengths, some longer than a page
                    try journal.append(.trialCreated(trial: id, parameters: ["lr": "0.1", "note": note], time: t(Double(id))))
                    try journal.append(.trialStarted(trial: id, pid: Int32(id), time: t(Double(id))))
                    for step in 1...3 {
                        try journal.append(.metrics(trial: id, readings: [reading(Double(step) / 10, step: step)]))
                    }
                    try journal.append(
                        .trialFinished(
                            TrialOutcome(
                                trial: id, state: .succeeded, time: t(Double(id) + 0.5),
                                finalMetric: reading(0.3, step: 3))))
                }
                try journal.append(.jobStateChanged(.succeeded, reason: nil, time: t(1_000)))
                status.finish(nil)
            } catch {
                status.finish(error)
            }
        }
        thread.start()

        var replays = 0
        var lastCreated = 0
        var lastFinished = 0
        var lastReadings = 0
        var finished = false
        while !finished {
            // Look at the writer first, so one more replay always follows its last append.
            finished = status.state.finished
            let job = try Journal.replay(path: path)
            let (events, skipped) = try Journal.read(path: path)  // read after: the file only grows
            #expect(skipped == 0)
            #expect(job.id == "job-1")
            #expect(job.trials.count >= lastCreated, "trials went from \(lastCreated) to \(job.trials.count)")
            #expect(job.count(.succeeded) >= lastFinished)
            let readings = job.trials.reduce(0) { $0 + $1.readings.count }
            #expect(readings >= lastReadings)
            // Trials are whole and in order: ids 1...n, and only the newest can still be unfinished.
            #expect(job.trials.map(\.id) == (0..<job.trials.count).map { $0 + 1 })
            #expect(job.trials.dropLast().allSatisfy { $0.state == .succeeded && $0.readings.count == 3 })
            #expect(events.count >= 1 + job.trials.count)
            lastCreated = job.trials.count
            lastFinished = job.count(.succeeded)
            lastReadings = readings
            replays += 1
        }
        #expect(status.state.failure == nil)
        let job = try Journal.replay(path: path)
        #expect(job.trials.count == trials)
        #expect(job.count(.succeeded) == trials)
        #expect(job.state == .succeeded)
        #expect(replays > 1)
        print("concurrent read: \(replays) replays while \(trials * 6 + 1) events were appended")
    }
}
