import XCTest

@testable import Latent

final class SignalEvaluationTests: XCTestCase {
    func testUCRRuleAllowsOneHundredRowsEitherSide() throws {
        var labels = [Bool](repeating: false, count: 1000)
        for i in 500...520 { labels[i] = true }
        for (top, solved) in [(400, true), (399, false), (620, true), (621, false)] {
            var scores = [Float](repeating: 0, count: 1000)
            scores[top] = 1
            let e = try SignalEvaluation(scores: scores, labels: labels, from: 100, threshold: 0.5)
            XCTAssertEqual(e.topRow, top)
            XCTAssertEqual(e.solved, solved, "top \(top)")
            XCTAssertEqual(e.anomalySpan, 500...520)
        }
    }

    func testPointwiseMetricsAndF1() throws {
        let labels = [false, false, true, true, false, false]
        let scores: [Float] = [0.1, 0.2, 0.9, 0.3, 0.4, 0.0]
        let e = try SignalEvaluation(scores: scores, labels: labels, from: 0, threshold: 0.25)
        // Positives 0.9, 0.3 against negatives 0.1, 0.2, 0.4, 0.0: 7 of 8 pairs ordered.
        XCTAssertEqual(e.auroc, 7.0 / 8.0, accuracy: 1e-12)
        // Flagged: 0.9, 0.3, 0.4 → tp 2, fp 1, fn 0.
        XCTAssertEqual(e.precision, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(e.recall, 1)
        XCTAssertEqual(e.f1, 0.8, accuracy: 1e-12)
    }

    func testRowsWithoutAnAnomalyCannotBeEvaluated() {
        XCTAssertThrowsError(
            try SignalEvaluation(
                scores: [1, 2, 3], labels: [true, false, false], from: 1, threshold: 0))
    }
}
