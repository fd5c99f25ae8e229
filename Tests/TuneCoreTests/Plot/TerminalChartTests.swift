import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// `tune plot`'s charts, rendered at fixed sizes.
@Suite("Terminal chart", .limitedParallelism)
struct TerminalChartTests {
    struct Trial {
        var parameters: [String: String] = [:]
        var state: TrialState = .succeeded
        var value: Double? = nil
        var stoppedEarly = false
    }

    static func job(_ trials: [Trial], goal: Goal = .maximize, params: [ParameterSpec] = []) -> JobRecord {
        let spec = TuningSpec(goal: goal, metricTag: "acc", maxTrials: max(trials.count, 1), params: params)
        var job = JobRecord(
            header: JobHeader(
                id: "demo", createTime: Date(timeIntervalSince1970: 0), spec: spec, command: ["train.sh"],
                workingDirectory: "/tmp", configPath: "c.yml", configText: "", seed: 1, strategy: "random search"))
        for (index, trial) in trials.enumerated() {
            var record = TrialRecord(id: index + 1, parameters: trial.parameters, createTime: Date(timeIntervalSince1970: 0))
            record.state = trial.state
            record.stoppedEarly = trial.stoppedEarly
            record.finalMetric = trial.value.map { MetricReading(tag: "acc", value: $0, step: 5, source: .stdout) }
            job.trials.append(record)
        }
        job.state = .succeeded
        return job
    }

    static let lr = ParameterSpec(name: "lr", domain: .double(min: 1e-4, max: 0.1, scale: .log))
    static let activation = ParameterSpec(name: "activation", domain: .categorical(["relu", "tanh", "sigmoid"]))

    /// Twelve trials: one failed, one stopped early, the best improving three times.
    static let demo: JobRecord = job(
        [
            Trial(parameters: ["lr": "0.0002", "activation": "relu"], value: 0.61),
            Trial(parameters: ["lr": "0.05", "activation": "tanh"], value: 0.72),
            Trial(parameters: ["lr": "0.001", "activation": "relu"], value: 0.68),
            Trial(parameters: ["lr": "0.09", "activation": "sigmoid"], state: .failed),
            Trial(parameters: ["lr": "0.003", "activation": "relu"], value: 0.55, stoppedEarly: true),
            Trial(parameters: ["lr": "0.01", "activation": "tanh"], value: 0.83),
            Trial(parameters: ["lr": "0.0005", "activation": "sigmoid"], value: 0.64),
            Trial(parameters: ["lr": "0.008", "activation": "relu"], value: 0.80),
            Trial(parameters: ["lr": "0.012", "activation": "relu"], value: 0.91),
            Trial(parameters: ["lr": "0.02", "activation": "tanh"], value: 0.87),
        ], params: [lr, activation])

    static func expectLines(_ actual: [String], _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let wanted = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(actual.count == wanted.count, "\(actual.count) lines, not \(wanted.count):\n\(actual.joined(separator: "\n"))", sourceLocation: sourceLocation)
        for (index, (a, b)) in zip(actual, wanted).enumerated() {
            #expect(a == b, "line \(index + 1):\n got  |\(a)|\n want |\(b)|", sourceLocation: sourceLocation)
        }
    }

    /// Writes a chart to $TUNE_PLOT_DUMP/<name>.txt when set, to look at (and to renew the goldens).
    static func dump(_ name: String, _ lines: [String]) {
        guard let folder = ProcessInfo.processInfo.environment["TUNE_PLOT_DUMP"] else { return }
        try? lines.joined(separator: "\n").write(toFile: "\(folder)/\(name).txt", atomically: true, encoding: .utf8)
    }

    @Test func historyGolden() {
        let lines = JobPlot.history(Self.demo).render(width: 60, height: 14)
        Self.dump("history", lines)
        Self.expectLines(
            lines,
            """
            job demo · MAXIMIZE acc · best 0.91 (trial 9) · 10 trials: …
              1 ┤
                │                                                •──────
                │                              •─────────────────┘     •
            0.8 ┤                              │           •
                │      •─────•─────────────────┘
            0.6 ┤•─────┘                             •
                │                        ◦
                │
            0.4 ┤
                │                  x
                └┬─────┬───────────┬───────────┬───────────┬───────────┬
                 1     2           4           6           8          10
            • succeeded  ◦ stopped early  x failed  ─ best so far · y: …
            """)
    }

    @Test func logSliceGolden() {
        let lines = JobPlot.slice(Self.demo, param: Self.lr).render(width: 60, height: 12)
        Self.dump("slice-lr", lines)
        Self.expectLines(
            lines,
            """
            job demo · MAXIMIZE acc · best 0.91 (trial 9) · 10 trials: …
              1 ┤
                │                                     •   •
            0.8 ┤                                  • •
                │                  •                              •
            0.6 ┤     •       •             ◦
                │
            0.4 ┤
                │                                                     x
                └┬─────────────────┬─────────────────┬─────────────────┬
                 0.0001          0.001              0.01             0.1
            • succeeded  ◦ stopped early  x failed · y: acc · x: lr (lo…
            """)
    }

