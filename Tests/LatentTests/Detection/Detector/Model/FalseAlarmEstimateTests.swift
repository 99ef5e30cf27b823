import XCTest

@testable import Latent

/// The realised false-alarm rate of a conformal threshold follows Beta(k + 1, n − k).
final class FalseAlarmEstimateTests: XCTestCase {
    func testSixtyCalibrationRowsSpreadByAboutTwoAndAHalfPoints() throws {
        let scores = (1...58).map(Float.init)
        let cut = try ConformalCalibration(scores: scores).scoreCut(alpha: 0.05)
        let e = FalseAlarmEstimate(threshold: cut, calibrationScores: scores)
        XCTAssertEqual(e.calibrationAbove, 1)
        XCTAssertEqual(e.expectedRate, 2.0 / 59, accuracy: 1e-12)
        // sqrt(2 · 57 / (59² · 60)) = 0.02336
        XCTAssertEqual(e.spread, 0.02336, accuracy: 1e-4)
    }

    func testFourHundredCalibrationRowsSpreadByAboutOnePoint() throws {
        let scores = (1...400).map(Float.init)
        let cut = try ConformalCalibration(scores: scores).scoreCut(alpha: 0.05)
        let e = FalseAlarmEstimate(threshold: cut, calibrationScores: scores)
        XCTAssertLessThanOrEqual(e.expectedRate, 0.05)
        XCTAssertEqual(e.expectedRate, 20.0 / 401, accuracy: 1e-12)
        XCTAssertEqual(e.spread, 0.0109, accuracy: 5e-4)
    }
}
