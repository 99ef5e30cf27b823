import XCTest

@testable import Latent

final class ScoreStatisticsTests: XCTestCase {
    func testMeanAndPopulationStandardDeviation() {
        // np.std([2, 4, 4, 4, 5, 5, 7, 9]) == 2.0 (ddof = 0)
        let x: [Float] = [2, 4, 4, 4, 5, 5, 7, 9]
        XCTAssertEqual(ScoreStatistics.mean(x), 5)
        XCTAssertEqual(ScoreStatistics.populationStandardDeviation(x), 2)
    }

    func testPercentileInterpolatesLinearly() {
        // np.percentile([1, 2, 3, 4], q)
        let x: [Float] = [1, 2, 3, 4]
        XCTAssertEqual(ScoreStatistics.percentile(sorted: x, 0), 1)
        XCTAssertEqual(ScoreStatistics.percentile(sorted: x, 50), 2.5)
        XCTAssertEqual(ScoreStatistics.percentile(sorted: x, 90), 3.7, accuracy: 1e-12)
        XCTAssertEqual(ScoreStatistics.percentile(sorted: x, 100), 4)
        XCTAssertEqual(ScoreStatistics.percentile(sorted: [7], 30), 7)
    }
}
