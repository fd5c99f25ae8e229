import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

@Suite("BoundedReadings", .limitedParallelism)
struct BoundedReadingsTests {
    private func reading(_ tag: String, _ value: Double, _ step: Int, _ source: MetricSourceKind = .stdout) -> MetricReading {
        MetricReading(tag: tag, value: value, step: step, source: source)
    }

    /// Below the cap nothing changes: every reading is kept and journaled, in the order it came.
    @Test func belowTheCapEveryReadingIsKeptAndJournaled() {
        var bounded = BoundedReadings()
        var all: [MetricReading] = []
        var journaled: [MetricReading] = []
        for step in 1...BoundedReadings.perTag {
            let batch = [reading("loss", 1 / Double(step), step), reading("acc", Double(step) / 2_000, step)]
            all += batch
            bounded.add(batch)
            if step % 7 == 0 { journaled += bounded.take() }
        }
        journaled += bounded.take(final: true)
        #expect(bounded.kept == all)
        #expect(journaled == all)
        #expect(bounded.take(final: true).isEmpty, "nothing twice")
    }

    /// 200,000 readings of a tag: memory and journal bounded, and LAST and BEST chosen from the
    /// journaled readings are those chosen from all of them, for either goal.
    @Test func aFloodIsThinnedButLastAndBestStay() {
        var bounded = BoundedReadings()
        var all: [MetricReading] = []
        var journaled: [MetricReading] = []
        let n = 200_000
        for i in 1...n {
            // Noisy, with a best of each sign in the middle, a NaN and an infinity, steps going back once.
            var value = 1 + Double((i * 7_919) % 977) / 1_000
            if i == 123_457 { value = 0.001 }
            if i == 98_765 { value = 9 }
            if i == 150_001 { value = .nan }
            if i == 160_001 { value = .infinity }
            let step = i == n ? n - 10 : i
            let r = reading("loss", value, step)
            all.append(r)
            bounded.add([r])
            if i % 13 == 0 { journaled += bounded.take() }
        }
        journaled += bounded.take(final: true)
        #expect(bounded.kept.count <= BoundedReadings.perTag + 5, "\(bounded.kept.count) kept")
        let bound = 6 * (BoundedReadings.perTag + BoundedReadings.perTag / 2 * Int(log2(Double(n) / Double(BoundedReadings.perTag)).rounded(.up))) + 5
        #expect(journaled.count <= bound, "\(journaled.count) journaled, bound \(bound)")
        for goal in [Goal.minimize, .maximize] {
            for selection in [MeasurementSelection.last, .best] {
                let expected = ObjectiveSelection.select(from: all, tag: "loss", goal: goal, selection: selection)
                #expect(ObjectiveSelection.select(from: journaled, tag: "loss", goal: goal, selection: selection) == expected, "\(goal) \(selection)")
                #expect(ObjectiveSelection.select(from: bounded.kept, tag: "loss", goal: goal, selection: selection) == expected, "\(goal) \(selection)")
            }
        }
        // Thinned evenly: the kept readings are spread over the whole run.
        let steps = bounded.kept.map(\.step)
        #expect(steps.min()! <= n / 100 && steps.max()! >= n - 100)
    }

    /// Tags past `maxTags` are dropped with one warning, and many tags share the readings' budget.
    @Test func manyTagsStayBounded() {
        var bounded = BoundedReadings()
        for round in 1...200 {
            bounded.add((1...(BoundedReadings.maxTags + 50)).map { reading("t\($0)", Double(round), round) })
            _ = bounded.take()
        }
        let warnings = bounded.takeWarnings()
        #expect(warnings.count == 1 && warnings[0].contains("more than \(BoundedReadings.maxTags) distinct metric tags"), "\(warnings)")
        let kept = bounded.kept
        #expect(Set(kept.map(\.tag)).count == BoundedReadings.maxTags)
        #expect(kept.count <= BoundedReadings.spreadReadings + 5 * BoundedReadings.maxTags, "\(kept.count) kept")
    }

    /// The same tag from two sources is two tags: each keeps its own readings.
    @Test func sourcesAreKeptApart() {
        var bounded = BoundedReadings()
        bounded.add([reading("acc", 0.5, 1, .stdout), reading("acc", 0.7, 1, .hypertune)])
        #expect(bounded.take(final: true).map(\.source) == [.stdout, .hypertune])
    }
}
