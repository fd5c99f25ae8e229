import TuneCore

/// `--trials 3,7`: trial ids of a job, each checked to exist.
enum TrialIdList {
    static func parse(_ text: String, in record: JobRecord, accepted: String) throws -> [TrialRecord] {
        var chosen: [TrialRecord] = []
        for part in text.split(separator: ",") {
            let word = part.trimmingCharacters(in: .whitespaces)
            guard let id = Int(word) else {
                throw CommandFailure.usage("--trials takes \(accepted); got '\(text)'")
            }
            guard let trial = record.trial(id) else {
                let range = record.trials.isEmpty ? "it has no trials yet" : "its trials are 1…\(record.trials.last!.id)"
                throw CommandFailure.usage("job \(record.id) has no trial \(id): \(range)")
            }
            if !chosen.contains(where: { $0.id == id }) { chosen.append(trial) }
        }
        guard !chosen.isEmpty else { throw CommandFailure.usage("--trials is empty: give \(accepted)") }
        return chosen
    }
}
