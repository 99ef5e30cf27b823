import XCTest

@testable import Latent

final class ThresholdRuleCalibrationTests: XCTestCase {
    let x: [Float] = [3.5, 1.25, 9.0, 2.0, 7.75, 4.0, 4.0, 0.5, 6.0, 12.5]

    /// References from numpy 2.4: `x.mean() + 2 * x.std()` and `np.percentile(x, q)`.
    func testMatchesNumpy() throws {
        XCTAssertEqual(try ThresholdRule.meanStd(k: 2).threshold(calibrationScores: x), Float(12.215193647069142))
        let percentiles: [(Double, Double)] = [
            (0, 0.5), (10, 1.175), (33.3, 3.4955), (50, 4.0), (90, 9.349999999999998),
            (95, 10.924999999999997), (99, 12.185), (100, 12.5),
        ]
        for (q, expected) in percentiles {
            XCTAssertEqual(try ThresholdRule.percentile(q).threshold(calibrationScores: x), Float(expected), "q \(q)")
        }
        // PyOD: np.percentile(decision_scores_, 100 * (1 - contamination)).
        let contaminations: [(Double, Double)] = [
            (0.1, 9.349999999999998), (0.05, 10.924999999999997), (0.25, 7.3125), (0.5, 4.0),
        ]
        for (p, expected) in contaminations {
            XCTAssertEqual(
                try ThresholdRule.contamination(p).threshold(calibrationScores: x), Float(expected), "p \(p)")
        }
        XCTAssertEqual(ScoreStatistics.percentile(sorted: [15, 20, 35, 40, 50], 40), 29, accuracy: 1e-12)
    }

    func testMeanStdWithZeroKIsTheMean() throws {
        XCTAssertEqual(try ThresholdRule.meanStd(k: 0).threshold(calibrationScores: [1, 2, 3, 6]), 3)
        XCTAssertEqual(try ThresholdRule.meanStd(k: 1).threshold(calibrationScores: [5]), 5)
    }

    func testFalsePositiveRateIsTheConformalCut() throws {
        // n = 19: p = (1 + #{cᵢ ≥ s}) / 20 ≤ 0.1 allows one calibration score at or above s,
        // so the cut is the second largest.
        let scores = (1...19).map(Float.init)
        XCTAssertEqual(try ThresholdRule.falsePositiveRate(0.1).threshold(calibrationScores: scores), 18)
        // n = 5: the smallest p-value is 1/6 > 0.1, so nothing can be flagged.
        XCTAssertEqual(
            try ThresholdRule.falsePositiveRate(0.1).threshold(calibrationScores: [1, 2, 3, 4, 5]),
            .infinity)
    }

    func testYoudenUsesLabels() throws {
        let scores: [Float] = [1, 2, 3, 10, 11]
        let labels = [false, false, false, true, true]
        XCTAssertEqual(try ThresholdRule.youden.threshold(calibrationScores: scores, labels: labels), 3)
    }

    func testErrors() {
        func expect(
            _ rule: ThresholdRule, _ scores: [Float], _ labels: [Bool]? = nil, _ error: DetectionError,
            line: UInt = #line
        ) {
            XCTAssertThrowsError(try rule.threshold(calibrationScores: scores, labels: labels), line: line) {
                XCTAssertEqual($0 as? DetectionError, error, line: line)
            }
        }
        expect(.percentile(50), [], nil, .emptyScores)
        expect(.percentile(50), [1, .nan], nil, .nanScore(index: 1))
        expect(.meanStd(k: 3), [1, .infinity], nil, .infiniteScore(index: 1))
        expect(
            .meanStd(k: -1), [1], nil, .invalidParameter(name: "mean-std K", value: -1, valid: "a finite number ≥ 0"))
        expect(
            .percentile(101), [1], nil, .invalidParameter(name: "percentile Q", value: 101, valid: "between 0 and 100"))
        expect(.contamination(0), [1], nil, .invalidParameter(name: "contamination P", value: 0, valid: "in (0, 0.5]"))
        expect(
            .falsePositiveRate(1), [1], nil,
            .invalidParameter(name: "fpr ALPHA", value: 1, valid: "strictly between 0 and 1"))
        expect(.youden, [1, 2], nil, .labelsRequired(rule: "youden"))
        expect(.youden, [1, 2], [false, false], .singleClass(what: "ROC curve", anomalies: 0, normals: 2))
        expect(.percentile(50), [1, 2], [true], .lengthMismatch(scores: 2, labels: 1))
    }
}
