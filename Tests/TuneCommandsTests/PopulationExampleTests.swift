import Foundation
import Testing
import TuneTestSupport

/// Examples/pbt-schedule, run as its README says: a real NumPy MLP on scikit-learn's digits under
/// population-based training, 10 intervals — with 4 members instead of the config's 8, which took
/// 5 minutes of a loaded CI machine. The model tune hands back was trained with
/// the schedule tune reports: the learning rate of every epoch, which the trainer keeps in its
/// checkpoint, is the schedule's, interval by interval, across the exploits.
@Suite("End to end: the PBT example", .limitedParallelism, .enabled(if: MLPython.runnable, Comment(rawValue: MLPython.why)))
struct PopulationExampleTests {
    @Test(.timeLimit(.minutes(10)))
    func theCollectedModelFollowedTheReportedSchedule() async throws {
        let sandbox = try Sandbox()
        let source = TuneBinary.repository.appendingPathComponent("Examples/pbt-schedule")
        try FileManager.default.copyItem(at: source.appendingPathComponent("train.py"), to: sandbox.dir.appendingPathComponent("train.py"))
        let config = try String(contentsOf: source.appendingPathComponent("tuning.yml"), encoding: .utf8)
        try #require(config.contains("populationSize: 8"))
        try sandbox.write("tuning.yml", config.replacingOccurrences(of: "populationSize: 8", with: "populationSize: 4"))
        let run = try await CloudTrainerExampleTests.tune(
            sandbox, ["run", "--config", "tuning.yml", "--job", "pbt", "--", "python", "train.py"],
            env: MLPython.environment(["PYTHONDONTWRITEBYTECODE": "1"]), timeout: 500)
        try #require(run.status == 0, "\(run)")
        #expect(run.stdout.contains("the best model's schedule"), "\(run.stdout)")
        let trials = try await CloudTrainerExampleTests.succeeded(sandbox, "pbt", count: 40)
        #expect(trials.contains { $0["donor"] != nil }, "members exploited")

        let collect = try await sandbox.tune(["collect", "pbt", "--to", "out"])
        try #require(collect.status == 0, "\(collect)")
        let best = try #require(trials.first?["trialId"] as? String)
        let text = try #require(sandbox.read("out/pbt-\(best)/schedule.json"))
        let schedule = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let steps = try #require(schedule["schedule"] as? [[String: Any]])
        #expect(steps.count == 10)
        // The learning rate of each epoch, as the schedule says it trained, against the trainer's own record.
        var expected: [Double] = []
        for step in steps {
            let lr = try #require(Double((step["hyperparameters"] as? [String: String])?["lr"] ?? ""))
            expected += Array(repeating: lr, count: (step["to"] as! Int) - (step["from"] as! Int))
        }
        let dump = try await sandbox.tune(
            ["-c", "import numpy; print(' '.join(repr(float(x)) for x in numpy.load('out/pbt-\(best)/checkpoint/checkpoint.npz')['lr_history']))"],
            env: MLPython.environment(), timeout: 60, through: MLPython.python)
        try #require(dump.status == 0, "\(dump)")
        let recorded = dump.stdout.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(recorded.count == 30)
        #expect(zip(recorded, expected).allSatisfy { abs($0 - $1) <= 1e-12 * max(abs($1), 1) }, "\(recorded) vs \(expected)")
    }
}
