import Foundation
import Testing
import TuneTestSupport

/// Every metric a trial reports is shown, not only the objective (issue 18's first step): in
/// `tune trials` on request, always in CSV and JSON (Vertex AI's `finalMeasurement`), and in
/// `tune status` for the best trial, each at the trial's final measurement.
@Suite("End to end: every metric a trial reports", .limitedParallelism)
struct AllMetricsTests {
    /// Trial n reports, at steps 1-3, acc = n/10 + (0.05, 0.2, 0.1) (best at step 2), loss = 1 - acc,
    /// and, at step 3 only, secs = n.
    static let trial = """
        n=$TUNE_TRIAL_ID
        for s in 1 2 3; do
          case $s in 1) bump=0.05 ;; 2) bump=0.2 ;; 3) bump=0.1 ;; esac
          acc=$(awk "BEGIN { print $n / 10 + $bump }")
          loss=$(awk "BEGIN { print 1 - $acc }")
          echo "step=$s acc=$acc loss=$loss"
        done
        echo "step=3 secs=$n"
        """

    static func run(_ sandbox: Sandbox, selection: String) async throws {
        try sandbox.script("train.sh", Self.trial)
        try sandbox.write("c.yml", config(maxTrials: 3, extra: "measurementSelectionType: \(selection)"))
        let run = try await sandbox.tune(["./train.sh", "--config", "c.yml", "--job", "m"])
        try #require(run.status == 0, "\(run)")
    }

    @Test func lastMeasurementShowsEachMetricAtItsLastStep() async throws {
        let sandbox = try Sandbox()
        try await Self.run(sandbox, selection: "LAST_MEASUREMENT")

        // JSON: Vertex's finalMeasurement, the objective first, every metric at its last step.
        let trials = byId(try await trialsJSON(sandbox, "m"))
        for id in 1...3 {
            let final = try #require(trials[id]?["finalMeasurement"] as? [String: Any], "\(trials[id] ?? [:])")
            #expect(final["stepCount"] as? String == "3")
            let metrics = try #require(final["metrics"] as? [[String: Any]])
            let values = Dictionary(uniqueKeysWithValues: metrics.map { ($0["metricId"] as? String ?? "?", ($0["value"] as? NSNumber)?.doubleValue ?? .nan) })
            #expect(metrics.map { $0["metricId"] as? String } == ["acc", "loss", "secs"])
            #expect(abs((values["acc"] ?? 0) - (Double(id) / 10 + 0.1)) < 1e-9)
            #expect(abs((values["loss"] ?? 0) - (1 - Double(id) / 10 - 0.1)) < 1e-9)
            #expect(values["secs"] == Double(id))
        }

        // The table shows only the objective by default; --metrics and --all-metrics add columns.
        let plain = try await sandbox.tune(["trials", "m"])
        #expect(!plain.stdout.contains("loss"), "\(plain)")
        let chosen = try await sandbox.tune(["trials", "m", "--metrics", "loss"])
        let header = chosen.stdout.split(separator: "\n").first.map { $0.split(separator: " ").map(String.init) } ?? []
        #expect(header.prefix(3) == ["objectiveValue", "trainingStep", "loss"], "\(chosen)")
        let best = chosen.stdout.split(separator: "\n").dropFirst().first.map { $0.split(separator: " ").map(String.init) } ?? []
        #expect(best.count > 2 && abs((Double(best[2]) ?? 0) - 0.6) < 1e-9, "the best trial (3) has loss 0.6 at step 3: \(chosen)")
        let all = try await sandbox.tune(["trials", "m", "--all-metrics"])
        #expect(all.stdout.split(separator: "\n").first?.split(separator: " ").map(String.init).prefix(4) == ["objectiveValue", "trainingStep", "loss", "secs"], "\(all)")
        let unknown = try await sandbox.tune(["trials", "m", "--metrics", "los"])
        #expect(unknown.status == 0)
        #expect(unknown.stderr.contains("no trial of job m reported 'los' (reported: loss, secs)"), "\(unknown)")

        // CSV: every metric is a column at the end.
        let csv = try await sandbox.tune(["trials", "m", "--format", "csv"])
        let lines = csv.stdout.split(separator: "\n").map(String.init)
        let columns = lines[0].split(separator: ",").map(String.init)
        #expect(columns.suffix(2) == ["loss", "secs"], "\(csv)")
        let row = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(row.first == "3" && row.last == "3.0", "\(csv)")

        // Status: the best trial's other metrics.
        let status = try await sandbox.tune(["status", "m"])
        #expect(status.stdout.contains("metrics   loss=0.6 (step 3) · secs=3.0 (step 3)"), "\(status)")
    }

    /// With BEST_MEASUREMENT the measurement is the one where the objective was best (step 2):
    /// each metric is read there, and a metric first reported later (secs) at its own last step.
    @Test func bestMeasurementReadsEveryMetricWhereTheObjectiveWasBest() async throws {
        let sandbox = try Sandbox()
        try await Self.run(sandbox, selection: "BEST_MEASUREMENT")
        let trials = byId(try await trialsJSON(sandbox, "m"))
        let final = try #require(trials[2]?["finalMeasurement"] as? [String: Any])
        #expect(final["stepCount"] as? String == "2")
        let metrics = try #require(final["metrics"] as? [[String: Any]])
        let values = Dictionary(uniqueKeysWithValues: metrics.map { ($0["metricId"] as? String ?? "?", ($0["value"] as? NSNumber)?.doubleValue ?? .nan) })
        #expect(abs((values["acc"] ?? 0) - 0.4) < 1e-9, "\(metrics)")
        #expect(abs((values["loss"] ?? 0) - 0.6) < 1e-9, "loss at step 2, not at step 3 (0.7): \(metrics)")
        #expect(values["secs"] == 2, "\(metrics)")
    }
}
