import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

private let start = Date(timeIntervalSince1970: 1_700_000_000)

/// A job built by replaying journal events, as `tune report` loads it.
private func job(
    _ params: [ParameterSpec], goal: Goal = .maximize, stopped: Set<Int> = [],
    trials: [(parameters: [String: String], values: [Double], state: TrialState)]
) -> JobRecord {
    let spec = TuningSpec(
        goal: goal, metricTag: "acc", maxTrials: trials.count, algorithm: .random, params: params,
        enableTrialEarlyStopping: !stopped.isEmpty)
    var job = JobRecord(
        header: JobHeader(
            id: "j<1>", createTime: start, spec: spec, command: ["./train.sh", "--note=<b>"],
            workingDirectory: "/", configPath: "c.yml", configText: "", seed: 1, strategy: "random search"))
    for (index, trial) in trials.enumerated() {
        let id = index + 1
        job.apply(.trialCreated(trial: id, parameters: trial.parameters, time: start, placement: nil))
        job.apply(.trialStarted(trial: id, pid: 1, time: start))
        let readings = trial.values.enumerated().map { MetricReading(tag: "acc", value: $1, step: $0 + 1, source: .stdout) }
        job.apply(.metrics(trial: id, readings: readings))
        job.apply(
            .trialFinished(
                TrialOutcome(
                    trial: id, state: trial.state, time: start.addingTimeInterval(1),
                    finalMetric: trial.state == .succeeded ? readings.last : nil,
                    stoppedEarly: stopped.contains(id))))
    }
    return job
}

private func occurrences(_ needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}

@Suite(.limitedParallelism) struct AxisScaleTests {
    @Test func linearTicksAreNice() {
        let scale = AxisScale.linear(0.13, 0.87)
        #expect(scale.ticks.count >= 4 && scale.ticks.count <= 7)
        #expect(scale.lower <= 0.13 && scale.upper >= 0.87)
        #expect(scale.labels == ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(AxisScale.linear(0, 10_000).labels == ["0", "2000", "4000", "6000", "8000", "10000"])
        #expect(AxisScale.linear(-3, 7).labels.contains("0"))
    }

    @Test func logTicksAreDecades() {
        let scale = AxisScale.log(1e-4, 1)
        #expect(scale.kind == .log)
        #expect(scale.labels == ["1e-4", "0.001", "0.01", "0.1", "1"])
        #expect(abs(scale.fraction(1e-2) - 0.5) < 1e-12)
        // Two decades or less: 1, 2, 5 in each.
        #expect(AxisScale.log(0.01, 1).labels == ["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1"])
    }

    @Test func constantRangeIsPadded() {
        let scale = AxisScale.linear(0.5, 0.5)
        #expect(scale.lower < 0.5 && scale.upper > 0.5)
        #expect(abs(scale.fraction(0.5) - 0.5) < 1e-9)
        let zero = AxisScale.linear(0, 0)
        #expect(zero.lower < 0 && zero.upper > 0)
        let log = AxisScale.log(100, 100)
        #expect(log.lower < 100 && log.upper > 100)
        #expect(AxisScale.automatic([]).ticks.count >= 2)
    }

    @Test func hugeRanges() {
        let log = AxisScale.log(1e-300, 1e300)
        #expect(log.labels == ["1e-300", "1e-200", "1e-100", "1", "1e100", "1e200", "1e300"])
        #expect(abs(log.fraction(1) - 0.5) < 1e-12)
        let linear = AxisScale.linear(-1e300, 1.7e308)
        #expect(linear.ticks.allSatisfy { $0.isFinite })
        #expect(linear.lower <= -1e300 && linear.upper >= 1.7e308)
        #expect(linear.labels.allSatisfy { $0.count <= 8 })
        let big = AxisScale.linear(0, 3e12)
        #expect(big.labels == ["0", "1e12", "2e12", "3e12"])
        #expect(AxisScale.automatic([1e-9, 1, 1e9]).kind == .log)
        #expect(AxisScale.automatic([-1e9, 1e9]).kind == .linear)
        #expect(AxisScale.automatic([0.011, 4.8]).kind == .log)
        #expect(AxisScale.automatic([0.1, 0.95]).kind == .linear)
        #expect(AxisScale.log(10, 10_000).labels == ["10", "100", "1000", "10000"])
    }
}

