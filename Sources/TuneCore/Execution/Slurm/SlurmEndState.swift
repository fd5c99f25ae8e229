/// How Slurm ended a trial, from `scontrol show job`'s JobState (while Slurm remembers the job)
/// or from the lines `srun` and `slurmstepd` wrote on the trial's stderr (always, and the only
/// record for job steps). nil: Slurm did not end it; the trial's own exit and metrics decide.
enum SlurmEndState {
    static func judge(state: String, reason: String?, settings: SlurmSettings, node: String?) -> SchedulerEnd? {
        switch state {
        case "TIMEOUT": return timeLimit(settings)
        case "PREEMPTED": return preempted
        case "NODE_FAIL": return nodeFailure(node, detail: reason.flatMap { $0 == "None" ? nil : $0 })
        case "BOOT_FAIL":
            return SchedulerEnd(reason: "its Slurm node\(node.map { " \($0)" } ?? "") failed to boot (BOOT_FAIL)", isInfrastructure: true)
        case "OUT_OF_MEMORY": return outOfMemory(settings)
        case "DEADLINE": return SchedulerEnd(reason: "Slurm ended it at its deadline (DEADLINE)")
        case "CANCELLED": return cancelledOutside
        default: return nil
        }
    }

    static func judge(lines: [String], settings: SlurmSettings, node: String?) -> SchedulerEnd? {
        let text = lines.joined(separator: "\n").lowercased()
        if text.contains("due to time limit") { return timeLimit(settings) }
        if text.contains("due to preemption") { return preempted }
        if text.contains("node failure") || text.contains("due to node fail") { return nodeFailure(node, detail: nil) }
        if text.contains("out of memory") || text.contains("oom-kill") || text.contains("oom_kill") { return outOfMemory(settings) }
        if text.contains("cancelled at") || text.contains("job has been cancelled") { return cancelledOutside }
        return nil
    }

    static func timeLimit(_ settings: SlurmSettings) -> SchedulerEnd {
        let limit = settings.timeLimitMinutes.map { " of \($0) min (launcher.time)" } ?? " (the partition's default limit; set launcher.time)"
        return SchedulerEnd(reason: "Slurm ended it at its time limit\(limit) — raise launcher.time, or train for less")
    }

    static let preempted = SchedulerEnd(reason: "preempted by Slurm (a higher-priority job took its resources)", isInfrastructure: true)

    static func nodeFailure(_ node: String?, detail: String?) -> SchedulerEnd {
        SchedulerEnd(reason: "its Slurm node\(node.map { " \($0)" } ?? "") failed (NODE_FAIL\(detail.map { ", \($0)" } ?? ""))", isInfrastructure: true)
    }

    static func outOfMemory(_ settings: SlurmSettings) -> SchedulerEnd {
        let limit = settings.memory.map { "launcher.mem is \($0)" } ?? "set launcher.mem"
        return SchedulerEnd(reason: "Slurm killed it for using more memory than it asked for (OUT_OF_MEMORY; \(limit)) — ask for more, or use less")
    }

    static let cancelledOutside = SchedulerEnd(reason: "cancelled in Slurm by someone other than tune (scancel, or an administrator)")
}
