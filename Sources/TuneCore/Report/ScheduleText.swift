/// A PBT trial's schedule as text lines (`tune status`, `tune run`'s summary): one line per
/// interval with the resource span, the member that trained it, its parameters, and the value
/// it ended with; an interval that began from another member's checkpoint is marked.
public enum ScheduleText {
    public static func lines(_ steps: [ScheduleStep], job: JobRecord) -> [String] {
        guard let population = job.spec.population else { return [] }
        let names = job.spec.params.map(\.name)
        let spans = steps.map { "\(population.resourceParameter) \($0.fromResource + 1)–\($0.toResource)" }
        let width = spans.map(\.count).max() ?? 0
        return steps.indices.map { index in
            let (step, span) = (steps[index], spans[index])
            let params = names.compactMap { name in step.parameters[name].map { "\(name)=\($0)" } }.joined(separator: " ")
            var line = span.padding(toLength: width, withPad: " ", startingAt: 0) + "  member \(step.member)  " + params
            if let value = step.value { line += "  → \(job.spec.metricTag)=\(MetricReading.display(value))" }
            if step.exploited, index > 0 {
                line += "  (exploit: continued member \(steps[index - 1].member)'s checkpoint, values perturbed)"
            }
            return line
        }
    }

    /// The heading line for the best member's schedule.
    public static func heading(_ trial: TrialRecord, job: JobRecord) -> String {
        let member = trial.population.map { "member \($0.member)" } ?? "trial \(trial.id)"
        return "the best model's schedule (\(member), trial \(trial.id)); tune collect \(job.id) writes it as schedule.json beside its checkpoint:"
    }
}
