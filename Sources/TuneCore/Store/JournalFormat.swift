/// The journal's format, recorded in its `job_created` event (`"format": 2`) so that every later
/// change is versioned. A tune reads every format up to its own; a job written in a newer one is
/// refused with a message, never half-read or changed.
///
/// | format | written by | what it added |
/// | --- | --- | --- |
/// | 1 | releases up to 4ac7447 (no `format` key) | |
/// | 2 | 1378230 and later (fixtures: releases/1378230) | the spec's `jobDir` and `perTrialWorkingDirectory`; `notes` on `trial_finished` (all optional, so format 1 reads as before) |
/// | 3 | 0b5f4ef (fixtures: releases/0b5f4ef) | every line ends with its checksum, `"crc":"xxxxxxxx"` (`JournalChecksum`); a job of format 1 or 2 resumed by this tune keeps its format and gets no checksums, so earlier tunes still read it; the `job_moved` event (a renamed or copied job folder, journaled when it is first resumed; an earlier tune skips it) |
/// | 4 | 7518f48 (fixtures: releases/7518f48) | conditional spaces and defaults: a parameter of the spec may carry `condition` (`parent`, `parentValues`) and `defaultValue`, and a trial's `parameters` hold only the parameters active at its point. A format-3 tune would read such a job as a flat space and miss values, so it refuses format 4 with its "newer tune" message; jobs of formats 1 to 3 load, list and resume as before, and keep their format when resumed |
/// | 5 | aaf6e66 (fixtures: releases/aaf6e66) | several objectives and safety metrics: the spec may carry `additionalObjectives` and `safetyMetrics`, and a `warm_start` event's trials `objectives` and `safetyValues`; job stop rules: the spec may carry `studyStopping`; enqueued points: the spec may carry `enqueued`; parameter delivery: the spec may carry `parameterStyle`; a grid run whole: `wholeGrid`; `tune confirm`'s repeats: a `trial_created` event may carry `repeat` (`of`, `seed`, `seedFlag`). A format-4 tune would rank such a job by its first metric alone, show unsafe trials as best, ignore its stop rules and enqueued points and pass `--name=value` flags, so it refuses format 5; jobs of formats 1 to 4 load, list and resume as before |
/// | 6 | this release | population-based training: the spec's `algorithm` may be `PBT` with `population` (its `PopulationSpec`), and a `trial_created` event may carry `population` (`member`, `interval`, `budget`, `parent`, `donor`); trials packed on GPUs: the spec may carry `trialsPerGPU`. A format-5 tune could not decode the algorithm, so it refuses format 6 with its "newer tune" message; jobs of formats 1 to 5 load, list and resume as before |
///
/// Tests/TuneCoreTests/Fixtures/journals holds a job of each earlier release; OldJournalTests
/// loads, lists and resumes them. Its releases/<commit>/ holds one job of each kind that a release
/// wrote (finished, cancelled, stopped trials, Hyperband, SIGKILLed, resumed with attempts):
/// releases/1378230 in format 2, releases/0b5f4ef in format 3 (checksummed lines),
/// releases/7518f48 in format 4 (with a conditional space with defaults as well), releases/aaf6e66
/// in format 5, made by
/// make_release_jobs.sh there. ReleaseJournalTests runs each of its tests on every release: it
/// loads, lists, reports and resumes them, checks that a resumed job keeps its format (the new
/// lines of a job of format 3 or 4 checksummed, a format-2 job's without), and that a newer
/// format is refused.
public enum JournalFormat {
    public static let current = 6
}
