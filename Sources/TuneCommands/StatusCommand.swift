import ArgumentParser
import Foundation
import TuneCore

/// `tune status <job>`: state, progress, best so far.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show a job's state, progress and best trial so far.")

    @Argument(help: "The job name, or `latest`.", completion: JobNameCompletion.kind)
    var job: String = "latest"

    @Flag(name: .shortAndLong, help: "Keep the view up to date until the job ends (same as `tune watch`).")
    var follow = false

    @Option(help: ArgumentHelp("With --follow: seconds between reads of the journal.", valueName: "seconds"))
    var interval: Double = 0.5

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws { try JobWatch.check(interval: interval) }

    func run() throws {
        let record = try storeOptions.load(job)
        if follow {
            try JobWatch(store: storeOptions.jobStore, job: record.id, interval: interval).run()
            return
        }
        for line in StatusView.lines(record, store: storeOptions.jobStore) { Console.out(line) }
    }
}

/// What `tune status` shows, as lines (`tune watch` redraws them).
enum StatusView {
    static func lines(_ record: JobRecord, store: JobStore, now: Date = Date()) -> [String] {
        let spec = record.spec
        var lines: [(String, String)] = []
        var state = JobView.state(of: record, store: store)
        if state == "RUNNING", let pid = store.runnerPid(record.id) { state += " (tune pid \(pid))" }
        if state == "INTERRUPTED" { state += " (tune exited without finishing it)" }
        if let reason = record.stateReason, record.state != .running { state += ": \(reason)" }
        lines.append(("job", record.id))
        lines.append(("state", state))
        lines.append(("command", record.header.command.map(ReproduceCommand.shellQuoted).joined(separator: " ")))
        lines.append(("config", "\(record.header.configPath) · \(spec.objectiveDescription) · \(record.header.strategy) · seed \(record.header.seed)"))
        if spec.launcherKind == .slurm, let launcher = spec.launcher { lines.append(("launcher", launcher.summary)) }
        if let rules = spec.studyStopping { lines.append(("stop rules", rules.describe(goal: spec.goal))) }
        let searched = record.searchTrials
        func count(_ state: TrialState, among trials: [TrialRecord]) -> Int { trials.filter { $0.state == state }.count }
        let finished = searched.filter { $0.state.isFinished }.count
        var progress = "\(finished)/\(spec.plannedTrials) trials finished: \(count(.succeeded, among: searched)) succeeded, \(count(.failed, among: searched)) failed"
        if count(.cancelled, among: searched) > 0 { progress += ", \(count(.cancelled, among: searched)) cancelled" }
        let repeats = record.trials.filter { $0.repeatOf != nil }
        if !repeats.isEmpty {
            progress += "; \(repeats.count) repeat\(repeats.count == 1 ? "" : "s") (tune confirm): \(count(.succeeded, among: repeats)) succeeded"
            if count(.failed, among: repeats) > 0 { progress += ", \(count(.failed, among: repeats)) failed" }
            if count(.cancelled, among: repeats) > 0 { progress += ", \(count(.cancelled, among: repeats)) cancelled" }
        }
        let running = record.trials.filter { $0.state == .running || $0.state == .pending }
        let waiting = running.filter(\.isWaitingForScheduler)
        let queued = waiting.count
        if running.count > queued && state.hasPrefix("RUNNING") { progress += ", \(running.count - queued) running" }
        if queued > 0 && state.hasPrefix("RUNNING") { progress += ", \(queued) pending in \(waiting.first?.scheduler?.systemName ?? "the queue")" }
        lines.append(("progress", progress))
        if spec.isMultiObjective {
            let front = record.paretoFront
            lines.append(
                (
                    "front",
                    front.isEmpty
                        ? "none yet"
                        : "\(front.count) trial\(front.count == 1 ? "" : "s"): \(front.prefix(12).map { String($0.id) }.joined(separator: ", "))\(front.count > 12 ? ", …" : "") (tune trials \(record.id) --pareto)"
                ))
        }
        if !spec.safety.isEmpty {
            let checked = record.trials.compactMap(record.safetyCheck(of:))
            var text = "\(checked.filter(\.isSafe).count) of \(checked.count) succeeded trials within \(spec.safety.map(\.boundText).joined(separator: " and "))"
            if let desired = spec.safety.compactMap(\.desiredMinSafeTrialsFraction).max() { text += " (desired: at least \(Int((desired * 100).rounded()))%)" }
            lines.append(("safe", text))
        }
        if let best = record.bestTrial, let metric = best.finalMetric, let values = record.objectivesText(of: best) {
            let params = spec.params.compactMap { p in best.parameters[p.name].map { "\(p.name)=\($0)" } }.joined(separator: " ")
            lines.append((spec.isMultiObjective ? "best \(spec.metricTag)" : "best", "trial \(best.id): \(values) (step \(metric.step)) · \(params)"))
            let shown = Set(spec.objectives.map(\.metricTag))
            let others = record.finalMeasurement(of: best).metrics.dropFirst().filter { !shown.contains($0.tag) }
            if !others.isEmpty {
                lines.append(("metrics", others.map { "\($0.tag)=\(MetricReading.display($0.value)) (step \($0.step))" }.joined(separator: " · ")))
            }
        } else {
            lines.append(("best", "none yet"))
        }
        if state.hasPrefix("RUNNING") {
            for trial in running {
                var text = "trial \(trial.id)"
                if let start = trial.startTime { text += ", \(DurationText.format(now.timeIntervalSince(start)))" }
                if let scheduler = trial.scheduler { text += ", \(scheduler.summary)" }
                if let gpus = trial.gpus {
                    text += ", GPU\(gpus.count == 1 ? "" : "s") \(gpus.joined(separator: ","))"
                    // trialsPerGPU: the trials it shares its GPU with.
                    let neighbours = running.filter { $0.id != trial.id && !Set($0.gpus ?? []).isDisjoint(with: gpus) }.map { String($0.id) }
                    if !neighbours.isEmpty { text += " (shared with trial\(neighbours.count == 1 ? "" : "s") \(neighbours.joined(separator: ", ")))" }
                }
                if let latest = trial.readings(ofMetric: spec.metricTag).last {
                    text += ", \(latest.tag)=\(MetricReading.display(latest.value)) at step \(latest.step)"
                }
                if trial.startTime == nil, spec.trialsPerGPU != nil, trial.ranOutOfGPUMemory {
                    lines.append(("waiting", text + ", for a GPU with fewer trials (its last attempt ran out of GPU memory)"))
                    continue
                }
                lines.append((trial.isWaitingForScheduler ? "pending" : "running", text))
            }
        }
        let stopped = record.trials.filter(\.stoppedEarly).count
        if let savings = record.trialTimeSavings {
            let share = savings.used + savings.saved > 0 ? Int((100 * savings.saved / (savings.used + savings.saved)).rounded()) : 0
            var text = "≈ \(DurationText.format(savings.saved)) of trial time saved (\(share)%), \(DurationText.format(savings.used)) used"
            if spec.hyperband == nil { text = "\(stopped) trial\(stopped == 1 ? "" : "s") stopped early; " + text }
            lines.append(("saved", text + " — estimated \(savings.method)"))
        }
        if let resource = spec.hyperband {
            let budgets = resource.rungBudgets
            let counts = budgets.indices.map { rung in record.trials.filter { $0.placement?.rung == rung }.count }
            let configurations = Set(record.trials.compactMap { $0.placement?.configuration }).count
            let rungs = zip(budgets, counts).map { "\($1) at \($0)" }.joined(separator: ", ")
            lines.append(("hyperband", "\(configurations) configurations; runs by \(resource.resourceParameter): \(rungs)"))
        }
        if let population = spec.population {
            let members = record.populationMembers
            let exploits = record.trials.filter { $0.population?.donor != nil }.count
            let reached = members.values.map { $0.filter { $0.state == .succeeded }.count }.min() ?? 0
            lines.append(
                (
                    "population",
                    "\(members.count) of \(population.populationSize) members started; every member through interval \(reached) of \(population.intervals) (\(population.perturbationInterval) \(population.resourceParameter) each); \(exploits) exploit\(exploits == 1 ? "" : "s") so far"
                ))
            if let schedule = record.bestSchedule {
                lines.append(("schedule", ScheduleText.heading(schedule.trial, job: record)))
                lines += ScheduleText.lines(schedule.steps, job: record).map { ("", "  " + $0) }
            }
        }
        let confirmation = ConfirmationTable.lines(record)
        if !confirmation.isEmpty {
            lines.append(("confirmed", "\(record.confirmations.count) configuration\(record.confirmations.count == 1 ? "" : "s") re-run with other seeds (tune confirm):"))
            lines += confirmation.map { ("", "  " + $0) }
        }
        if let from = record.warmStartJob {
            lines.append(("warm start", "\(record.priorTrials.count) trials of job \(from)"))
        }
        let reruns = record.trials.filter { $0.attempt > 1 }
        if !reruns.isEmpty {
            lines.append(("re-run", reruns.map { "trial \($0.id) (attempt \($0.attempt))" }.joined(separator: ", ")))
        }
        if state.hasPrefix("INTERRUPTED") || record.state == .cancelled {
            lines.append(("next", "tune resume \(record.id)"))
        }
        let end = record.endTime ?? now
        lines.append(("elapsed", DurationText.format(end.timeIntervalSince(record.header.createTime))))
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { key, value in key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value }
    }
}