@Suite(.limitedParallelism) struct ParameterImportanceTests {
    @Test func theParameterThatMattersGetsMostOfTheShare() {
        // acc depends on lr only; batch and optimizer are noise.
        var generator = SeededGenerator(seed: 11)
        var values: [[Double?]] = []
        var objectives: [Double] = []
        for _ in 0..<200 {
            let lr = Double.random(in: -5 ... -1, using: &generator)
            let batch = Double(Int.random(in: 0..<4, using: &generator))
            let optimizer = Double(Int.random(in: 0..<3, using: &generator))
            values.append([pow(10, lr), batch, optimizer])
            objectives.append(-(lr + 3) * (lr + 3) + Double.random(in: -0.05...0.05, using: &generator))
        }
        let importance = ParameterImportance(parameters: ["lr", "batch", "optimizer"], values: values, objectives: objectives)
        let share = Dictionary(uniqueKeysWithValues: importance.entries.map { ($0.parameter, $0.share) })
        #expect(share["lr"]! > 0.8, "\(importance.entries)")
        #expect(abs(importance.entries.reduce(0) { $0 + $1.share } - 1) < 1e-9)
        #expect(importance.entries.first { $0.parameter == "lr" }!.groups == 10)
    }

    @Test func constantObjectiveGivesNoShare() {
        let importance = ParameterImportance(parameters: ["x"], values: [[1], [2], [3], [4]], objectives: [1, 1, 1, 1])
        #expect(importance.entries[0].share == 0)
    }

    @Test func oneTrialPerGroupIsNotAnEstimate() {
        // 6 trials, each a value of its own: η² is 1 whatever the objective, so no share is given.
        let noise: [Double] = [0.3, 0.9, 0.1, 0.7, 0.5, 0.2]
        let importance = ParameterImportance(parameters: ["lr"], values: [[1], [2], [3], [4], [5], [6]], objectives: noise)
        let entry = importance.entries[0]
        #expect(entry.etaSquared == 1)
        #expect(entry.groups == 6 && entry.medianGroupSize == 1)
        #expect(!entry.hasEnoughTrials && entry.share == 0)
        #expect(!importance.isMeaningful)
    }

    @Test func theThresholdIsThreeTrialsInTheMedianGroup() {
        // A category with 2 values: 2 trials each is too few, 3 each is enough.
        let two = ParameterImportance(parameters: ["opt"], values: [[0], [0], [1], [1]], objectives: [1, 2, 3, 4])
        #expect(two.entries[0].medianGroupSize == 2 && !two.entries[0].hasEnoughTrials)
        let three = ParameterImportance(parameters: ["opt"], values: [[0], [0], [0], [1], [1], [1]], objectives: [1, 2, 3, 4, 5, 6])
        #expect(three.entries[0].medianGroupSize == 3 && three.entries[0].hasEnoughTrials)
        #expect(three.entries[0].share == 1)
        // Sizes 1, 1, 3, 4, 5: the median group holds 3.
        #expect(ParameterImportance.medianGroupSize([0, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4]) == 3)
        #expect(ParameterImportance.medianGroupSize([0, 1, 1, 1]) == 2)
    }

    @Test func aParameterWithTooFewPerGroupTakesNoShareFromTheOthers() {
        // 10 trials: `opt` (2 values, 5 each) decides the objective; `seed` has a value per trial, η² 1.
        let values: [[Double?]] = (0..<10).map { [Double($0 % 2), Double($0)] }
        let objectives = (0..<10).map { Double($0 % 2) * 10 + Double($0) / 100 }
        let importance = ParameterImportance(parameters: ["opt", "seed"], values: values, objectives: objectives)
        let byName = Dictionary(uniqueKeysWithValues: importance.entries.map { ($0.parameter, $0) })
        #expect(byName["seed"]!.etaSquared == 1 && !byName["seed"]!.hasEnoughTrials && byName["seed"]!.share == 0)
        #expect(byName["opt"]!.hasEnoughTrials && byName["opt"]!.share == 1, "\(importance.entries)")
    }
}

@Suite(.limitedParallelism) struct HTMLEscapeTests {
    @Test func escapesMarkupAndQuotes() {
        #expect(HTMLEscape.escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;")
        #expect(HTMLEscape.escape("a&b \"c\" 'd'") == "a&amp;b &quot;c&quot; &#39;d&#39;")
        #expect(HTMLEscape.escape("x\u{0}y\u{1B}z\n") == "xyz\n")
    }
}

@Suite(.limitedParallelism) struct HTMLReportTests {
    let params = [
        ParameterSpec(name: "lr", domain: .double(min: 1e-4, max: 1, scale: .log)),
        ParameterSpec(name: "kind", domain: .categorical(["<script>alert(1)</script>", "a\"b"])),
    ]

    @Test func userStringsAreEscaped() {
        let report = HTMLReport(
            job: job(
                params,
                trials: [
                    (["lr": "0.01", "kind": "<script>alert(1)</script>"], [0.5, 0.7], .succeeded),
                    (["lr": "0.001", "kind": "a\"b"], [0.2], .failed),
                ])
        ).render()
        #expect(!report.contains("<script>alert"))
        #expect(!report.contains("<b>"))
        #expect(report.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(occurrences("<script", in: report) == 1)
        #expect(!report.contains("http://") && !report.contains("https://"))
    }

