import Testing
import TuneTestSupport

@testable import TuneCore

/// `trialsPerGPU` and a fractional `gpusPerTrial`, in both config shapes.
@Suite("Spec: trialsPerGPU and fractional gpusPerTrial", .limitedParallelism)
struct GPUSharingSpecTests {
    /// A Cloud ML config with `extra` beside params (at line 3 and on).
    static func cloudML(_ extra: String) -> String {
        "goal: MINIMIZE\nmaxTrials: 4\n\(extra)\nparams:\n  - parameterName: lr\n    type: DOUBLE\n    minValue: 0.001\n    maxValue: 0.1\n"
    }

    /// A Vertex AI config with `extra` beside studySpec (at line 3 and on).
    static func vertex(_ extra: String) -> String {
        """
        maxTrialCount: 4
        parallelTrialCount: 4
        \(extra)
        studySpec:
          metrics:
            - metricId: loss
              goal: MINIMIZE
          parameters:
            - parameterId: lr
              doubleValueSpec: {minValue: 0.001, maxValue: 0.1}

        """
    }

    @Test(
        arguments: [
            ("gpusPerTrial: 2", 2, nil), ("gpusPerTrial: 1", 1, nil), ("trialsPerGPU: 2", 1, 2), ("trialsPerGPU: 1", 1, nil),
            ("gpusPerTrial: 0.5", 1, 2), ("gpusPerTrial: 0.25", 1, 4), ("gpusPerTrial: 0.333", 1, 3), ("gpusPerTrial: 0.2", 1, 5),
            ("gpusPerTrial: 0.25\ntrialsPerGPU: 4", 1, 4), ("gpusPerTrial: 1\ntrialsPerGPU: 3", 1, 3), ("gpusPerTrial: 2.0", 2, nil),
        ] as [(String, Int, Int?)])
    func valuesInBothShapes(extra: String, gpus: Int, packed: Int?) throws {
        for text in [Self.cloudML(extra), Self.vertex(extra)] {
            let spec = try parseConfig(text).spec
            #expect(spec.gpusPerTrial == gpus, "\(extra)")
            #expect(spec.trialsPerGPU == packed, "\(extra)")
        }
    }

    @Test func fractionalGPUsPerTrialIsTrialsPerGPU() throws {
        #expect(try parseConfig(Self.cloudML("gpusPerTrial: 0.5")).spec == parseConfig(Self.cloudML("trialsPerGPU: 2")).spec)
        #expect(try parseConfig(Self.vertex("gpusPerTrial: 0.5")).spec.trialsPerGPU == 2)
    }

    @Test(
        arguments: [
            (
                "gpusPerTrial: 0.3",
                "tuning.yml:3:15: error: gpusPerTrial below 1 must be 1/k of a GPU for a whole number k of trials sharing it (0.5, 0.25, 0.2, …), got '0.3' — for 3 trials on each GPU write gpusPerTrial: 0.3333 or trialsPerGPU: 3; for 4, gpusPerTrial: 0.25 or trialsPerGPU: 4"
            ),
            (
                "gpusPerTrial: 1.5",
                "tuning.yml:3:15: error: gpusPerTrial above 1 must be a whole number of GPUs, got '1.5' — a trial gets whole GPUs: write 1 or 2"
            ),
            (
                "gpusPerTrial: -1",
                "tuning.yml:3:15: error: gpusPerTrial must be a positive integer (GPUs each trial gets to itself) or 1/k of one (0.5, 0.25: k trials share each GPU), got '-1'"
            ),
            (
                "gpusPerTrial: 0",
                "tuning.yml:3:15: error: gpusPerTrial must be a positive integer (GPUs each trial gets to itself) or 1/k of one (0.5, 0.25: k trials share each GPU), got '0'"
            ),
            (
                "trialsPerGPU: -1",
                "tuning.yml:3:15: error: trialsPerGPU must be a positive integer (trials that share each GPU, each seeing one), got '-1'"
            ),
            (
                "trialsPerGPU: 2.5",
                "tuning.yml:3:15: error: trialsPerGPU must be a positive integer (trials that share each GPU, each seeing one), got '2.5'"
            ),
            (
                "trialsPerGPU: 65",
                "tuning.yml:3:15: error: trialsPerGPU must be at most 64, got '65' — more than 64 trials on one GPU leave each a sliver of its memory: give each trial a larger share"
            ),
            (
                "gpusPerTrial: 0.001",
                "tuning.yml:3:15: error: gpusPerTrial '0.001' puts 1000 trials on each GPU, more than 64 — more than 64 trials on one GPU leave each a sliver of its memory: give each trial a larger share"
            ),
            (
                "gpusPerTrial: 0.5\ntrialsPerGPU: 4",
                "tuning.yml:4:15: error: trialsPerGPU 4 and gpusPerTrial '0.5' disagree: gpusPerTrial '0.5' puts 2 trials on each GPU — write only one of them: trialsPerGPU: 4, or gpusPerTrial: 0.25"
            ),
            (
                "gpusPerTrial: 2\ntrialsPerGPU: 2",
                "tuning.yml:4:15: error: trialsPerGPU 2 packs trials that each see one GPU, but gpusPerTrial 2 gives each trial 2 GPUs to itself — remove trialsPerGPU, or set gpusPerTrial: 1 (or leave it out)"
            ),
        ])
    func badValuesAreLocatedWithWhatToWrite(extra: String, expected: String) {
        #expect(configFailure(Self.cloudML(extra))?.description == expected)
        // Vertex: the same message, at the same place (the extension keys sit at the top).
        #expect(configFailure(Self.vertex(extra))?.description == expected)
    }

    @Test func wholeGPUsPerTrialKeepsItsMessage() {
        #expect(
            configFailure(Self.cloudML("gpusPerTrial: 5000"))?.description
                == "tuning.yml:3:15: error: gpusPerTrial must be at most 4096, got '5000' — no machine has more than 4096 GPUs for one trial")
    }
}
