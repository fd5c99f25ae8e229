import Foundation

/// The checks that find events contradicting the ones before them — the only sign of damage in
/// a journal without checksums (formats 1 and 2), and a second line of defence in format 3.
struct JournalStructure {
    /// One trial as far as the checks follow it.
    private struct Trial {
        var attempt = 1
        var started = false
        /// The line of the current attempt's end, if it ended.
        var endLine: Int?
    }

    private var trials: [Int: Trial] = [:]
    private var lastCreated = 0
    /// The `trial_created` lines that fit: the longest run of them whose ids increase. The others
    /// are damaged (one changed digit: trial 5 read as 9, or 7 read as 2).
    private let fittingCreations: Set<Int>

    init(lines: [JournalLines.Line]) {
        var candidates: [(index: Int, id: Int)] = []
        for (index, line) in lines.enumerated() where line.checksum != .mismatch {
            if case .trialCreated(let id, _, _, _, _, _)? = line.event, id >= 1 { candidates.append((index, id)) }
        }
        fittingCreations = Self.longestIncreasing(candidates)
    }

    /// The indices of a longest subsequence of `items` with strictly increasing ids (patience sorting).
    static func longestIncreasing(_ items: [(index: Int, id: Int)]) -> Set<Int> {
        var tails: [Int] = []  // position in items of the smallest tail of each length
        var previous = Array(repeating: -1, count: items.count)
        for (k, item) in items.enumerated() {
            var low = 0
            var high = tails.count
            while low < high {
                let mid = (low + high) / 2
                if items[tails[mid]].id < item.id { low = mid + 1 } else { high = mid }
            }
            if low > 0 { previous[k] = tails[low - 1] }
            if low == tails.count { tails.append(k) } else { tails[low] = k }
        }
        var chosen = Set<Int>()
        var k = tails.last ?? -1
        while k >= 0 {
            chosen.insert(items[k].index)
            k = previous[k]
        }
        return chosen
    }

    struct Contradiction {
        var what: String
        var affects: String
    }

    /// nil when `event` fits the events before it (and is then taken into account), else what is wrong.
    mutating func contradiction(_ event: JournalEvent, at index: Int, line: Int) -> Contradiction? {
        // Most lines of a big journal: readings, which need only their trial to exist.
        if case .metrics(let id, _) = event {
            return trials[id] != nil ? nil : Contradiction(what: "an event for trial \(id), which was never created", affects: About(event).lost)
        }
        let about = About(event)
        switch event {
        case .jobCreated:
            return Contradiction(what: "a second job header", affects: "it is left out")
        case .trialCreated(let id, _, _, _, _, _):
            if trials[id] != nil {
                return Contradiction(what: "trial \(id) is created a second time", affects: "the trial this line created is lost")
            }
            if !fittingCreations.contains(index) || id <= lastCreated {
                return Contradiction(what: "trial \(id) is created out of sequence, after trial \(lastCreated)", affects: "the trial this line created is lost")
            }
            trials[id] = Trial()
            lastCreated = id
            return nil
        default:
            break
        }
        guard let id = about.trial else { return nil }
        guard var trial = trials[id] else {
            return Contradiction(what: "an event for trial \(id), which was never created", affects: about.lost)
        }
        defer { trials[id] = trial }
        switch event {
        case .trialStarted:
            if let ended = trial.endLine {
                return Contradiction(what: "a start of trial \(id) after its end (line \(ended))", affects: about.lost)
            }
            trial.started = true
        case .trialFinished:
            if let ended = trial.endLine {
                return Contradiction(what: "a second end of trial \(id) (it ended at line \(ended))", affects: about.lost)
            }
            trial.endLine = line
        case .trialRerun(let rerun):
            if rerun.attempt != trial.attempt + 1 {
                return Contradiction(what: "trial \(id)'s attempt \(rerun.attempt) follows attempt \(trial.attempt)", affects: about.lost)
            }
            trial = Trial(attempt: rerun.attempt)
        default:
            break
        }
        return nil
    }

    /// What a line was about, to say what its loss takes with it.
    struct About {
        var kind: String?
        var trial: Int?

        init(_ event: JournalEvent) {
            switch event {
            case .jobCreated: kind = "job_created"
            case .trialCreated(let id, _, _, _, _, _): (kind, trial) = ("trial_created", id)
            case .trialStarted(let id, _, _, _): (kind, trial) = ("trial_started", id)
            case .metrics(let id, _): (kind, trial) = ("metrics", id)
            case .trialFinished(let outcome): (kind, trial) = ("trial_finished", outcome.trial)
            case .jobStateChanged: kind = "job_state"
            case .trialRerun(let rerun): (kind, trial) = ("trial_rerun", rerun.trial)
            case .budgetChanged: kind = "job_budget"
            case .warmStart: kind = "warm_start"
            case .trialScheduled(let id, _, _): (kind, trial) = ("trial_scheduled", id)
            case .jobMoved: kind = "job_moved"
            }
        }

        /// From an unreadable line: its `"event":"…"` and `"trial":N`, where they can be made out.
        init(guessingFrom bytes: Data) {
            let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
            kind = Self.capture(in: text, after: "event\":\"", allowed: { $0.isLetter || $0 == "_" })
            trial = Self.capture(in: text, after: "trial\":", allowed: { $0.isNumber }).flatMap { Int($0) }
        }

        private static func capture(in text: String, after marker: String, allowed: (Character) -> Bool) -> String? {
            guard let range = text.range(of: marker) else { return nil }
            let value = text[range.upperBound...].prefix(while: allowed)
            return value.isEmpty || value.count > 40 ? nil : String(value)
        }

        var isTrialEnd: Bool { kind == "trial_finished" }

        /// "trial 5's end is lost"
        var lost: String {
            let of = trial.map { "trial \($0)'s " } ?? "a trial's "
            switch kind {
            case "job_created": return "a job header is lost"
            case "trial_created": return trial.map { "trial \($0)'s creation is lost" } ?? "a trial's creation is lost"
            case "trial_started": return of + "start is lost"
            case "metrics": return of + "readings on this line are lost"
            case "trial_finished": return of + "end is lost"
            case "job_state": return "a change of the job's state is lost"
            case "trial_rerun": return of + "new attempt is lost"
            case "job_budget": return "a change of the job's budget (--max-trials) is lost"
            case "warm_start": return "the warm start's trials are lost"
            case "trial_scheduled": return of + "queue status is lost"
            case "job_moved": return "a rename of the job's folder is lost (said again at the next resume)"
            default: return trial.map { "an event of trial \($0) is lost" } ?? "what the line held is unknown"
            }
        }
    }
}
