import Foundation
import Testing
import TuneTestSupport

/// `tune compare` on real jobs: random and grid search of acc = 1 − (x − 0.3)², whose best (1, at
/// x = 0.3) the grid holds. Every expected number is worked out here from the jobs' own trials.
@Suite("End to end: tune compare", .limitedParallelism)
struct CompareTests {
    static let train = """
        for a in "$@"; do case $a in --x=*) x=${a#--x=};; esac; done
        echo "acc=$(awk -v x="$x" 'BEGIN { printf "%g", 1 - (x - 0.3) * (x - 0.3) }')"
        """

    static let grid = """
          - parameterName: x
            type: DISCRETE
            discreteValues: [0.05, 0.15, 0.3, 0.6, 0.9]
        """

    static let twoParams = """
          - parameterName: x
            type: DOUBLE
            minValue: 0.0
            maxValue: 1.0
          - parameterName: unused
            type: INTEGER
            minValue: 1
            maxValue: 3
        """

    /// Jobs `rand` (6 random trials), `grid` (the whole grid, 5 trials) and `rand2` (4 random trials,
    /// another space).
    static func jobs(_ sandbox: Sandbox) async throws {
        try sandbox.script("train.sh", train)
        try sandbox.write("rand.yml", config(maxTrials: 6, extra: "seed: 7"))
        try sandbox.write("grid.yml", config(maxTrials: 5, algorithm: "GRID_SEARCH", params: grid))
        try sandbox.write("rand2.yml", config(maxTrials: 4, extra: "seed: 11", params: twoParams))
        for name in ["rand", "grid", "rand2"] {
            let run = try await sandbox.tune(["./train.sh", "--config", name + ".yml", "--job", name])
            try #require(run.status == 0, "\(run)")
        }
    }

    /// Each trial's objective by id, from `tune trials` (nil: no value).
    static func values(_ sandbox: Sandbox, _ job: String) async throws -> [(id: Int, value: Double?)] {
        let trials = try await trialsJSON(sandbox, job)
        return byId(trials).sorted { $0.key < $1.key }.map { ($0.key, objective($0.value)) }
    }

    @Test func comparesRandomAndGridSearch() async throws {
        let sandbox = try Sandbox()
        try await Self.jobs(sandbox)
        let names = ["rand", "grid", "rand2"]
        var journals: [String: [(id: Int, value: Double?)]] = [:]
        for name in names { journals[name] = try await Self.values(sandbox, name) }

        // Worked out independently: baseline = the worst first value, best = the best of all.
        let firsts = names.compactMap { name in journals[name]!.compactMap(\.value).first }
        let bests = names.compactMap { name in journals[name]!.compactMap(\.value).max() }
        let baseline = try #require(firsts.min())
        let overall = try #require(bests.max())
        #expect(overall == 1, "the grid holds x = 0.3")
        let target = min(overall, baseline + 0.95 * (overall - baseline))
        func reached(_ name: String) -> Int? {
            var best = -Double.infinity
            for (id, value) in journals[name]! {
                if let value { best = max(best, value) }
                if best >= target { return id }
            }
            return nil
        }

        let result = try await sandbox.tune(["compare", "rand", "grid", "rand2", "--format", "json"])
        try #require(result.status == 0, "\(result)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        #expect(object["goal"] as? String == "MAXIMIZE")
        #expect(object["metricTag"] as? String == "acc")
        let reach = try #require(object["reach"] as? [String: Any])
        #expect((reach["baseline"] as? Double) == baseline)
        #expect(abs((reach["target"] as? Double ?? 0) - target) < 1e-12)
        let jobs = try #require(object["jobs"] as? [[String: Any]])
        #expect(jobs.map { $0["job"] as? String } == names)
        for (name, job) in zip(names, jobs) {
            let trials = journals[name]!
            let values: [Double] = trials.compactMap { trial in trial.value }
            let top = try #require(values.max())
            let best = try #require(job["best"] as? [String: Any], "\(name)")
            #expect(best["objectiveValue"] as? Double == top, "\(name)")
            let bestId = try #require(trials.first { trial in trial.value == top }).id
            #expect(best["trialId"] as? String == String(bestId), "\(name)")
            #expect(job["trials"] as? Int == trials.count, "\(name)")
            #expect(job["trialsToReach"] as? Int == reached(name), "\(name): \(job)")
        }
        #expect(jobs[1]["trialsToReach"] as? Int == 3, "the grid's third point is x = 0.3")
        #expect((jobs[1]["best"] as? [String: Any])?["hyperparameters"] as? [String: String] == ["x": "0.3"])
        let notes = object["notes"] as? [String] ?? []
        #expect(notes.contains { $0.contains("different spaces") }, "\(notes)")

        // The table and the chart: a row, a line and a legend entry per job.
        let table = try await sandbox.tune(["compare", "rand", "grid", "rand2", "--width", "80", "--height", "20"])
        try #require(table.status == 0, "\(table)")
        let lines = table.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for name in names { #expect(lines.contains { $0.hasPrefix(name + " ") }, "a row for \(name): \(table)") }
        #expect(table.stderr.contains("note: the jobs search different spaces"), "\(table)")
        let legend = lines.suffix(4).joined(separator: "\n")
        for (mark, name) in zip(["*", "+", "o"], names) {
            #expect(legend.contains("\(mark) \(name) (best "), "legend of \(name): \(table.stdout)")
        }
        let chartStart = try #require(lines.firstIndex { $0.hasPrefix("best acc so far") }, "\(table.stdout)")
        let plot = lines[(chartStart + 1)...].filter { $0.contains("┤") || $0.contains("│") }.joined(separator: "\n")
        #expect(plot.contains("*") && plot.contains("+"), "\(table.stdout)")

        // CSV: a row per job, the best value and trials to reach.
        let csv = try await sandbox.tune(["compare", "rand", "grid", "--format", "csv"])
        try #require(csv.status == 0, "\(csv)")
        let rows = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.first?.prefix(9) == ["job", "state", "algorithm", "strategy", "trials", "succeeded", "bestValue", "bestTrialId", "trialsToReach"])
        #expect(rows.count == 3)
        #expect(rows.last?[0] == "grid" && rows.last?[7] == "3")
    }

