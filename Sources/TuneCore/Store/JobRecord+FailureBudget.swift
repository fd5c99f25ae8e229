extension JobRecord {
    /// Why the job must stop launching because of failures, if it must.
    ///
    /// With `maxFailedTrials: N`, the job fails once N trials have failed — Cloud ML's meaning,
    /// "the number of failed trials that need to be seen before failing the job". Without it, the
    /// job fails early when its first trials (3, or maxTrials if fewer) all failed — a broken
    /// script should not burn the whole budget — and otherwise runs on.
    public var failureBudgetExceeded: String? {
        let failed = count(.failed)
        if let allowed = spec.maxFailedTrials {
            return failed >= allowed ? "\(failed) trial\(failed == 1 ? "" : "s") failed, reaching maxFailedTrials (\(allowed))" : nil
        }
        let firstFew = min(3, spec.maxTrials)
        if count(.succeeded) == 0 && failed >= firstFew {
            return failed == 1 ? "the first trial failed" : "the first \(failed) trials all failed"
        }
        return nil
    }
}