    @Test func oneTrial() {
        let report = HTMLReport(job: job(params, trials: [(["lr": "0.01", "kind": "a\"b"], [0.5], .succeeded)])).render()
        #expect(occurrences("<circle class=\"succeeded\" data-trial=", in: report) == 1)
        #expect(occurrences("<polyline data-trial=", in: report) == 1)
        #expect(report.contains("too few succeeded trials"))
    }

    @Test func allFailed() {
        let report = HTMLReport(
            job: job(
                params,
                trials: [
                    (["lr": "0.01", "kind": "a\"b"], [], .failed), (["lr": "0.1", "kind": "a\"b"], [], .failed),
                ])
        ).render()
        #expect(report.contains("no succeeded trial"))
        #expect(!report.contains("<polyline"))
        #expect(!report.contains("<circle"))
    }

    @Test func tenThousandTrialsWithHugeValuesStayReasonable() {
        let trials = (0..<10_000).map { i -> (parameters: [String: String], values: [Double], state: TrialState) in
            let value = i % 2 == 0 ? pow(10, Double(i % 600) - 300) : 1
            return (
                ["lr": "\(pow(10, -4 + Double(i % 40) / 10))", "kind": i % 3 == 0 ? "a\"b" : "<script>alert(1)</script>"],
                [value / 2, value], i % 7 == 0 ? .failed : .succeeded
            )
        }
        let report = HTMLReport(job: job(params, goal: .minimize, trials: trials)).render()
        #expect(report.utf8.count < 8_000_000, "\(report.utf8.count) bytes")
        #expect(occurrences("class=\"curve ", in: report) == ReportData.maxCurves)
        #expect(occurrences("<polyline data-trial=", in: report) == ReportData.maxParallelTrials)
        #expect(report.contains("data-scale=\"log\""))
        #expect(!report.contains("nan") && !report.contains("inf\""))
    }

    @Test func importanceSaysWhenThereAreTooFewTrialsPerGroup() {
        // 5 succeeded trials, each its own lr and all one kind: nothing to estimate from.
        let few = (0..<5).map { i in (["lr": "0.0\(i + 1)", "kind": "a\"b"], [Double(i) / 10], TrialState.succeeded) }
        let report = HTMLReport(job: job(params, trials: few)).render()
        let section = String(report[report.range(of: "<section id=\"importance-section\">")!.lowerBound...].prefix(2000))
        #expect(section.contains("too few trials per group to estimate importance: with 5 succeeded trials"), "\(section)")
        #expect(section.contains("lr: 5 groups, median 1 trial;"), "\(section)")
        #expect(!section.contains("<table class=\"importance\""), "no numbers: \(section)")

        // 40 trials: lr (10 bins of 4) is estimated; kind, with its 2 categories alternating, too.
        let many = (0..<40).map { i in
            (["lr": "\(0.001 * Double(i + 1))", "kind": i % 2 == 0 ? "a\"b" : "<script>alert(1)</script>"], [Double(i)], TrialState.succeeded)
        }
        let enough = HTMLReport(job: job(params, trials: many)).render()
        let table = String(enough[enough.range(of: "<section id=\"importance-section\">")!.lowerBound...].prefix(3000))
        #expect(table.contains("<table class=\"importance\""), "\(table)")
        #expect(table.contains("<td>10 groups, median 4 trials</td>"), "\(table)")
        #expect(!table.contains("too few"), "\(table)")
    }

    @Test func constantObjective() {
        let trials = (0..<5).map { i in (["lr": "0.0\(i + 1)", "kind": "a\"b"], [0.25], TrialState.succeeded) }
        let report = HTMLReport(job: job(params, trials: trials)).render()
        #expect(occurrences("<circle class=\"succeeded\" data-trial=", in: report) == 5)
        #expect(!report.contains("nan"))
    }

    @Test func stoppedAndCancelledTrialsAreMarked() {
        let trials: [(parameters: [String: String], values: [Double], state: TrialState)] = [
            (["lr": "0.01", "kind": "a\"b"], [0.5, 0.6, 0.7, 0.8], .succeeded),
            (["lr": "0.02", "kind": "a\"b"], [0.4, 0.5, 0.6, 0.7], .succeeded),
            (["lr": "0.03", "kind": "a\"b"], [0.3, 0.4, 0.5, 0.6], .succeeded),
            (["lr": "0.04", "kind": "a\"b"], [0.1, 0.2], .succeeded),
            (["lr": "0.05", "kind": "a\"b"], [0.1], .cancelled),
        ]
        let report = HTMLReport(job: job(params, stopped: [4], trials: trials)).render()
        #expect(report.contains("<circle class=\"stopped\" data-trial=\"4\""))
        #expect(report.contains("<path class=\"cancelled\" data-trial=\"5\""))
        #expect(report.contains("class=\"curve stopped\" data-trial=\"4\""))
        #expect(occurrences("<path class=\"cut\"", in: report) == 1)
        #expect(report.contains("<th>saved</th>"))
        #expect(report.contains("(1 stopped early)"))
    }
}
