import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Live progress on stderr: on a terminal one status line redrawn in place, with finished trials
/// printed above it; elsewhere (CI logs, files) plain lines, one per finished trial.
public final class ProgressReporter {
    private let isTerminal: Bool
    private let quiet: Bool
    private let startTime: Date
    private var lastDraw = Date.distantPast
    private var statusShown = false

    public init(quiet: Bool = false, isTerminal: Bool = isatty(STDERR_FILENO) == 1, startTime: Date = Date()) {
        self.quiet = quiet
        self.isTerminal = isTerminal
        self.startTime = startTime
    }

    /// A line for the user (`note: …`), above the status line.
    public func note(_ text: String) {
        emit("tune: " + text)
    }

    func trialStarted(_ trial: TrialRecord, job: JobRecord) {
        guard !isTerminal, !quiet else { return }
        var params = job.spec.params.compactMap { p in trial.parameters[p.name].map { "\(p.name)=\($0)" } }
        if let placement = trial.placement, let resource = job.spec.hyperband {
            params.append("\(resource.resourceParameter)=\(placement.budget) (configuration \(placement.configuration), rung \(placement.rung))")
        }
        if let lineage = trial.population, let population = job.spec.population {
            params.append(
                "\(population.resourceParameter)=\(lineage.budget) (member \(lineage.member), interval \(lineage.interval)"
                    + (lineage.donor.map { d in ", from trial \(d)'s checkpoint" } ?? "") + ")")
        }
        if let repeated = trial.repeatOf { params.append("(repeat of trial \(repeated.of), TUNE_SEED=\(repeated.seed))") }
        emit("tune: trial \(trial.id) \(trial.scheduler.map { "submitted to \($0.systemName)" } ?? "started"): \(params.joined(separator: " "))")
    }

    func trialFinished(_ trial: TrialRecord, job: JobRecord, running: Int) {
        guard !quiet else { return }
        var line = "tune: trial \(trial.id)\(trial.repeatOf.map { " (repeat of \($0.of), seed \($0.seed))" } ?? "") \(trial.state.rawValue)"
        if trial.stoppedEarly { line += " (stopped early)" }
        if let metric = trial.finalMetric {
            line += " \(job.spec.metricTag)=\(MetricReading.display(metric.value)) (step \(metric.step))"
        } else if let reason = trial.failureReason {
            line += ": \(reason)"
        }
        line += " · " + summary(job, running: running)
        emit(line)
    }

    /// Redraws the status line (terminal only, at most 5 times a second).
    func update(_ job: JobRecord, running: Int, force: Bool = false) {
        guard isTerminal, !quiet else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.2 else { return }
        lastDraw = now
        var line = "[tune] " + summary(job, running: running)
        let width = Int(Self.terminalWidth())
        if line.count > width - 1 { line = String(line.prefix(max(width - 2, 10))) + "…" }
        write("\r\u{1B}[K" + line)
        statusShown = true
    }

    /// Clears the status line before the final summary.
    public func finish() {
        if statusShown { write("\r\u{1B}[K") }
        statusShown = false
    }

    func summary(_ job: JobRecord, running: Int) -> String {
        let searched = job.searchTrials
        let done = searched.filter { $0.state.isFinished }.count
        var text = "\(done)/\(job.spec.plannedTrials) done, \(running) running, \(job.count(.failed)) failed"
        let repeats = job.trials.count - searched.count
        if repeats > 0 { text += " · repeats \(job.trials.filter { $0.repeatOf != nil && $0.state.isFinished }.count)/\(repeats) done" }
        if job.spec.isMultiObjective {
            text += " · front \(job.paretoFront.count)"
        } else if let best = job.bestTrial, let metric = best.finalMetric {
            text += " · best \(job.spec.metricTag)=\(MetricReading.display(metric.value)) (trial \(best.id))"
        }
        text += " · " + DurationText.format(Date().timeIntervalSince(startTime))
        return text
    }

    private func emit(_ line: String) {
        if isTerminal && statusShown { write("\r\u{1B}[K") }
        write(line + "\n")
        statusShown = false
    }

    private func write(_ text: String) {
        Console.draw(text)
    }

    private static func terminalWidth() -> UInt16 {
        TerminalWindow.size(of: STDERR_FILENO).map { UInt16(clamping: $0.columns) } ?? 100
    }
}
