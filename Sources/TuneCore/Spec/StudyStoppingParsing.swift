import Foundation
import Yams

/// `studyStoppingConfig` (Vertex AI's `StudyStoppingConfig`, camelCase or snake_case) and the
/// `targetValue` and `minImprovement` extension keys, into `TuningSpec.studyStopping`.
enum StudyStoppingParsing {
    static let keys = [
        "shouldStopAsap", "minimumRuntimeConstraint", "maximumRuntimeConstraint", "minNumTrials", "maxNumTrials",
        "maxNumTrialsNoProgress", "maxDurationNoProgress", "stopRunningTrials", "stopOnConvergence", "convergenceThreshold",
    ]

    /// Reads `studyStoppingConfig` from `holder` (the study in Vertex shapes, the spec in Cloud
    /// ML's) and the extension keys from `extensions`.
    static func read(
        _ holder: ConfigMapping, extensions: ConfigMapping, into spec: inout TuningSpec, notes: inout [String]
    ) throws(SpecError) {
        var stopping = StudyStoppingSpec()
        if let entry = holder["studyStoppingConfig"] {
            let config = try ConfigMapping(entry.value, what: "studyStoppingConfig", heldBy: entry.keyNode, file: holder.file, prefix: "studyStoppingConfig: ")
                .camelCased()
            try config.rejectUnknownKeys(
                allowed: keys,
                elsewhere: [
                    "targetValue": "targetValue (a tune extension) belongs beside the other tune keys, not inside studyStoppingConfig"
                ])
            if let flag = config["shouldStopAsap"], try flag.bool() {
                notes.append("studyStoppingConfig.shouldStopAsap: a local job stops with Ctrl-C (then `tune resume`); ignored")
            }
            stopping.minTrials = try config["minNumTrials"].map { e throws(SpecError) in try count(e) }
            if let e = config["maxNumTrials"] {
                let cap = try count(e)
                if cap < spec.maxTrials {
                    spec.maxTrials = cap
                    notes.append("studyStoppingConfig.maxNumTrials \(cap) caps the job at \(cap) trials")
                }
            }
            stopping.maxTrialsNoProgress = try config["maxNumTrialsNoProgress"].map { e throws(SpecError) in try count(e) }
            stopping.maxSecondsNoProgress = try config["maxDurationNoProgress"].map { e throws(SpecError) in try duration(e) }
            if let e = config["minimumRuntimeConstraint"] {
                let (seconds, end) = try timeConstraint(e, file: holder.file)
                guard end == nil else { throw e.error("minimumRuntimeConstraint takes maxDuration here", hint: "give a duration such as 30m") }
                stopping.minSeconds = seconds
            }
            if let e = config["maximumRuntimeConstraint"] {
                (stopping.maxSeconds, stopping.endTime) = try timeConstraint(e, file: holder.file)
            }
            if let e = config["stopRunningTrials"] { stopping.stopRunningTrials = try e.bool() }
            if let e = config["stopOnConvergence"] { stopping.stopOnConvergence = try e.bool() }
            if let e = config["convergenceThreshold"] {
                let value = try e.number().value
                guard value.isFinite, value > 0 else { throw e.mismatch("a number > 0 (the expected improvement, in units of the objective's spread)") }
                stopping.convergenceThreshold = value
            }
        }
        if let e = extensions["targetValue"] {
            let value = try e.number().value
            guard value.isFinite else { throw e.mismatch("a finite number") }
            guard !spec.isMultiObjective else {
                throw e.error(
                    "targetValue needs one objective; this job has \(spec.objectives.count)",
                    hint: "stop a job with several objectives by maxNumTrialsNoProgress (no new trial on the Pareto front) or a time limit")
            }
            stopping.targetValue = value
        }
        if let e = extensions["minImprovement"] {
            let value = try e.number().value
            guard value.isFinite, value >= 0 else { throw e.mismatch("a number ≥ 0") }
            guard !spec.isMultiObjective else {
                throw e.error("minImprovement needs one objective", hint: "with several objectives, progress is a new trial on the Pareto front")
            }
            stopping.minImprovement = value
        }
        guard stopping != StudyStoppingSpec() else { return }
        if stopping.stopOnConvergence == true && (spec.algorithm != .unspecified || spec.isMultiObjective) {
            notes.append(
                "studyStoppingConfig.stopOnConvergence asks the Gaussian process of Bayesian optimization with one objective; this job has \(spec.isMultiObjective ? "several objectives" : spec.algorithm.rawValue), so it will not act"
            )
        }
        if stopping.isEmpty {
            notes.append("studyStoppingConfig sets no rule that stops the job (minNumTrials and minimumRuntimeConstraint only delay the others)")
        }
        if stopping.minImprovement != nil && stopping.maxTrialsNoProgress == nil && stopping.maxSecondsNoProgress == nil {
            notes.append("minImprovement applies to the no-progress rules; set studyStoppingConfig.maxNumTrialsNoProgress or maxDurationNoProgress")
        }
        spec.studyStopping = stopping
    }

    private static func count(_ entry: ConfigEntry) throws(SpecError) -> Int {
        try entry.integer(atLeast: 1, atMost: ConfigLimits.maxTrials, expected: "a positive integer")
    }

    /// A protobuf Duration (`"3600s"`) or tune's (`45m`, `2h`).
    private static func duration(_ entry: ConfigEntry) throws(SpecError) -> Double {
        let text = try entry.text(expected: "a duration such as 3600s, 45m or 2h")
        guard let seconds = ConfigDuration.seconds(text), seconds <= ConfigLimits.maxDurationSeconds else {
            throw entry.mismatch("a duration such as 3600s, 45m or 2h", hint: "write a number with s, m, h or d")
        }
        return seconds
    }

    /// `{maxDuration: …}` or `{endTime: RFC 3339}`.
    private static func timeConstraint(_ entry: ConfigEntry, file: String) throws(SpecError) -> (Double?, Date?) {
        let constraint = try ConfigMapping(entry.value, what: entry.key, heldBy: entry.keyNode, file: file, prefix: "\(entry.key): ").camelCased()
        try constraint.rejectUnknownKeys(allowed: ["maxDuration", "endTime"])
        switch (constraint["maxDuration"], constraint["endTime"]) {
        case (let d?, nil):
            return (try duration(d), nil)
        case (nil, let t?):
            let text = try t.text(expected: "a time such as 2026-12-31T18:00:00Z")
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let plain = ISO8601DateFormatter()
            guard let date = formatter.date(from: text) ?? plain.date(from: text) else {
                throw t.mismatch("an RFC 3339 time such as 2026-12-31T18:00:00Z")
            }
            return (nil, date)
        case (nil, nil):
            throw entry.error("\(entry.key) is empty", hint: "give maxDuration (such as 3600s) or endTime")
        case (_?, _?):
            throw entry.error("\(entry.key) has both maxDuration and endTime", hint: "give one, as Vertex AI's StudyTimeConstraint takes")
        }
    }
}
