import XCTest

@testable import Latent

final class ROCCurveTests: XCTestCase {
    /// scikit-learn's `roc_curve` docstring example (y = [1, 1, 2, 2], pos_label = 2).
    func testMatchesScikitLearnExample() throws {
        let roc = try ROCCurve(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true])
        XCTAssertEqual(roc.falsePositiveRates, [0, 0, 0.5, 0.5, 1])
        XCTAssertEqual(roc.truePositiveRates, [0, 0.5, 0.5, 1, 1])
        // sklearn's thresholds are [inf, 0.8, 0.4, 0.35, 0.1] for `score >= t`; ours are
        // the same points for `score > t`.
        XCTAssertEqual(roc.thresholds, [0.8, 0.4, 0.35, 0.1, -.infinity])
        XCTAssertEqual(roc.auc, 0.75)
    }

    func testThresholdsReproduceTheirPoints() throws {
        let scores: [Float] = [3, 1, 2, 2, 5, 1, 4, 2]
        let labels = [true, false, true, false, true, false, false, true]
        let roc = try ROCCurve(scores: scores, labels: labels)
        for (i, t) in roc.thresholds.enumerated() {
            let m = try ConfusionMatrix(scores: scores, labels: labels, threshold: t)
            XCTAssertEqual(m.recall, roc.truePositiveRates[i], "point \(i)")
            XCTAssertEqual(m.falsePositiveRate, roc.falsePositiveRates[i], "point \(i)")
        }
    }

    func testTiesGiveOnePointPerDistinctScore() throws {
        let roc = try ROCCurve(scores: [1, 1, 1, 1], labels: [true, false, true, false])
        XCTAssertEqual(roc.thresholds, [1, -.infinity])
        XCTAssertEqual(roc.falsePositiveRates, [0, 1])
        XCTAssertEqual(roc.truePositiveRates, [0, 1])
        XCTAssertEqual(roc.auc, 0.5)  // the diagonal: every pair is a tie
    }

    func testPerfectAndReversedRankings() throws {
        let labels = [false, false, true, true]
        XCTAssertEqual(try ROCCurve(scores: [0, 1, 2, 3], labels: labels).auc, 1)
        XCTAssertEqual(try ROCCurve(scores: [3, 2, 1, 0], labels: labels).auc, 0)
    }

    func testInfiniteScoresAreRanked() throws {
        let roc = try ROCCurve(scores: [-.infinity, 0, .infinity], labels: [false, true, true])
        XCTAssertEqual(roc.auc, 1)
    }

    /// AUC is the Mann–Whitney probability P(s⁺ > s⁻) + ½ P(s⁺ = s⁻), checked pair by pair.
    func testAUCEqualsBruteForceMannWhitneyWithTies() throws {
        for seed in 0..<50 as Range<UInt64> {
            var rng = DetectionTestRandom(seed: seed)
            let n = 2 + rng.int(60)
            // Few distinct values, so many ties within and across classes.
            let scores = (0..<n).map { _ in Float(rng.int(8)) / 4 }
            var labels = (0..<n).map { _ in rng.bool(probability: 0.3) }
            labels[0] = true
            labels[1] = false
            var wins = 0.0
            var pairs = 0.0
            for i in 0..<n where labels[i] {
                for j in 0..<n where !labels[j] {
                    pairs += 1
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0
                }
            }
            let roc = try ROCCurve(scores: scores, labels: labels)
            XCTAssertEqual(roc.auc, wins / pairs, accuracy: 1e-12, "seed \(seed)")
            XCTAssertEqual(roc.thresholds.count, Set(scores).count + 1, "seed \(seed)")
        }
    }

    func testAUCDoesNotDependOnTheOrderOfTiedSamples() throws {
        let a = try ROCCurve(scores: [1, 1, 2, 0], labels: [true, false, true, false])
        let b = try ROCCurve(scores: [1, 1, 2, 0], labels: [false, true, true, false])
        XCTAssertEqual(a, b)
    }

    func testRejectsBadInput() {
        XCTAssertThrowsError(try ROCCurve(scores: [1, 2], labels: [true])) {
            XCTAssertEqual($0 as? DetectionError, .lengthMismatch(scores: 2, labels: 1))
        }
        XCTAssertThrowsError(try ROCCurve(scores: [], labels: [])) {
            XCTAssertEqual($0 as? DetectionError, .emptyScores)
        }
        XCTAssertThrowsError(try ROCCurve(scores: [1, .nan], labels: [true, false])) {
            XCTAssertEqual($0 as? DetectionError, .nanScore(index: 1))
        }
        XCTAssertThrowsError(try ROCCurve(scores: [1, 2], labels: [true, true])) {
            XCTAssertEqual($0 as? DetectionError, .singleClass(what: "ROC curve", anomalies: 2, normals: 0))
            XCTAssertTrue("\($0)".contains("needs both anomalies and normal samples"))
        }
    }
}