    @Test func categoricalSliceGolden() {
        let lines = JobPlot.slice(Self.demo, param: Self.activation).render(width: 48, height: 10)
        Self.dump("slice-activation", lines)
        Self.expectLines(
            lines,
            """
            job demo · MAXIMIZE acc · best 0.91 (trial 9) ·…
              1 ┤
                │       •             •
                │       •             •
                │       •                           •
            0.5 ┤       ◦
                │                                   x
                └───────┬─────────────┬─────────────┬───────
                       relu          tanh        sigmoid
            • succeeded  ◦ stopped early  x failed · y: acc…
            """)
    }

    @Test func minimizeStepsDown() {
        let job = Self.job([Trial(value: 5), Trial(value: 3), Trial(value: 4), Trial(value: 1)], goal: .minimize)
        let lines = JobPlot.history(job).render(width: 60, height: 10)
        Self.dump("minimize", lines)
        #expect(lines.joined().contains("┐"), "\(lines.joined(separator: "\n"))")
        #expect(!lines.joined().contains("┘"))
        #expect(lines[0].hasPrefix("job demo · MINIMIZE acc · best 1.0 (trial 4)"))
    }

    @Test func nothingToPlot() {
        let empty = Self.job([])
        #expect(JobPlot.nothingToPlot(empty) == "no succeeded trial: nothing to plot (job demo: 0 trials: 0 succeeded)")
        let failed = Self.job([Trial(state: .failed), Trial(state: .failed), Trial(state: .running)])
        #expect(JobPlot.nothingToPlot(failed) == "no succeeded trial: nothing to plot (job demo: 3 trials: 0 succeeded, 2 failed, 1 unfinished)")
        #expect(JobPlot.nothingToPlot(Self.demo) == nil)
    }

    @Test func degenerateShapesKeepTheirSize() {
        let one = Self.job([Trial(value: 0.5)])
        let constant = Self.job((1...7).map { _ in Trial(value: 2) })
        let negative = Self.job([Trial(value: -3), Trial(value: 0), Trial(value: -1e-9)])
        for (name, job) in [("one", one), ("constant", constant), ("negative", negative)] {
            for (width, height) in [(30, 8), (80, 20), (10, 3)] {
                let lines = JobPlot.history(job).render(width: width, height: height)
                Self.dump("\(name)-\(width)", lines)
                #expect(lines.count == max(height, 8), "\(name): \(lines.joined(separator: "\n"))")
                #expect(lines.allSatisfy { $0.count <= max(width, 30) }, "\(name): \(lines.joined(separator: "\n"))")
                #expect(lines.joined().contains("•"), "\(name)")
            }
        }
        // A constant objective gets an axis around it.
        let lines = JobPlot.history(constant).render(width: 40, height: 10)
        #expect(lines.contains { $0.hasPrefix("2 ┤") || $0.contains(" 2 ┤") }, "\(lines.joined(separator: "\n"))")
    }

    @Test func tenThousandTrialsBinIntoColumns() {
        var trials: [Trial] = []
        for i in 0..<10_000 { trials.append(i % 97 == 0 ? Trial(state: .failed) : Trial(value: Double((i * 7919) % 1000) / 1000)) }
        let lines = JobPlot.history(Self.job(trials)).render(width: 80, height: 20)
        Self.dump("many", lines)
        #expect(lines.count == 20)
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(lines[lines.count - 2].contains("10k"), "\(lines.joined(separator: "\n"))")
        #expect(lines[0].contains("10000 trials"))
    }

    @Test func logAxisWhenObjectivesSpanDecades() {
        let job = Self.job([Trial(value: 2e-5), Trial(value: 0.3), Trial(value: 40), Trial(value: 1e-3)], goal: .minimize)
        let lines = JobPlot.history(job).render(width: 50, height: 12)
        Self.dump("logy", lines)
        #expect(lines.last?.contains("y: acc (log)") == true, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.contains("1e-5 ┤") }, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.contains(" 10 ┤") }, "\(lines.joined(separator: "\n"))")
        // Asked for but impossible (a value ≤ 0): linear, and the legend says why.
        let mixed = Self.job([Trial(value: -1), Trial(value: 3)])
        #expect(JobPlot.history(mixed, logY: true).render(width: 80, height: 10).last?.contains("y: acc (linear: not every value > 0)") == true)
        #expect(!JobPlot.wantsLogY(Self.demo, requested: false))
        #expect(JobPlot.wantsLogY(Self.demo, requested: true))
    }

    @Test func niceTicksAndLabels() {
        #expect(NiceTicks.label(1500) == "1.5k")
        #expect(NiceTicks.label(2_000_000) == "2M")
        #expect(NiceTicks.label(3e20) == "3e20")
        #expect(NiceTicks.label(0.00002) == "2e-5")
        #expect(NiceTicks.label(0.001) == "0.001")
        #expect(NiceTicks.label(0.25, step: 0.25) == "0.25")
        #expect(NiceTicks.label(0.5, step: 0.25) == "0.5")
        #expect(NiceTicks.label(-12, step: 2) == "-12")
        let axis = NiceTicks.linear(0.72, 0.95, count: 4)
        #expect(axis.step == 0.05)
        #expect(abs(axis.low - 0.7) < 1e-12 && abs(axis.high - 0.95) < 1e-12)
        #expect(axis.ticks.count == 6)
        let log = NiceTicks.logarithmic(3e-4, 20, count: 8)
        #expect(log.ticks == [1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100])
        #expect(NiceTicks.logarithmic(1e-9, 1e9, count: 4).ticks.count <= 5)
        #expect(NiceTicks.linear(5, 5, count: 4).ticks.contains(5))
    }
}
