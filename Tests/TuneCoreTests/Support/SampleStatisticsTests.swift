import Foundation
import Testing
import TuneTestSupport

@testable import TuneCore

/// The statistics `tune confirm` reports, against published values (t tables; SciPy's ttest_ind).
@Suite(.limitedParallelism) struct SampleStatisticsTests {
    @Test func studentTQuantilesMatchTheTables() {
        // Two-sided 95% critical values of Student's t.
        let table: [(df: Double, t: Double)] = [(1, 12.706), (2, 4.303), (4, 2.776), (9, 2.262), (30, 2.042), (1000, 1.962)]
        for (df, t) in table {
            #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: df) - t) < 0.0006, "df \(df)")
            #expect(abs(StudentT.cdf(t, degreesOfFreedom: df) - 0.975) < 1e-4, "df \(df)")
        }
        #expect(StudentT.cdf(0, degreesOfFreedom: 3) == 0.5)
        #expect(abs(StudentT.quantile(0.025, degreesOfFreedom: 4) + 2.776) < 0.0006)
    }

    @Test func meanSpreadAndIntervalByHand() throws {
        let stats = try #require(SampleStatistics([0.90, 0.92, 0.94, 0.96]))
        #expect(stats.count == 4)
        #expect(abs(stats.mean - 0.93) < 1e-12)
        // Deviations ±0.01, ±0.03: sum of squares 0.002, over n − 1 = 3.
        #expect(abs(stats.standardDeviation - (0.002 / 3.0).squareRoot()) < 1e-12)
        // t(0.975, 3) = 3.182, times sd / √4.
        let sd: Double = (0.002 / 3).squareRoot()
        let expected: Double = 3.1824 * sd / 2
        let half = try #require(stats.halfWidth())
        #expect(abs(half - expected) < 1e-4)
        #expect(SampleStatistics([0.5])?.halfWidth() == nil)
        #expect(SampleStatistics([]) == nil)
        #expect(SampleStatistics([.nan, 1, 3])?.mean == 2)
    }

    @Test func welchMatchesSciPy() throws {
        // scipy.stats.ttest_ind([1,2,3,4,5], [3,4,5,6,7], equal_var=False): t = -2.0, p = 0.08052.
        let a = try #require(SampleStatistics([1, 2, 3, 4, 5]))
        let b = try #require(SampleStatistics([3, 4, 5, 6, 7]))
        let welch = try #require(a.difference(from: b))
        #expect(welch.difference == -2)
        #expect(abs(welch.pValue - 0.08052) < 1e-4)
        // The interval: t(0.975, 8) = 2.306 times the standard error 1.
        #expect(abs(welch.halfWidth - 2.306) < 0.001)
        // Unequal spreads: ttest_ind([10,11,12], [1,5,9,13], equal_var=False) → p = 0.21977 (df 3.295).
        let c = try #require(SampleStatistics([10, 11, 12]))
        let d = try #require(SampleStatistics([1, 5, 9, 13]))
        #expect(abs(try #require(c.difference(from: d)).pValue - 0.21977) < 1e-4)
    }
}
