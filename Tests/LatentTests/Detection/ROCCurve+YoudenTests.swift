import XCTest

@testable import Latent

final class ROCCurveYoudenTests: XCTestCase {
    func testPicksTheHighestThresholdAmongEqualJ() throws {
        // Points: (0,0) J=0, (0,.5) J=.5, (.5,.5) J=0, (.5,1) J=.5, (1,1) J=0.
        let roc = try ROCCurve(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true])
        let y = roc.youden
        XCTAssertEqual(y.threshold, 0.4)
        XCTAssertEqual(y.sensitivity, 0.5)
        XCTAssertEqual(y.specificity, 1)
        XCTAssertEqual(y.j, 0.5)
    }

    func testSeparableScoresGiveJOne() throws {
        let roc = try ROCCurve(scores: [1, 2, 3, 10, 11], labels: [false, false, false, true, true])
        XCTAssertEqual(roc.youden, YoudenPoint(threshold: 3, sensitivity: 1, specificity: 1))
        // `score > threshold` separates the classes exactly.
        let m = try ConfusionMatrix(
            scores: [1, 2, 3, 10, 11], labels: [false, false, false, true, true],
            threshold: roc.youden.threshold)
        XCTAssertEqual(m.accuracy, 1)
    }

    func testUselessScorerFlagsNothing() throws {
        let roc = try ROCCurve(scores: [5, 4, 1, 0], labels: [false, false, true, true])
        XCTAssertEqual(roc.youden.threshold, 5)
        XCTAssertEqual(roc.youden.j, 0)
    }

    func testMatchesExhaustiveSearch() throws {
        for seed in 100..<130 as Range<UInt64> {
            var rng = DetectionTestRandom(seed: seed)
            let n = 4 + rng.int(40)
            var labels = (0..<n).map { _ in rng.bool(probability: 0.4) }
            labels[0] = true
            labels[1] = false
            let scores = labels.map { Float(rng.int(10) + ($0 ? 3 : 0)) }
            let y = try ROCCurve(scores: scores, labels: labels).youden
            var bestJ = -2.0
            for t in Set(scores) {
                let m = try ConfusionMatrix(scores: scores, labels: labels, threshold: t)
                bestJ = max(bestJ, m.recall + m.specificity - 1)
            }
            XCTAssertEqual(y.j, bestJ, accuracy: 1e-12, "seed \(seed)")
        }
    }
}
