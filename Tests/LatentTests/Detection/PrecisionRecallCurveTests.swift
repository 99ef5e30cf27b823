import XCTest

@testable import Latent

final class PrecisionRecallCurveTests: XCTestCase {
    /// scikit-learn's `average_precision_score` docstring example: 0.8333….
    func testScikitLearnExample() throws {
        let pr = try PrecisionRecallCurve(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true])
        // Flag > 0.4 (just 0.8): P 1, R .5; > 0.35: P .5, R .5; > 0.1: P 2/3, R 1; all: P .5, R 1.
        assertClose(pr.precisions.map(Float.init), [1, 0.5, 2.0 / 3, 0.5])
        XCTAssertEqual(pr.recalls, [0.5, 0.5, 1, 1])
        XCTAssertEqual(pr.thresholds, [0.4, 0.35, 0.1, -.infinity])
        // AP = .5·1 + 0·.5 + .5·(2/3) + 0·.5
        XCTAssertEqual(pr.averagePrecision, 0.5 + 1.0 / 3, accuracy: 1e-15)
    }

    func testTiedScoresFormOneStep() throws {
        // 0.5 holds one anomaly and one normal: P .5 at R .5, then P 2/3 at R 1.
        let pr = try PrecisionRecallCurve(scores: [0.5, 0.5, 0.2], labels: [true, false, true])
        XCTAssertEqual(pr.recalls, [0.5, 1])
        XCTAssertEqual(pr.averagePrecision, 0.5 * 0.5 + 0.5 * 2.0 / 3, accuracy: 1e-15)
    }

    func testPerfectRankingHasAPOne() throws {
        let pr = try PrecisionRecallCurve(scores: [9, 8, 1, 0, 2], labels: [true, true, false, false, false])
        XCTAssertEqual(pr.averagePrecision, 1)
    }

    func testWorstRanking() throws {
        // One anomaly, ranked last of 4: AP = 1 · 1/4.
        let pr = try PrecisionRecallCurve(scores: [0, 1, 2, 3], labels: [true, false, false, false])
        XCTAssertEqual(pr.averagePrecision, 0.25)
    }

    func testAllAnomaliesIsAllowed() throws {
        let pr = try PrecisionRecallCurve(scores: [1, 2], labels: [true, true])
        XCTAssertEqual(pr.averagePrecision, 1)
    }

    func testRejectsNoAnomalies() {
        XCTAssertThrowsError(try PrecisionRecallCurve(scores: [1, 2], labels: [false, false])) {
            XCTAssertEqual(
                $0 as? DetectionError,
                .singleClass(what: "precision–recall curve", anomalies: 0, normals: 2))
        }
    }
}
