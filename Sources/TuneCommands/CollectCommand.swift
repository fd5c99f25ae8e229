import ArgumentParser
import Foundation
import TuneCore

/// `tune collect <job>`: copies chosen trials' folders out of the store.
struct CollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Copy trials' outputs out of the store: the best trial (default), all, or chosen ones.",
        discussion: """
            Each trial's folder (its output files, stdout.log, stderr.log) is copied to <to>/<job>-<trialId>, as R cloudml's \
            job_collect() names them. A destination folder that already exists (an earlier collect) is kept as it is, and the \
            other trials are copied; --overwrite replaces it. Symbolic links are copied as links, never followed. \
            In a population-based training job (algorithm: PBT) each trial's checkpoint folder is copied too, as \
            <to>/<job>-<trialId>/checkpoint, with schedule.json beside it: the hyperparameters each interval of its \
            training used, to replay the schedule in one plain run.
            """
    )

    @Argument(help: "The job name, or `latest`.", completion: JobNameCompletion.kind)
    var job: String = "latest"

    @Option(help: ArgumentHelp("best, pareto (the Pareto-optimal trials), all, or trial ids such as 3,7.", valueName: "which"))
    var trials: String = "best"

    @Option(help: ArgumentHelp("Where to copy them.", valueName: "dir"))
    var to: String = "runs"

    @Flag(help: "Replace destination folders that already exist.")
    var overwrite = false

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let record = try storeOptions.load(job)
        let chosen = try choose(from: record)
        // Before anything is created: never into the store (a trial's folder copied into itself), never over it.
        let store = storeOptions.jobStore
        // `--to .` is fine (it holds the store, but only <job>-<id> folders are written there).
        if let refusal = store.refusal(toWrite: to, option: "--to", orHolding: false) { throw CommandFailure.usage(refusal) }
        for trial in chosen {
            let destination = (to as NSString).appendingPathComponent("\(record.id)-\(trial.id)")
            if let refusal = store.refusal(toWrite: destination, option: "--to") { throw CommandFailure.usage(refusal) }
        }
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(atPath: to, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure.failed("cannot create \(to): \(error.localizedDescription)")
        }
        var copied = 0
        var kept = 0
        for trial in chosen {
            let source = storeOptions.jobStore.trialDirectory(record.id, trial: trial.id)
            let destination = (to as NSString).appendingPathComponent("\(record.id)-\(trial.id)")
            guard fileManager.fileExists(atPath: source) else {
                Console.note("trial \(trial.id) has no folder (it never started): skipped")
                continue
            }
            // lstat, not stat: a dangling link there is still something not to replace silently.
            var existing = stat()
            if lstat(destination, &existing) == 0 {
                guard overwrite else {
                    Console.note("\(destination) exists, kept as it is")
                    kept += 1
                    continue
                }
                try? fileManager.removeItem(atPath: destination)
            }
            do {
                let skipped = try FolderCopy.copy(source, to: destination)
                if !skipped.isEmpty {
                    Console.note(
                        "trial \(trial.id): not copied, as neither files nor folders nor links (FIFOs, sockets, devices): \(skipped.prefix(5).joined(separator: ", "))\(skipped.count > 5 ? " and \(skipped.count - 5) more" : "")"
                    )
                }
            } catch {
                throw CommandFailure.failed("cannot copy trial \(trial.id) to \(destination): \(error.description)")
            }
            if trial.population != nil { try collectPopulationModel(of: trial, in: record, to: destination) }
            let metric = record.objectivesText(of: trial).map { " (\($0))" } ?? " (\(trial.state.rawValue))"
            Console.out("trial \(trial.id)\(metric) → \(destination)")
            copied += 1
        }
        if kept > 0 {
            Console.note(
                "\(kept) destination folder\(kept == 1 ? "" : "s") already there \(kept == 1 ? "was" : "were") left unchanged: pass --overwrite to replace \(kept == 1 ? "it" : "them") with the store's copy"
            )
        }
        if copied == 0 && kept == 0 { throw CommandFailure.failed("nothing was copied") }
    }

    /// A PBT trial's model: its checkpoint folder as `checkpoint/` (when it is still kept: tune
    /// removes the snapshots of intervals every member has moved past) and `schedule.json`.
    private func collectPopulationModel(of trial: TrialRecord, in record: JobRecord, to destination: String) throws {
        let checkpoints = storeOptions.jobStore.checkpointDirectory(record.id, key: trial.id)
        let copy = (destination as NSString).appendingPathComponent("checkpoint")
        if FileManager.default.fileExists(atPath: checkpoints) {
            try? FileManager.default.removeItem(atPath: copy)
            do {
                _ = try FolderCopy.copy(checkpoints, to: copy)
            } catch {
                throw CommandFailure.failed("cannot copy trial \(trial.id)'s checkpoint to \(copy): \(error.description)")
            }
        } else {
            Console.note("trial \(trial.id)'s checkpoint is no longer kept (a later interval of every member succeeded): schedule.json only")
        }
        var schedule: [String: Any] = [
            "job": record.id, "trialId": String(trial.id), "metric": record.spec.metricTag,
            "resourceParameter": record.spec.population?.resourceParameter ?? "",
            "schedule": record.schedule(of: trial).map(TrialListing.scheduleEntry),
        ]
        if let lineage = trial.population { schedule["member"] = lineage.member }
        if let value = trial.finalMetric?.value { schedule["objectiveValue"] = TrialListing.jsonNumber(value) }
        let data = try JSONSerialization.data(withJSONObject: schedule, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let path = (destination as NSString).appendingPathComponent("schedule.json")
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure.failed("cannot write \(path): \(error.localizedDescription)")
        }
    }

    private func choose(from record: JobRecord) throws -> [TrialRecord] {
        switch trials.lowercased() {
        case "best":
            guard let best = record.bestTrial else {
                throw CommandFailure.failed("job \(record.id) has no successful trial, so there is no best one: use `--trials all` to collect every trial's output")
            }
            if record.spec.isMultiObjective {
                let front = record.paretoFront.count
                Console.note(
                    "several objectives: the best trial is the Pareto front's best on \(record.spec.metricTag); `--trials pareto` collects the whole front (\(front) trial\(front == 1 ? "" : "s"))"
                )
            }
            return [best]
        case "pareto":
            let front = record.paretoFront
            guard !front.isEmpty else {
                throw CommandFailure.failed(
                    "job \(record.id) has no \(record.spec.safety.isEmpty ? "" : "feasible ")successful trial, so no Pareto front: use `--trials all` to collect every trial's output"
                )
            }
            return front
        case "all":
            guard !record.trials.isEmpty else { throw CommandFailure.failed("job \(record.id) has no trials yet") }
            return record.trials
        default:
            return try TrialIdList.parse(trials, in: record, accepted: "best, pareto, all, or trial ids such as 3,7")
        }
    }
}
