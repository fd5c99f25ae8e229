import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// The report of jobs that define several objectives, safety metrics or report many tags, built
/// by replaying journal events as `tune report` loads a job.
@Suite(.limitedParallelism) struct MetricReportTests {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    /// A job whose trial n (from 1) reported `readings[n - 1]`: tag → values at steps 1, 2, …;
    /// every trial succeeded, its objective the last reading of `spec.metricTag`.
    static func job(_ spec: TuningSpec, _ readings: [[String: [Double]]]) -> JobRecord {
        var job = JobRecord(
            header: JobHeader(
                id: "j", createTime: start, spec: spec, command: ["train"], workingDirectory: "/", configPath: "c.yml", configText: "", seed: 1,
                strategy: "random search"))
        for (index, tags) in readings.enumerated() {
            let id = index + 1
            job.apply(.trialCreated(trial: id, parameters: ["x": "0.\(id)"], time: start, placement: nil))
            job.apply(.trialStarted(trial: id, pid: 1, time: start))
            let all = tags.keys.sorted().flatMap { tag in
                tags[tag]!.enumerated().map { MetricReading(tag: tag, value: $1, step: $0 + 1, source: .stdout) }
            }
            job.apply(.metrics(trial: id, readings: all))
            let objective = all.filter { $0.tag == spec.metricTag }
            let final = spec.measurementSelection == .best ? objective.max { spec.goal.isBetter($1.value, than: $0.value) } : objective.last
            job.apply(.trialFinished(TrialOutcome(trial: id, state: .succeeded, time: start.addingTimeInterval(1), finalMetric: final, stoppedEarly: false)))
        }
        return job
    }

