import Yams

/// What to tell the user about a Vertex `trialJobSpec` (a `CustomJobSpec`: machines, containers):
/// tune runs trials on this machine (or Slurm), so the spec is not used, but its worker pool
/// names the trainer, and the note says how to run that trainer here.
enum TrialJobSpecNote {
    static func note(_ entry: ConfigEntry, file: String) throws(SpecError) -> String? {
        guard case .mapping = entry.value,
            let pools = try ConfigMapping(entry.value, what: "trialJobSpec", heldBy: entry.keyNode, file: file).camelCased()["workerPoolSpecs"],
            case .sequence(let list) = pools.value, let first = list.first, case .mapping = first
        else { return nil }
        let pool = try ConfigMapping(first, what: "workerPoolSpecs entry 1", file: file).camelCased()
        if let package = pool["pythonPackageSpec"], case .mapping = package.value {
            let spec = try ConfigMapping(package.value, what: "pythonPackageSpec", file: file).camelCased()
            guard let module = spec["pythonModule"]?.value.scalarText else { return nil }
            let command = ["python", "-m", module] + strings(spec["args"])
            return
                "trialJobSpec runs the Python package module \(module) in the cloud; to run the same trainer here (with its package installed or from its source folder): tune run --config \(shellQuoted(file)) -- \(command.map(shellQuoted).joined(separator: " "))"
        }
        if let container = pool["containerSpec"], case .mapping = container.value {
            let spec = try ConfigMapping(container.value, what: "containerSpec", file: file).camelCased()
            let image = spec["imageUri"]?.value.scalarText ?? "its container image"
            let command = strings(spec["command"]) + strings(spec["args"])
            guard !strings(spec["command"]).isEmpty else {
                let args = strings(spec["args"])
                let suffix = args.isEmpty ? "" : " " + args.map(shellQuoted).joined(separator: " ")
                return
                    "trialJobSpec runs the container \(image) with its own entry point; to run the same trainer here, run that entry point: tune run --config \(shellQuoted(file)) -- <the image's ENTRYPOINT>\(suffix)"
            }
            return
                "trialJobSpec runs the container \(image); to run the same trainer here: tune run --config \(shellQuoted(file)) -- \(command.map(shellQuoted).joined(separator: " "))"
        }
        return nil
    }

    private static func strings(_ entry: ConfigEntry?) -> [String] {
        guard let entry, case .sequence(let list) = entry.value else { return [] }
        return list.compactMap(\.scalarText)
    }

    /// `text`, single-quoted for a POSIX shell when it holds anything but safe characters.
    static func shellQuoted(_ text: String) -> String {
        let safe = text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./=:,+@%".unicodeScalars.contains($0)
        }
        if safe && !text.isEmpty { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
