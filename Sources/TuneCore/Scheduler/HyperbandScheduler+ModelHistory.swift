extension HyperbandScheduler {
    /// Each distinct configuration once, with its first trial's state and no objective: what
    /// `hyperbandSampler: RANDOM` shows the strategy (random search only avoids these points).
    func configurationHistory(job: JobRecord) -> [TrialObservation] {
        var seen = Set<Assignment>()
        var history: [TrialObservation] = []
        for trial in job.trials {
            if let assignment = trial.assignment, seen.insert(assignment).inserted {
                history.append(TrialObservation(trialId: trial.id, assignment: assignment, state: trial.state))
            }
        }
        return history
    }

    /// The completed runs of each rung, as promotion counts them (succeeded, not stopped, a
    /// finite objective): rung → configuration → its objective there (the last run, if retried).
    func rungResults(job: JobRecord) -> [Int: [Int: Double]] {
        var results: [Int: [Int: Double]] = [:]
        for trial in job.trials {
            guard let placement = trial.placement, trial.state == .succeeded, !trial.stoppedEarly,
                let value = trial.finalMetric?.value, value.isFinite
            else { continue }
            results[placement.rung, default: [:]][placement.configuration] = value
        }
        return results
    }

    /// The rung the model is fitted on: the highest with at least `minimumResults` completed runs
    /// (BOHB: the largest budget with enough observations, since longer runs rank configurations
    /// more truly); nil while no rung has that many.
    func modelRung(results: [Int: [Int: Double]]) -> Int? {
        let minimum = HyperbandModelStrategy.minimumResults(spec: spec)
        return results.filter { $0.value.count >= minimum }.keys.max()
    }

    /// What `hyperbandSampler: MODEL` shows the strategy: every distinct configuration once —
    /// succeeded with its objective at the model rung when it has one there; running while any run
    /// of it is in flight (so parallel proposals stay apart, as the Bayesian strategy treats running
    /// trials); failed if its run at that rung failed; otherwise cancelled, a point only never to
    /// repeat (its results at lower rungs measure something else). With no rung ready, the random
    /// sampler's history: the strategy then draws at random.
    func modelHistory(job: JobRecord) -> [TrialObservation] {
        let results = rungResults(job: job)
        guard let rung = modelRung(results: results), let measured = results[rung] else { return configurationHistory(job: job) }
        var inFlight = Set<Int>()
        var failed = Set<Int>()
        for trial in job.trials {
            guard let placement = trial.placement else { continue }
            if !trial.state.isFinished { inFlight.insert(placement.configuration) }
            if trial.state == .failed, placement.rung == rung { failed.insert(placement.configuration) }
        }
        var seen = Set<Assignment>()
        var history: [TrialObservation] = []
        for trial in job.trials {
            guard let assignment = trial.assignment, seen.insert(assignment).inserted else { continue }
            let configuration = trial.placement?.configuration
            var observation = TrialObservation(trialId: trial.id, assignment: assignment, state: .cancelled)
            if let configuration, let value = measured[configuration] {
                observation.state = .succeeded
                observation.objective = value
            } else if let configuration, inFlight.contains(configuration) {
                observation.state = .running
            } else if let configuration, failed.contains(configuration) {
                observation.state = .failed
            }
            history.append(observation)
        }
        return history
    }
}
