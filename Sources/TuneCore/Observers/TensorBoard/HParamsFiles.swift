import Foundation

/// Where the HParams summaries of a job lie, so that `tensorboard --logdir <store>/<job>` (or the
/// whole store) shows them with every trial's own curves:
///
/// - the experiment: `<job>/events.out.tfevents.<created>.tune-hparams` (the job folder's run);
/// - each trial's session: `<job>/trials/<id>/events.out.tfevents.<started>.tune-hparams`. The
///   session is the trial folder's run (`trials/3`); the trial's own event files lie in it or in
///   folders below it (`trials/3/logs`), where the plugin looks for a session's metrics.
///
/// The names end in `.tune-hparams`, which tune's own reading of a trial's event files passes
/// over (`EventFileFinder`): they are not the trial's readings.
enum HParamsFiles {
    static let suffix = EventFileFinder.tuneSuffix

    static func name(time: Date) -> String {
        EventFileFinder.namePrefix + String(Int(time.timeIntervalSince1970.rounded(.down))) + suffix
    }

    static func experiment(_ job: JobRecord, store: JobStore) -> String {
        store.jobDirectory(job.id) + "/" + name(time: job.header.createTime)
    }

    static func session(_ trial: TrialRecord, job: JobRecord, store: JobStore) -> String {
        store.trialDirectory(job.id, trial: trial.id) + "/" + name(time: trial.startTime ?? trial.createTime)
    }

    /// Whether a file name is one of these.
    static func isHParamsFile(_ name: String) -> Bool {
        name.hasPrefix(EventFileFinder.namePrefix) && name.hasSuffix(suffix)
    }

    /// Removes the HParams files directly in `folder`, but `keeping` (a name).
    static func remove(in folder: String, keeping: String? = nil) {
        for entry in DirectoryEntries.list(folder) ?? [] where isHParamsFile(entry.name) && entry.name != keeping {
            unlink(folder + "/" + entry.name)
        }
    }
}
