import Foundation
import Testing
import TuneTestSupport

/// Examples/sklearn-pareto, run as its docs say: a real scikit-learn random forest on the bundled
/// digits, tuned for validation accuracy (MAXIMIZE) against its pickled size (MINIMIZE), with the
/// worst digit's recall as a safety metric (≥ 0.75). The front tune reports is checked against
/// the trials' own values: exactly the safe trials that no other safe trial dominates.
@Suite("End to end: the scikit-learn Pareto example", .limitedParallelism, .enabled(if: MLPython.runnable, Comment(rawValue: MLPython.why)))
struct SklearnParetoExampleTests {
    /// A trial's objectives and safety value, read from its final measurement.
    struct Point {
        var id: Int
        var accuracy: Double
        var kb: Double
        var worstRecall: Double

        /// At least as good in both objectives and better in one.
        func dominates(_ other: Point) -> Bool {
            accuracy >= other.accuracy && kb <= other.kb && (accuracy > other.accuracy || kb < other.kb)
        }
    }

    static func point(_ trial: [String: Any]) throws -> Point {
        let id = try #require((trial["trialId"] as? String).flatMap(Int.init), "\(trial)")
        let final = try #require(trial["finalMeasurement"] as? [String: Any], "\(trial)")
        let metrics = try #require(final["metrics"] as? [[String: Any]], "\(trial)")
        var values: [String: Double] = [:]
        for metric in metrics {
            if let name = metric["metricId"] as? String, let value = metric["value"] as? Double { values[name] = value }
        }
        return Point(
            id: id, accuracy: try #require(values["accuracy"], "\(trial)"), kb: try #require(values["model_kb"], "\(trial)"),
            worstRecall: try #require(values["worst_recall"], "\(trial)"))
    }

    @Test(.timeLimit(.minutes(10)))
    func frontIsTheNonDominatedSafeTrials() async throws {
        let sandbox = try Sandbox()
        let source = TuneBinary.repository.appendingPathComponent("Examples/sklearn-pareto")
        for name in ["train.py", "tuning.yml"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: sandbox.dir.appendingPathComponent(name))
        }
        let run = try await CloudTrainerExampleTests.tune(
            sandbox,
            ["run", "--config", "tuning.yml", "--max-trial-count", "8", "--job", "forest", "--", "python", "train.py"],
            env: MLPython.environment(["PYTHONDONTWRITEBYTECODE": "1"]), timeout: 400)
        try #require(run.status == 0, "\(run)")
        #expect(run.stdout.contains("Pareto front: "), "\(run)")

        let trials = try await CloudTrainerExampleTests.succeeded(sandbox, "forest", count: 8)
        let points = try trials.map(Self.point)
        // Trial 1 is the config's defaultValues, and the script is deterministic: a 20-tree forest.
        #expect(points.first { $0.id == 1 }?.accuracy == 0.9444, "\(points)")

        // Safe by the config's bound, and only those ranked.
        let safe = points.filter { $0.worstRecall >= 0.75 }
        for trial in trials {
            let point = try Self.point(trial)
            if point.worstRecall >= 0.75 {
                #expect(trial["infeasible"] == nil && trial["paretoRank"] is Int, "\(trial)")
            } else {
                #expect(trial["infeasible"] as? Bool == true && trial["paretoRank"] == nil, "\(trial)")
            }
        }

        // The front: every safe trial that no safe trial dominates, and only those.
        let expected = Set(safe.filter { p in !safe.contains { $0.dominates(p) } }.map(\.id))
        let front = Set(try trials.filter { $0["paretoRank"] as? Int == 1 }.map { try Self.point($0).id })
        #expect(!front.isEmpty, "\(points)")
        #expect(front == expected, "front \(front.sorted()), from the values \(expected.sorted()): \(points)")
        let onFront = safe.filter { front.contains($0.id) }
        for p in onFront {
            #expect(!onFront.contains { $0.dominates(p) }, "front trial \(p.id) is dominated: \(points)")
        }
        for p in safe where !front.contains(p.id) {
            #expect(onFront.contains { $0.dominates(p) }, "trial \(p.id) is off the front but no front trial dominates it: \(points)")
        }
        for (trial, point) in zip(trials, points) {
            #expect((trial["paretoOptimal"] as? Bool == true) == front.contains(point.id), "\(trial)")
        }
        // Along the front, more accuracy costs more size (equal accuracy only in a tie of both).
        let byAccuracy = onFront.sorted { $0.accuracy < $1.accuracy }
        #expect(zip(byAccuracy, byAccuracy.dropFirst()).allSatisfy { $0.kb <= $1.kb }, "\(byAccuracy)")

        // `tune trials --pareto` lists exactly the front; the report draws it.
        let listed = try await trialsJSON(sandbox, "forest", extra: ["--pareto"])
        #expect(Set(listed.compactMap { ($0["trialId"] as? String).flatMap(Int.init) }) == front, "\(listed)")
        let report = try await sandbox.tune(["report", "forest"])
        try #require(report.status == 0, "\(report)")
        let html = try #require(sandbox.read(report.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(report)")
        let chart = try #require(ReportTests.svg("pareto", in: html), "a Pareto front chart")
        #expect(Set(ParetoReportTests.marks("circle", "front", in: chart)) == front)
        #expect(Set(ParetoReportTests.marks("path", "infeasible", in: chart)) == Set(points.filter { $0.worstRecall < 0.75 }.map(\.id)))
        #expect(chart.contains("accuracy (higher is better)") && chart.contains("model_kb (lower is better"), "\(chart.prefix(2000))")
    }
}
