/// Where a trial stands in a cluster scheduler (Slurm), as tune last saw it: journaled whenever it
/// changes, so `tune status` in another terminal shows pending trials as pending.
public struct SchedulerStatus: Sendable, Equatable, Codable {
    /// The scheduler: `slurm`.
    public var system: String
    /// Slurm's job id (`123`), or job step (`123.4`) inside an allocation; nil until known.
    public var jobId: String?
    /// Slurm's state: `PENDING`, `RUNNING`, `COMPLETING`, …
    public var state: String
    /// Why it waits (Slurm's reason: `Resources`, `Priority`, …), when it does.
    public var reason: String?
    /// The node it runs on.
    public var node: String?

    public init(system: String = "slurm", jobId: String? = nil, state: String, reason: String? = nil, node: String? = nil) {
        self.system = system
        self.jobId = jobId
        self.state = state
        self.reason = reason
        self.node = node
    }

    /// The system's name for people: `Slurm`.
    public var systemName: String { system.prefix(1).uppercased() + system.dropFirst() }

    /// Still waiting for the scheduler to start it.
    public var isPending: Bool { state == "PENDING" || state == "CONFIGURING" }

    /// `slurm job 123 RUNNING on node07`, `slurm job 124 PENDING (Resources)`.
    public var summary: String {
        var text = "\(system) \(jobId.map { $0.contains(".") ? "step \($0)" : "job \($0)" } ?? "job") \(state)"
        if let reason, !reason.isEmpty, reason != "None" { text += " (\(reason))" }
        if let node, !node.isEmpty, !isPending { text += " on \(node)" }
        return text
    }
}
