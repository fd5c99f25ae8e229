import Foundation

extension TuningRun {
    /// Fills trial `id`'s checkpoint folder with a copy of trial `source`'s before an attempt (PBT:
    /// a member's next interval starts from its own or a better member's checkpoint). Whatever an
    /// earlier attempt left there is replaced, so every attempt starts from the same checkpoint.
    /// The error is the trial's failure reason.
    func startCheckpoint(of id: Int, at folder: String, from source: Int) throws(LaunchError) {
        let origin = store.checkpointDirectory(job.id, key: source)
        let manager = FileManager.default
        do {
            if manager.fileExists(atPath: folder) { try manager.removeItem(atPath: folder) }
        } catch {
            throw LaunchError("cannot clear \(folder) for trial \(source)'s checkpoint: \(error.localizedDescription)")
        }
        guard manager.fileExists(atPath: origin) else {
            // Trial `source`'s folder was removed as spent, or never made: the trial starts from nothing.
            try? manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            noteOnce("trial \(id): trial \(source)'s checkpoint folder \(origin) is gone: it trains from scratch")
            return
        }
        do {
            let skipped = try FolderCopy.copy(origin, to: folder)
            if !skipped.isEmpty { reporter.note("trial \(id): not copied from trial \(source)'s checkpoint (not regular files): \(skipped.joined(separator: ", "))") }
        } catch {
            throw LaunchError("cannot copy trial \(source)'s checkpoint \(origin) to \(folder): \(error.description)")
        }
        if (try? manager.contentsOfDirectory(atPath: folder).isEmpty) ?? true {
            noteOnce(
                "trial \(source) left nothing in $TUNE_CHECKPOINT_DIR, so trial \(id) trains from scratch: a trainer under PBT should save its checkpoint there and load it when it starts"
            )
        }
    }

    /// Removes the checkpoint folders the scheduler says no later run starts from (PBT's earlier
    /// generations), so a population of large models does not fill the disk. Failures are ignored:
    /// the folder is only disk space.
    func removeSpentCheckpoints() {
        for id in scheduler.spentCheckpoints(job: job) where removedCheckpoints.insert(id).inserted {
            let folder = store.checkpointDirectory(job.id, key: id)
            if FileManager.default.fileExists(atPath: folder) { try? FileManager.default.removeItem(atPath: folder) }
        }
    }
}
