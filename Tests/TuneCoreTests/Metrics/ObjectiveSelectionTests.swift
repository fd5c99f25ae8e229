import Testing
import TuneCore
import TuneTestSupport

private func r(_ value: Double, _ step: Int, tag: String = "acc", source: MetricSourceKind = .stdout) -> MetricReading {
    MetricReading(tag: tag, value: value, step: step, source: source)
}

@Suite("ObjectiveSelection", .limitedParallelism)
struct ObjectiveSelectionTests {
    @Test("no reading of the tag", arguments: MeasurementSelection.allCases)
    func none(selection: MeasurementSelection) {
        #expect(ObjectiveSelection.select(from: [], tag: "acc", goal: .maximize, selection: selection) == nil)
        #expect(ObjectiveSelection.select(from: [r(1, 1, tag: "loss")], tag: "acc", goal: .maximize, selection: selection) == nil)
    }

    @Test func lastIsTheLargestStep() {
        let readings = [r(0.5, 1), r(0.9, 3), r(0.7, 2), r(0.1, 1, tag: "loss"), r(0.2, 9, tag: "loss")]
        #expect(ObjectiveSelection.select(from: readings, tag: "acc", goal: .maximize, selection: .last) == r(0.9, 3))
        #expect(ObjectiveSelection.select(from: readings, tag: "loss", goal: .minimize, selection: .last) == r(0.2, 9, tag: "loss"))
    }

    @Test func lastTiesGoToTheLaterReading() {
        let readings = [r(0.5, 3), r(0.6, 3, source: .hypertune), r(0.7, 2)]
        #expect(ObjectiveSelection.select(from: readings, tag: "acc", goal: .maximize, selection: .last) == r(0.6, 3, source: .hypertune))
    }

    @Test func lastReturnsNaNAsIs() {
        let readings = [r(0.5, 1), r(.nan, 2)]
        let selected = ObjectiveSelection.select(from: readings, tag: "acc", goal: .maximize, selection: .last)
        #expect(selected?.step == 2)
        #expect(selected?.value.isNaN == true)
    }

    @Test("best by goal", arguments: [(Goal.maximize, 0.9), (Goal.minimize, 0.1)])
    func best(goal: Goal, expected: Double) {
        let readings = [r(0.5, 1), r(0.9, 2), r(0.1, 3), r(0.4, 4), r(5, 1, tag: "other")]
        #expect(ObjectiveSelection.select(from: readings, tag: "acc", goal: goal, selection: .best)?.value == expected)
    }

    @Test func bestTiesGoToTheEarlierStep() {
        let readings = [r(0.9, 5), r(0.9, 2), r(0.5, 1), r(0.9, 2, source: .hypertune)]
        #expect(ObjectiveSelection.select(from: readings, tag: "acc", goal: .maximize, selection: .best) == r(0.9, 2))
        #expect(ObjectiveSelection.select(from: readings, tag: "acc", goal: .minimize, selection: .best) == r(0.5, 1))
    }

    @Test func bestIgnoresNaN() {
        let readings = [r(.nan, 1), r(0.3, 2), r(.nan, 3), r(0.2, 4)]
        #expect(ObjectiveSelection.select(from: readings, tag: "acc", goal: .maximize, selection: .best) == r(0.3, 2))
        #expect(ObjectiveSelection.select(from: readings, tag: "acc", goal: .minimize, selection: .best) == r(0.2, 4))
    }

    @Test func bestWithOnlyNaNReturnsTheNaN() {
        let selected = ObjectiveSelection.select(from: [r(.nan, 1), r(.nan, 2)], tag: "acc", goal: .maximize, selection: .best)
        #expect(selected?.step == 2)
        #expect(selected?.value.isNaN == true)
    }

    @Test func infinitiesCompare() {
        let readings = [r(1, 1), r(.infinity, 2), r(-.infinity, 3)]
        #expect(ObjectiveSelection.select(from: readings, tag: "acc", goal: .maximize, selection: .best)?.value == .infinity)
        #expect(ObjectiveSelection.select(from: readings, tag: "acc", goal: .minimize, selection: .best)?.value == -.infinity)
    }
}
