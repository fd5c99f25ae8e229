/// Chooses a trial's objective among its readings of the spec's metric tag.
public enum ObjectiveSelection {
    /// The objective among the readings of `tag`.
    ///
    /// - `LAST_MEASUREMENT`: the reading with the largest step (ties: the later one in the array).
    ///   A NaN there is returned as is: the caller fails the trial.
    /// - `BEST_MEASUREMENT`: the best value by `goal` (ties: the earlier step, then the earlier one
    ///   in the array); NaN readings are ignored. When every reading is NaN, the last one (as for
    ///   LAST) is returned so that the caller sees the NaN.
    ///
    /// nil when there is no reading of `tag`.
    public static func select(from readings: [MetricReading], tag: String, goal: Goal, selection: MeasurementSelection) -> MetricReading? {
        switch selection {
        case .last:
            return last(of: readings, tag: tag)
        case .best:
            var best: MetricReading?
            for reading in readings where reading.tag == tag && !reading.value.isNaN {
                guard let current = best else {
                    best = reading
                    continue
                }
                if goal.isBetter(reading.value, than: current.value)
                    || (reading.value == current.value && reading.step < current.step)
                {
                    best = reading
                }
            }
            return best ?? last(of: readings, tag: tag)
        }
    }

    /// The reading of another metric in the measurement the objective was taken from:
    /// - `LAST_MEASUREMENT`: its reading at its largest step;
    /// - `BEST_MEASUREMENT`: its last reading at or before `objectiveStep` (the objective's best
    ///   step), or its reading at its largest step when it has none there.
    public static func companion(
        from readings: [MetricReading], tag: String, selection: MeasurementSelection, objectiveStep: Int?
    ) -> MetricReading? {
        let atLargestStep = last(of: readings, tag: tag)
        guard selection == .best, let objectiveStep else { return atLargestStep }
        return readings.last { $0.tag == tag && $0.step <= objectiveStep } ?? atLargestStep
    }

    private static func last(of readings: [MetricReading], tag: String) -> MetricReading? {
        var last: MetricReading?
        for reading in readings where reading.tag == tag {
            if let current = last, reading.step < current.step { continue }
            last = reading
        }
        return last
    }
}