    static func spec(objectives: [(String, Goal)] = [("acc", .maximize)], safety: [SafetyMetric] = [], selection: MeasurementSelection = .last) -> TuningSpec {
        var spec = TuningSpec(
            goal: objectives[0].1, metricTag: objectives[0].0, maxTrials: 10, algorithm: .random,
            params: [ParameterSpec(name: "x", domain: .double(min: 0, max: 1, scale: .linear))], measurementSelection: selection)
        spec.additionalObjectives = objectives.count > 1 ? objectives.dropFirst().map { ObjectiveMetric(metricTag: $0.0, goal: $0.1) } : nil
        spec.safetyMetrics = safety.isEmpty ? nil : safety
        return spec
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    static func section(_ id: String, in html: String) -> String {
        guard let start = html.range(of: "<section id=\"\(id)\">") else { return "" }
        return html[start.lowerBound...].components(separatedBy: "</section>")[0]
    }

    @Test func manyTagsAreCappedWithANote() {
        let tags = (1...30).map { String(format: "m%02d", $0) }
        let readings = (1...3).map { (n: Int) -> [String: [Double]] in
            var tagged: [String: [Double]] = ["acc": [0.1 * Double(n)]]
            for tag in tags { tagged[tag] = [Double(n), Double(n) + 1] }
            return tagged
        }
        let html = HTMLReport(job: Self.job(Self.spec(), readings)).render()
        let table = Self.section("trials-section", in: html)
        let header = table.components(separatedBy: "</thead>")[0]
        #expect(Self.count("<th", in: header) - 1 == 5 + HTMLReport.maxMetricColumns, "trial, state, acc, step, x and 16 tags: \(header)")
        #expect(header.contains(">m16</th>") && !header.contains(">m17</th>"))
        #expect(table.contains("14 more metrics are not shown (m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, …): tune trials j --all-metrics lists every one."))
        let curves = Self.section("curves-section", in: html)
        #expect(Self.count("<figure class=\"metric\"", in: curves) == ReportData.maxMetricCharts)
        #expect(curves.contains("18 more metrics are not drawn: m13, m14"), "\(curves)")
        // Each metric's chart: a line per trial.
        let first = curves.components(separatedBy: "<figure class=\"metric\" data-metric=\"m01\">")[1].components(separatedBy: "</figure>")[0]
        #expect(Self.count("class=\"curve succeeded\"", in: first) == 3)
    }

    @Test func tagNamesAreEscaped() {
        let readings: [[String: [Double]]] = [["acc": [0.5], "<b>\"x\"</b>": [1, 2]]]
        let html = HTMLReport(job: Self.job(Self.spec(), readings)).render()
        #expect(!html.contains("<b>"))
        #expect(html.contains("<figure class=\"metric\" data-metric=\"&lt;b&gt;&quot;x&quot;&lt;/b&gt;\">"))
        #expect(html.contains("<th title=\"at the final measurement (LAST_MEASUREMENT)\">&lt;b&gt;&quot;x&quot;&lt;/b&gt;</th>"))
    }

    @Test func columnsFollowTheMeasurementSelection() {
        // acc is best at step 2; loss is read there with BEST_MEASUREMENT, at step 3 with LAST.
        let readings: [[String: [Double]]] = [["acc": [0.5, 0.9, 0.7], "loss": [0.6, 0.2, 0.4]]]
        for (selection, loss) in [(MeasurementSelection.best, "0.2"), (.last, "0.4")] {
            let html = HTMLReport(job: Self.job(Self.spec(selection: selection), readings)).render()
            let row = Self.section("trials-section", in: html).components(separatedBy: "<tr class=\"succeeded\" data-trial=\"1\">")[1]
            #expect(row.hasSuffix("<td>\(loss)</td></tr>\n</tbody></table>\n"), "\(selection): \(row)")
        }
    }

    @Test func aSingleObjectiveJobWithASafetyMetric() {
        let safety = SafetyMetric(metricTag: "mem", goal: .minimize, threshold: 100)
        // Trial 2 has the best acc but uses too much memory; trial 3 never reports mem.
        let readings: [[String: [Double]]] = [["acc": [0.5], "mem": [50]], ["acc": [0.9], "mem": [150]], ["acc": [0.95]], ["acc": [0.6], "mem": [90]]]
        let html = HTMLReport(job: Self.job(Self.spec(safety: [safety]), readings)).render()
        #expect(html.contains("trial 4: acc=0.6 (step 1)"), "the best feasible trial")
        #expect(html.contains("mem ≤ 100: 2 of 4 succeeded trials safe (50%)"))
        #expect(!html.contains("pareto-section"), "no front with one objective")
        let history = Self.section("history-section", in: html)
        #expect(history.contains("<path class=\"infeasible\" data-trial=\"2\""), "\(history)")
        #expect(history.contains("<path class=\"infeasible\" data-trial=\"3\""))
        #expect(history.contains("infeasible: never reported mem"))
        // The best so far climbs to trial 4's 0.6 and no higher: the unsafe 0.9 and 0.95 are not counted.
        let best = history.components(separatedBy: "<path class=\"best\" d=\"")[1].prefix { $0 != "\"" }
        #expect(Self.count("V", in: String(best)) == 1, "one step up, from trial 1 to 4: \(best)")
        let curves = Self.section("curves-section", in: html)
        #expect(curves.contains("<figure class=\"metric\" data-metric=\"mem\">") && curves.contains("<path class=\"threshold\""))
        #expect(html.contains("<tr class=\"succeeded infeasible\" data-trial=\"2\">"))
        #expect(html.contains("title=\"mem = 150.0 (safe: mem ≤ 100)\">unsafe</td>"))

        // Every trial unsafe: no best trial, and the summary says why.
        let unsafe = HTMLReport(job: Self.job(Self.spec(safety: [safety]), [["acc": [0.5], "mem": [500]]])).render()
        #expect(unsafe.contains("no safe trial: every succeeded trial crossed a safety bound"))
        #expect(!unsafe.contains("<path class=\"best\""))
    }

    @Test func fourObjectivesGetSixPairs() {
        let objectives: [(String, Goal)] = [("a", .maximize), ("b", .minimize), ("c", .minimize), ("d", .maximize)]
        // Trial 3 is worse than trial 1 in every objective; 1 and 2 trade off.
        let readings: [[String: [Double]]] = [["a": [2], "b": [2], "c": [2], "d": [2]], ["a": [3], "b": [1], "c": [5], "d": [1]], ["a": [1], "b": [3], "c": [3], "d": [1]]]
        let html = HTMLReport(job: Self.job(Self.spec(objectives: objectives), readings)).render()
        let section = Self.section("pareto-section", in: html)
        #expect(Self.count("<svg id=\"pareto-", in: section) == 6)
        for pair in ["1-2", "1-3", "1-4", "2-3", "2-4", "3-4"] { #expect(section.contains("<svg id=\"pareto-\(pair)\""), "\(pair)") }
        #expect(Self.count("<circle class=\"front\" data-trial=\"1\"", in: section) == 6)
        #expect(Self.count("<circle class=\"dominated\" data-trial=\"3\" data-rank=\"2\"", in: section) == 6)
        #expect(html.contains("2 of 3 succeeded trials are on the front"))
        #expect(!section.contains("infeasible:"), "no safety metrics, no infeasible key")
    }

    @Test func aSecondObjectiveNoTrialReported() {
        let html = HTMLReport(job: Self.job(Self.spec(objectives: [("acc", .maximize), ("loss", .minimize)]), [["acc": [0.5]], ["acc": [0.7]]])).render()
        #expect(Self.section("pareto-section", in: html).contains("no succeeded trial reported every objective (acc, loss): nothing to plot"))
        #expect(html.contains("no trial on the front: no safe succeeded trial reported every objective"))
    }
}
