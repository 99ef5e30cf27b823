import XCTest

@testable import Latent

final class ConfusionMatrixTests: XCTestCase {
    let scores: [Float] = [0.9, 0.8, 0.3, 0.2, 0.7, 0.1, 0.6, 0.05]
    let labels = [true, true, true, false, false, false, false, false]

    func testAnomalyPositive() throws {
        // Flagged (> 0.5): 0.9 0.8 (anomalies), 0.7 0.6 (normals). Missed: 0.3.
        let m = try ConfusionMatrix(scores: scores, labels: labels, threshold: 0.5)
        XCTAssertEqual(m, ConfusionMatrix(truePositives: 2, falsePositives: 2, trueNegatives: 3, falseNegatives: 1))
        XCTAssertEqual(m.count, 8)
        XCTAssertEqual(m.accuracy, 5.0 / 8)
        XCTAssertEqual(m.precision, 0.5)
        XCTAssertEqual(m.recall, 2.0 / 3)
        XCTAssertEqual(m.specificity, 3.0 / 5)
        XCTAssertEqual(m.falsePositiveRate, 2.0 / 5)
        XCTAssertEqual(m.f1, 2 * 0.5 * (2.0 / 3) / (0.5 + 2.0 / 3), accuracy: 1e-15)
    }

    /// The ECG lesson's convention: normal is positive, so precision is the share of
    /// samples called normal that are normal.
    func testNormalPositiveSwapsTheRoles() throws {
        let m = try ConfusionMatrix(scores: scores, labels: labels, threshold: 0.5, positiveClass: .normal)
        XCTAssertEqual(m, ConfusionMatrix(truePositives: 3, falsePositives: 1, trueNegatives: 2, falseNegatives: 2))
        XCTAssertEqual(m.precision, 3.0 / 4)
        XCTAssertEqual(m.recall, 3.0 / 5)
        XCTAssertEqual(m.accuracy, 5.0 / 8)
    }

    func testPredictionsInitializer() throws {
        let m = try ConfusionMatrix(predictions: [true, false, true, false], labels: [true, true, false, false])
        XCTAssertEqual(m, ConfusionMatrix(truePositives: 1, falsePositives: 1, trueNegatives: 1, falseNegatives: 1))
    }

    func testZeroDenominatorsGiveZero() {
        let nothingFlagged = ConfusionMatrix(truePositives: 0, falsePositives: 0, trueNegatives: 5, falseNegatives: 0)
        XCTAssertEqual(nothingFlagged.precision, 0)
        XCTAssertEqual(nothingFlagged.recall, 0)
        XCTAssertEqual(nothingFlagged.f1, 0)
        XCTAssertEqual(nothingFlagged.specificity, 1)
        let empty = ConfusionMatrix(truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0)
        XCTAssertEqual(empty.accuracy, 0)
        XCTAssertEqual(empty.falsePositiveRate, 0)
    }

    func testRejectsBadInput() {
        XCTAssertThrowsError(try ConfusionMatrix(predictions: [true], labels: [])) {
            XCTAssertEqual($0 as? DetectionError, .lengthMismatch(scores: 1, labels: 0))
        }
        XCTAssertThrowsError(try ConfusionMatrix(scores: [.nan], labels: [true], threshold: 0)) {
            XCTAssertEqual($0 as? DetectionError, .nanScore(index: 0))
        }
    }

    func testCodableRoundTrip() throws {
        let m = ConfusionMatrix(truePositives: 1, falsePositives: 2, trueNegatives: 3, falseNegatives: 4)
        let decoded = try JSONDecoder().decode(ConfusionMatrix.self, from: JSONEncoder().encode(m))
        XCTAssertEqual(decoded, m)
    }
}
