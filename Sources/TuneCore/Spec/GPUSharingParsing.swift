import Foundation

extension TuningSpec {
    /// `gpusPerTrial` and `trialsPerGPU`: a whole number of GPUs each trial gets to itself, or
    /// several trials packed on each GPU, each seeing one. `gpusPerTrial: 0.25` is `trialsPerGPU: 4`
    /// written as a share of a GPU: below 1 it must be 1/k for a whole k. Both are stored as
    /// `gpusPerTrial` 1 and `trialsPerGPU` k (nil when 1), so everything that reads gpusPerTrial
    /// (the GPU inventory, Slurm's `--gres=gpu:1`) sees a trial that needs one GPU.
    static func parseGPUSharing(_ mapping: ConfigMapping, into spec: inout TuningSpec) throws(SpecError) {
        var share: (gpus: Int, trialsPerGPU: Int)?
        if let entry = mapping["gpusPerTrial"] {
            share = try gpuShare(entry)
        }
        guard let entry = mapping["trialsPerGPU"] else {
            if let share {
                spec.gpusPerTrial = share.gpus
                spec.trialsPerGPU = share.trialsPerGPU > 1 ? share.trialsPerGPU : nil
            }
            return
        }
        let count = try entry.integer(
            atLeast: 1, atMost: ConfigLimits.trialsPerGPU, expected: "a positive integer (trials that share each GPU, each seeing one)")
        if let share, let given = mapping["gpusPerTrial"] {
            if share.gpus > 1 {
                throw entry.error(
                    "trialsPerGPU \(count) packs trials that each see one GPU, but gpusPerTrial \(share.gpus) gives each trial \(share.gpus) GPUs to itself",
                    hint: "remove trialsPerGPU, or set gpusPerTrial: 1 (or leave it out)")
            }
            if share.trialsPerGPU > 1, share.trialsPerGPU != count {
                throw entry.error(
                    "trialsPerGPU \(count) and gpusPerTrial \(given.value.shown) disagree: gpusPerTrial \(given.value.shown) puts \(share.trialsPerGPU) trial\(share.trialsPerGPU == 1 ? "" : "s") on each GPU",
                    hint: "write only one of them: trialsPerGPU: \(count), or gpusPerTrial: \(fraction(count))")
            }
        }
        spec.gpusPerTrial = 1
        spec.trialsPerGPU = count > 1 ? count : nil
    }

    /// `gpusPerTrial`'s value: a whole number of GPUs (1 trial each), or 1/k of one (k trials on each GPU).
    private static func gpuShare(_ entry: ConfigEntry) throws(SpecError) -> (gpus: Int, trialsPerGPU: Int) {
        let expected = "a positive integer (GPUs each trial gets to itself) or 1/k of one (0.5, 0.25: k trials share each GPU)"
        let text = try entry.text(expected: expected)
        if let whole = ConfigNumber.integer(text), whole >= 1 {
            guard whole <= ConfigLimits.gpusPerTrial.value else {
                throw entry.error("gpusPerTrial must be at most \(ConfigLimits.gpusPerTrial.value), got \(entry.value.shown)", hint: ConfigLimits.gpusPerTrial.reason)
            }
            return (whole, 1)
        }
        guard let value = ConfigNumber.double(text), value > 0 else {
            throw entry.mismatch(expected, hint: ConfigNumber.double(text) == nil ? ConfigNumber.problem(text, integer: false) : nil)
        }
        guard value < 1 else {
            guard value <= Double(ConfigLimits.gpusPerTrial.value) else {
                throw entry.error("gpusPerTrial must be at most \(ConfigLimits.gpusPerTrial.value), got \(entry.value.shown)", hint: ConfigLimits.gpusPerTrial.reason)
            }
            let below = Int(value.rounded(.down))
            throw entry.error(
                "gpusPerTrial above 1 must be a whole number of GPUs, got \(entry.value.shown)",
                hint: "a trial gets whole GPUs: write \(below) or \(below + 1)")
        }
        let inverse = 1 / value
        // Far more trials per GPU than tune takes, past what the counts below can hold.
        guard inverse < 1e9 else {
            throw entry.error(
                "gpusPerTrial \(entry.value.shown) would put more than \(ConfigLimits.trialsPerGPU.value) trials on each GPU",
                hint: ConfigLimits.trialsPerGPU.reason)
        }
        let count = inverse.rounded()
        // 1/3 can only be written approximately: 0.33 or 0.333 is read as 1/3.
        guard count >= 2, abs(value * count - 1) <= 0.01 else {
            let fewer = Int(inverse.rounded(.down))
            let more = fewer + 1
            throw entry.error(
                "gpusPerTrial below 1 must be 1/k of a GPU for a whole number k of trials sharing it (0.5, 0.25, 0.2, …), got \(entry.value.shown)",
                hint:
                    "for \(fewer) trials on each GPU write gpusPerTrial: \(fraction(fewer)) or trialsPerGPU: \(fewer); for \(more), gpusPerTrial: \(fraction(more)) or trialsPerGPU: \(more)"
            )
        }
        let trials = Int(count)
        guard trials <= ConfigLimits.trialsPerGPU.value else {
            throw entry.error(
                "gpusPerTrial \(entry.value.shown) puts \(trials) trials on each GPU, more than \(ConfigLimits.trialsPerGPU.value)",
                hint: ConfigLimits.trialsPerGPU.reason)
        }
        return (1, trials)
    }

    /// 1/k as gpusPerTrial: 0.5, 0.25, 0.2, 0.3333 (4 significant digits, which `gpuShare` reads back as 1/k).
    static func fraction(_ count: Int) -> String {
        guard count > 1 else { return "1" }
        return String(format: "%.4g", 1 / Double(count))
    }
}