    @Test func writesASelfContainedPage() async throws {
        let sandbox = try Sandbox()
        try await Self.jobs(sandbox)
        let result = try await sandbox.tune(["compare", "rand", "grid", "rand2", "--html", "out/cmp.html"])
        try #require(result.status == 0, "\(result)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "out/cmp.html")
        let html = try #require(sandbox.read("out/cmp.html"))
        #expect(html.contains("<section id=\"comparison\">"))
        #expect(html.contains("<svg id=\"comparison-chart\""))
        for name in ["rand", "grid", "rand2"] {
            #expect(html.contains("<path class=\"series\" data-job=\"\(name)\""), "a line for \(name)")
            #expect(html.contains("<tr data-job=\"\(name)\">"), "a row for \(name)")
        }
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http"))
        #expect(!html.contains("<link") && !html.contains("<script src") && !html.contains("<img"))

        let inside = try await sandbox.tune(["compare", "rand", "grid", "--html", ".tune/cmp.html"])
        #expect(inside.status == 2 && inside.stderr.contains("inside the job store"), "\(inside)")
    }

    @Test func refusesJobsOfAnotherObjective() async throws {
        let sandbox = try Sandbox()
        try sandbox.script("train.sh", Self.train + "\necho \"loss=0.5\"")
        try sandbox.write("max.yml", config(maxTrials: 1))
        try sandbox.write("min.yml", config(maxTrials: 1, goal: "MINIMIZE"))
        try sandbox.write("loss.yml", config(maxTrials: 1, tag: "loss"))
        for name in ["max", "min", "loss"] {
            let run = try await sandbox.tune(["./train.sh", "--config", name + ".yml", "--job", name])
            try #require(run.status == 0, "\(run)")
        }
        let goals = try await sandbox.tune(["compare", "max", "min"])
        #expect(goals.status == 2, "\(goals)")
        #expect(goals.stderr.contains("MAXIMIZE") && goals.stderr.contains("MINIMIZE") && goals.stderr.contains("opposite goals"), "\(goals)")
        let metrics = try await sandbox.tune(["compare", "max", "loss", "--format", "json"])
        #expect(metrics.status == 2 && metrics.stdout.isEmpty, "\(metrics)")
        #expect(metrics.stderr.contains("different metrics") && metrics.stderr.contains("loss"), "\(metrics)")
        let one = try await sandbox.tune(["compare", "max"])
        #expect(one.status == 2 && one.stderr.contains("two jobs or more"), "\(one)")
        let unknown = try await sandbox.tune(["compare", "max", "nope"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no job 'nope'"), "\(unknown)")
    }
}
