extension JobRecord {
    /// What strategies see: the warm-start trials of an earlier job (with negative ids), then this
    /// job's (not `tune confirm`'s repeats: their configuration is there already), from the typed values decoded when the journal was read (nothing is parsed again).
    public var observations: [TrialObservation] {
        let prior = zip(priorTrials, priorAssignments).compactMap { trial, assignment -> TrialObservation? in
            guard let assignment else { return nil }
            let succeeded = trial.state == .succeeded
            return TrialObservation(
                trialId: -trial.trial, assignment: assignment, state: trial.state,
                objective: succeeded ? trial.objective : nil,
                objectives: succeeded && spec.isMultiObjective ? trial.objectives : nil,
                safetyValues: succeeded && !spec.safety.isEmpty ? trial.safetyValues ?? spec.safety.map { _ in nil } : nil)
        }
        // Built only when a trial was stopped early: it reads every completed trial's curve, and
        // strategies ask for observations at every proposal.
        let stopped = trials.contains(where: \.stoppedEarly) ? StoppedTrialValues(job: self) : nil
        return prior
            + searchTrials.compactMap { trial in
                guard let assignment = trial.assignment else { return nil }
                var objective = trial.state == .succeeded ? trial.finalMetric?.value : nil
                if trial.stoppedEarly, objective != nil, let stopped { objective = stopped.value(for: trial) }
                var objectives = spec.isMultiObjective ? objectiveValues(of: trial) : nil
                if let value = objective, objectives != nil { objectives?[0] = value }
                return TrialObservation(
                    trialId: trial.id, assignment: assignment, state: trial.state, objective: objective, objectives: objectives,
                    safetyValues: safetyCheck(of: trial)?.values)
            }
    }
}
