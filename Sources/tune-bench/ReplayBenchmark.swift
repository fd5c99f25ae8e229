// Replay benchmark: how long `tune trials` / `tune status` take to load a big job.
//
// Writes a synthetic journal of 1,000 trials × 100 metric readings — each reading in its own
// `metrics` event, as a slow trial reporting once per epoch produces — plus each trial's
// created/started/finished events, then times `Journal.replay` (best of 5). The same readings
// batched 100 to an event show what batching saves.
//
//     .build/release/tune-bench replay [trials] [readings]                 # (ReplayCommand.swift)
import Foundation
import TuneCore

enum ReplayBenchmark {
    static let rounds = 5
    static let start = Date(timeIntervalSince1970: 1_763_827_530)

    static func run(trials trialCount: Int, readings readingsPerTrial: Int) throws {
        let spec = TuningSpec(
            goal: .maximize, metricTag: "accuracy", maxTrials: trialCount, maxParallelTrials: 4, algorithm: .random,
            params: [
                ParameterSpec(name: "learning_rate", domain: .double(min: 1e-5, max: 1e-1, scale: .log)),
                ParameterSpec(name: "dropout", domain: .double(min: 0, max: 0.5, scale: .linear)),
                ParameterSpec(name: "layers", domain: .integer(min: 1, max: 8, scale: .linear)),
                ParameterSpec(name: "optimizer", domain: .categorical(["adam", "sgd", "rmsprop"])),
            ],
            seed: 1)
        let header = JobHeader(
            id: "bench", createTime: start, spec: spec, command: ["python3", "train.py"],
            workingDirectory: "/home/user/project", configPath: "tuning.yml",
            configText: "trainingInput:\n  hyperparameters:\n    goal: MAXIMIZE\n", seed: 1, strategy: "random search")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tune-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        #if DEBUG
        print("note: debug build — build with -c release for meaningful figures")
        #endif
        print("replay benchmark: \(grouped(trialCount)) trials × \(readingsPerTrial) readings, best of \(rounds)")

        for (label, batch) in [("one reading per metrics event", 1), ("\(readingsPerTrial) readings per metrics event", readingsPerTrial)] {
            let journal = events(header, trials: trialCount, readings: readingsPerTrial, batch: batch)
            let path = directory + "/journal-\(batch).jsonl"
            try writeJournal(journal, to: path)
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0

            // Check the journal replays to the job it describes before timing it.
            let (read, skipped) = try Journal.read(path: path)
            let job = try Journal.replay(path: path)
            let readings = job.trials.reduce(0) { $0 + $1.readings.count }
            guard read.count == journal.count, skipped == 0, job.trials.count == trialCount, readings == trialCount * readingsPerTrial,
                job.count(.succeeded) == trialCount, job.state == .succeeded
            else {
                throw BenchError("the journal did not replay as written (\(read.count) events, \(skipped) skipped, \(job.trials.count) trials, \(readings) readings)")
            }

            let readOnly = try best { _ = try Data(contentsOf: URL(fileURLWithPath: path)) }
            let decode = try best { _ = try Journal.read(path: path) }
            let replay = try best { _ = try Journal.replay(path: path) }
            let jsonDecoderOnly = try best { _ = try decodeWithJSONDecoderOnly(path: path) }

            print("")
            print("\(label):")
            print("  events:          \(grouped(journal.count))")
            print("  file size:       \(grouped(size)) bytes (\(fmt(Double(size) / 1_048_576, 1)) MiB)")
            print("  read file:       \(fmt(readOnly, 4)) s")
            print("  Journal.read:    \(fmt(decode, 4)) s")
            print("  Journal.replay:  \(fmt(replay, 4)) s")
            print("  events/s:        \(grouped(Int(Double(journal.count) / replay)))")
            print("  readings/s:      \(grouped(Int(Double(readings) / replay)))")
            print("  JSONDecoder on every line (before the fast path): \(fmt(jsonDecoderOnly, 4)) s, \(grouped(Int(Double(journal.count) / jsonDecoderOnly))) events/s")
        }
    }

    /// The job's events; readings grouped `batch` to a `metrics` event.
    static func events(_ header: JobHeader, trials trialCount: Int, readings readingsPerTrial: Int, batch: Int) -> [JournalEvent] {
        let strategy = RandomStrategy(spec: header.spec, seed: 1)
        var events: [JournalEvent] = [.jobCreated(header)]
        var rng = SeededGenerator(seed: 2)
        for trial in 1...trialCount {
            let point = strategy.propose(count: 1, firstTrialId: trial, history: [])[0]
            let t0 = start.addingTimeInterval(Double(trial) * 60)
            events.append(.trialCreated(trial: trial, parameters: point.textValues, time: t0))
            events.append(.trialStarted(trial: trial, pid: Int32(10_000 + trial), time: t0.addingTimeInterval(0.01)))
            var pending: [MetricReading] = []
            for step in 1...readingsPerTrial {
                // Realistic values: full-precision doubles, not round numbers.
                pending.append(MetricReading(tag: "accuracy", value: 1 - 1 / Double(step + 1) * rng.nextUnit(), step: step, source: .stdout))
                if pending.count == batch || step == readingsPerTrial {
                    events.append(.metrics(trial: trial, readings: pending))
                    pending = []
                }
            }
            let final = MetricReading(tag: "accuracy", value: rng.nextUnit(), step: readingsPerTrial, source: .stdout)
            events.append(
                .trialFinished(
                    TrialOutcome(
                        trial: trial, state: .succeeded, time: t0.addingTimeInterval(59),
                        finalMetric: final, exitCode: 0)))
        }
        events.append(.jobStateChanged(.succeeded, reason: nil, time: start.addingTimeInterval(Double(trialCount + 1) * 60)))
        return events
    }

    /// Writes the journal as JournalWriter does (`Journal.line`: the same encoding and checksums), in one go:
    /// JournalWriter's fsync per event is for durability, not what is measured here.
    static func writeJournal(_ events: [JournalEvent], to path: String) throws {
        var data = Data()
        for event in events { data.append(try Journal.line(for: event)) }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// The journal decoded the way Journal.read did before its `metrics` fast path (the same loop): JSONDecoder on every line.
    static func decodeWithJSONDecoderOnly(path: String) throws -> Int {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        var events: [JournalEvent] = []
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            let bytes = buffer.bindMemory(to: UInt8.self)
            var start = 0
            while let end = bytes[start...].firstIndex(of: 0x0A) {
                defer { start = end + 1 }
                guard end > start else { continue }
                let line = Data(bytes: buffer.baseAddress! + start, count: end - start)
                if let event = try? decoder.decode(JournalEvent.self, from: line) { events.append(event) }
            }
        }
        return events.count
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// Best of `rounds` runs of `body`, in seconds.
    static func best(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        var fastest = Double.infinity
        for _ in 0..<rounds {
            let elapsed = try clock.measure(body)
            fastest = min(fastest, seconds(elapsed))
        }
        return fastest
    }

    static func fmt(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }

    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
