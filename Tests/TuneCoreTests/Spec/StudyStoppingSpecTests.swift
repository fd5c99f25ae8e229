import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

@Suite("studyStoppingConfig and targetValue in the config", .limitedParallelism)
struct StudyStoppingSpecTests {
    static let vertexStudy = """
        maxTrialCount: 50
        targetValue: 0.97
        minImprovement: 0.001
        studySpec:
          metrics: [{metricId: acc, goal: MAXIMIZE}]
          parameters: [{parameterId: lr, doubleValueSpec: {minValue: 0.001, maxValue: 0.1}}]
          study_stopping_config:
            min_num_trials: 5
            max_num_trials: 40
            max_num_trials_no_progress: 10
            max_duration_no_progress: 1800s
            minimum_runtime_constraint: {max_duration: 10m}
            maximum_runtime_constraint: {max_duration: 2h}
            stopRunningTrials: true

        """

    @Test("every StudyStoppingConfig field, in either spelling, and the tune extensions")
    func vertexFields() throws {
        let loaded = try parseConfig(Self.vertexStudy)
        let rules = try #require(loaded.spec.studyStopping)
        #expect(rules.targetValue == 0.97 && rules.minImprovement == 0.001)
        #expect(rules.minTrials == 5 && rules.maxTrialsNoProgress == 10)
        #expect(rules.maxSecondsNoProgress == 1800 && rules.minSeconds == 600 && rules.maxSeconds == 7200 && rules.stopRunningTrials == true)
        #expect(loaded.spec.maxTrials == 40, "maxNumTrials caps maxTrialCount")
        #expect(loaded.notes.contains("studyStoppingConfig.maxNumTrials 40 caps the job at 40 trials"))
        #expect(
            rules.describe(goal: .maximize)
                == "target ≥ 0.97, 10 trials without progress (by more than 0.001), 30m without progress, 2h of job time (running trials stopped); not before 5 trials and 10m"
        )
        let end = try parseConfig(
            "maxTrialCount: 5\nstudySpec:\n  metrics: [{metricId: acc, goal: MAXIMIZE}]\n  parameters: [{parameterId: lr, doubleValueSpec: {minValue: 0, maxValue: 1}}]\n  studyStoppingConfig: {maximumRuntimeConstraint: {endTime: '2026-12-31T18:00:00Z'}, shouldStopAsap: true}\n"
        )
        #expect(end.spec.studyStopping?.endTime == ISO8601DateFormatter().date(from: "2026-12-31T18:00:00Z"))
        #expect(end.notes.contains { $0.hasPrefix("studyStoppingConfig.shouldStopAsap") })
    }

    @Test("the Cloud ML shape takes the same keys as tune extensions; no rule means no studyStopping")
    func cloudML() throws {
        let loaded = try parseConfig(
            "hyperparameterMetricTag: loss\ngoal: MINIMIZE\nmaxTrials: 9\ntargetValue: 0.1\nstudyStoppingConfig: {maxNumTrialsNoProgress: 4}\nparams:\n- {parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}\n"
        )
        #expect(loaded.spec.studyStopping?.targetValue == 0.1 && loaded.spec.studyStopping?.maxTrialsNoProgress == 4)
        #expect(loaded.spec.studyStopping?.describe(goal: .minimize) == "target ≤ 0.1, 4 trials without progress")
        let none = try parseConfig("hyperparameterMetricTag: loss\nparams:\n- {parameterName: x, type: DOUBLE, minValue: 0, maxValue: 1}\n")
        #expect(none.spec.studyStopping == nil)
    }

    @Test("bad rules are refused at their line, with what to write instead")
    func refusals() {
        let study = "maxTrialCount: 5\nstudySpec:\n  metrics: [{metricId: acc, goal: MAXIMIZE}]\n  parameters: [{parameterId: lr, doubleValueSpec: {minValue: 0, maxValue: 1}}]\n"
        #expect(
            configFailure(study + "  studyStoppingConfig: {maximumRuntimeConstraint: {maxDuration: 1h, endTime: '2026-12-31T18:00:00Z'}}\n")?
                .description.contains("maximumRuntimeConstraint has both maxDuration and endTime — give one") == true)
        #expect(
            configFailure(study + "  studyStoppingConfig: {maxDurationNoProgress: soon}\n")?.description.contains(
                "a duration such as 3600s, 45m or 2h") == true)
        #expect(configFailure(study + "  studyStoppingConfig: {maxNumTrialsNoProgress: 0}\n")?.description.contains("a positive integer") == true)
        #expect(
            configFailure(study + "  studyStoppingConfig: {targetValue: 1}\n")?.description.contains(
                "targetValue (a tune extension) belongs beside the other tune keys") == true)
        let two =
            "maxTrialCount: 5\ntargetValue: 1\nstudySpec:\n  metrics: [{metricId: a, goal: MAXIMIZE}, {metricId: b, goal: MINIMIZE}]\n  parameters: [{parameterId: lr, doubleValueSpec: {minValue: 0, maxValue: 1}}]\n"
        #expect(configFailure(two)?.description.contains("targetValue needs one objective; this job has 2") == true)
        #expect(configFailure(study.replacingOccurrences(of: "maxTrialCount: 5\n", with: "maxTrialCount: 5\nminImprovement: -1\n"))?.description.contains("a number ≥ 0") == true)
    }
}
