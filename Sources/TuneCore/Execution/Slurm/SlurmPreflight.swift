import CTuneSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Checks made before a Slurm job of trials is created, so that a request Slurm can never run is a
/// clear error now rather than trials that wait in the queue forever.
public enum SlurmPreflight {
    /// `srun --test-only` with the trials' options: Slurm says whether (and when) it could run one,
    /// without running it. Throws Slurm's refusal; returns notes for the user. Skipped inside an
    /// allocation, where trials are steps of resources already granted.
    public static func check(
        settings: SlurmSettings, gpusPerTrial: Int?, tools: SlurmTools, environment: [String: String],
        storeRoot: String
    ) throws(LaunchError) -> [String] {
        var notes: [String] = []
        if let allocation = SlurmLauncher.allocation(in: environment) {
            let ignored = [
                ("partition", settings.partition), ("account", settings.account), ("qos", settings.qos),
                ("constraint", settings.constraint),
            ].compactMap { $0.1 == nil ? nil : "launcher.\($0.0)" }
            notes.append(
                "inside Slurm allocation \(allocation): each trial runs as a job step of it"
                    + (ignored.isEmpty
                        ? "" : " (\(ignored.joined(separator: ", ")) belong\(ignored.count == 1 ? "s" : "") to the allocation and \(ignored.count == 1 ? "is" : "are") not used)"))
            if environment["SLURM_STEP_ID"] != nil {
                notes.append(
                    "tune itself runs as a job step (started with srun?): its trials' steps need room beside it — start tune from the salloc shell or the sbatch script instead")
            }
            return notes
        }
        let options = SlurmCommandLine.options(
            settings: settings, gpusPerTrial: gpusPerTrial, jobName: "tune-check",
            workingDirectory: FileManager.default.currentDirectoryPath, inAllocation: false)
        let arguments = ["--test-only"] + options + ["true"]
        guard let result = BackgroundCommand.run(tools.srun, arguments, environment: environment, timeout: 30) else {
            throw LaunchError("cannot run \(tools.srun)")
        }
        if result.exit == nil {
            notes.append("srun --test-only did not answer within 30 s (is slurmctld busy?): the trials' request is not checked")
        } else if !result.succeeded {
            let lines = (result.stderr + "\n" + result.stdout).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            let message = lines.map { $0.replacingOccurrences(of: "srun: error: ", with: "").replacingOccurrences(of: "allocation failure: ", with: "") }
            var seen = Set<String>()
            let said = message.filter { seen.insert($0).inserted && $0 != "No error" }.joined(separator: "; ")
            throw LaunchError(
                "Slurm cannot run the trials as configured: \(said.isEmpty ? "srun --test-only failed" : said) (checked with `srun \(arguments.joined(separator: " "))`) — fix the launcher block (partition, time, cpusPerTask, mem, gres/gpus) to fit the cluster (`sinfo -o '%P %l %c %m %G'` shows what it has)"
            )
        }
        if let note = sharedFilesystemNote(storeRoot: storeRoot, settings: settings, tools: tools, environment: environment) {
            notes.append(note)
        }
        return notes
    }

    /// File systems that every node of a cluster usually sees.
    static let sharedFilesystems: [Int: String] = [
        0x6969: "NFS", 0x0BD0_0BD0: "Lustre", 0x4750_4653: "GPFS", 0x1983_0326: "BeeGFS", 0xFF53_4D42: "CIFS",
        0xFE53_4D42: "SMB", 0x00C3_6400: "CephFS", 0x6573_5546: "FUSE", 0x5346_414F: "AFS", 0x0BAD_1DEA: "WekaFS",
    ]

    /// A note when the store is on a local file system and the partition has nodes other than
    /// this machine: the trials would not find their folders (each one checks, and the job stops
    /// at the first that does not).
    static func sharedFilesystemNote(storeRoot: String, settings: SlurmSettings, tools: SlurmTools, environment: [String: String]) -> String? {
        var path = storeRoot
        var type = tune_filesystem_type(path)
        while type < 0 {
            let parent = (path as NSString).deletingLastPathComponent
            guard parent != path, !parent.isEmpty else { return nil }
            path = parent
            type = tune_filesystem_type(path)
        }
        if sharedFilesystems[Int(UInt32(truncatingIfNeeded: type))] != nil { return nil }
        var arguments = ["--noheader", "--format=%N"]
        if let partition = settings.partition { arguments.append("--partition=\(partition)") }
        guard let result = BackgroundCommand.run(tools.sinfo, arguments, environment: environment, timeout: 10), result.succeeded else { return nil }
        var system = utsname()
        uname(&system)
        let name = withUnsafeBytes(of: system.nodename) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let short = name.split(separator: ".").first.map(String.init) ?? name
        let nodes = result.stdout.split(whereSeparator: { $0 == "\n" || $0 == "," }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard nodes.contains(where: { $0 != short && $0 != name }) else { return nil }
        return
            "the job store \(storeRoot) is on a local file system, and Slurm's nodes (\(nodes.joined(separator: ","))) may not see it: each trial checks on its node, and the job stops at the first that cannot find its folder — put the store on a shared file system with --store"
    }
}
