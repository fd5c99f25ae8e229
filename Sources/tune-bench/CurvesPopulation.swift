import Foundation

/// Mode (p) of `tune-bench curves`: population-based training over the same space, with
/// `curve-trial --state` (each interval continues the accuracy reached, whatever trained it), at
/// `populationSize` × 27 epochs — with the default population of `configs` members, the epochs of
/// the baseline (a). A PBT pick is a schedule: its true value is the noiseless accuracy after
/// training along the schedule in its JSON (`CurveProblem.trueValue(schedule:)`), so on a family
/// whose best setting changes during training (`schedule`) it can beat every constant
/// configuration, and its regret against (a)'s best constant can be negative.
extension CurvesBenchmark {
    static func populationConfig(_ options: Options) -> [String] {
        let members = options.population ?? options.configs
        return [
            "  algorithm: PBT", "  resourceParameter: epochs", "  maxResource: \(maxResource)",
            "  perturbationInterval: \(options.perturbationInterval)", "  populationSize: \(members)",
        ]
    }

    /// The true value after the schedule of a PBT trial's JSON; nil when a step's configuration is unreadable.
    static func scheduleValue(_ trial: TrialJSON, _ problem: CurveProblem) -> Double? {
        guard let steps = trial.schedule, !steps.isEmpty else { return nil }
        var schedule: [(CurveProblem.Configuration, Int)] = []
        for step in steps {
            let h = step.hyperparameters
            guard let c = CurveProblem.Configuration(lr: h["lr"], width: h["width"], optimizer: h["optimizer"]) else { return nil }
            schedule.append((c, step.to - step.from))
        }
        return problem.trueValue(schedule: schedule)
    }

    static func analyzePopulation(_ outputs: [TrialJSON], variant: Variant, options: Options, baseline: Baseline?, wall: Double, job: String) -> Run {
        var run = Run(variant: variant, seed: 0)
        run.wall = wall
        run.trials = outputs.count
        var notes: [String] = []
        let dates = trialDates
        var members = Set<Int>()
        for t in outputs {
            run.trialSeconds += t.seconds(dates)
            if let member = t.member { members.insert(member) } else { notes.append("trial \(t.trialId) has no `member` key") }
            if t.state != "SUCCEEDED" {
                run.failed += 1
                notes.append("trial \(t.trialId) \(t.state): \(t.failureReason ?? "no reason")")
            }
            // Epochs trained: the interval's span (a continued interval reports only its new epochs).
            if let steps = t.schedule, let last = steps.last { run.epochs += last.to - last.from }
            if t.state == "SUCCEEDED", let budget = t.budget, t.finalMetric?.trainingStep != budget {
                notes.append("trial \(t.trialId): budget \(budget) but its last step is \(t.finalMetric?.trainingStep.map(String.init) ?? "?")")
            }
        }
        run.configurations = members.count
        let finals = outputs.filter { $0.state == "SUCCEEDED" && $0.budget == maxResource }
        if let pick = outputs.first(where: { $0.state == "SUCCEEDED" }) {
            run.pickConfiguration = pick.member ?? 0
            run.pickBudget = pick.budget
            run.pickObserved = pick.finalMetric?.objectiveValue ?? .nan
            run.pickTrue = scheduleValue(pick, options.problem) ?? .nan
            if pick.budget != maxResource { notes.append("the first SUCCEEDED entry has budget \(pick.budget.map(String.init) ?? "?"), not \(maxResource)") }
        }
        let values = finals.compactMap { t in scheduleValue(t, options.problem).map { (t.member ?? 0, $0) } }
        if let best = values.max(by: { $0.1 < $1.1 }) {
            run.bestConfiguration = best.0
            run.bestTrue = best.1
        }
        run.hopelessRunToEnd = values.filter { $0.1 < hopeless }.count
        if let baseline { run.regret = baseline.bestTrue - run.pickTrue }
        run.notes = notes.map { "\(job): \($0)" }
        return run
    }
}
