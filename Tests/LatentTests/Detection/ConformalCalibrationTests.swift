import XCTest

@testable import Latent

final class ConformalCalibrationTests: XCTestCase {
    func testHandComputedPValues() throws {
        let c = try ConformalCalibration(scores: [3, 1, 2, 2, 5])
        XCTAssertEqual(c.sortedScores, [1, 2, 2, 3, 5])
        // p(s) = (1 + #{cᵢ ≥ s}) / 6
        let expected: [Double] = [6, 6, 5, 3, 3, 2, 1].map { $0 / 6 }
        XCTAssertEqual(c.pValues([0, 1, 2, 2.5, 3, 5, 6]), expected)
        XCTAssertTrue(c.pValue(.nan).isNaN)
        XCTAssertEqual(c.pValue(.infinity), 1.0 / 6)
    }

    func testScoreCutAgreesWithPValues() throws {
        for seed in 0..<40 as Range<UInt64> {
            var rng = DetectionTestRandom(seed: seed)
            let n = 1 + rng.int(50)
            let calibration = (0..<n).map { _ in Float(rng.int(12)) }  // many ties
            let c = try ConformalCalibration(scores: calibration)
            let tests = (0..<60).map { _ in Float(rng.int(30) - 8) / 2 } + calibration
            for alpha in [0.01, 0.05, 0.1, 1.0 / 3, 0.5, 0.9, 1.0 / Double(n + 1)] {
                let cut = try c.scoreCut(alpha: alpha)
                for s in tests {
                    XCTAssertEqual(s > cut, c.pValue(s) <= alpha, "seed \(seed) n \(n) alpha \(alpha) s \(s)")
                }
            }
        }
    }

    /// For test scores exchangeable with the calibration scores, P(p ≤ α) ≤ α, and for
    /// continuous scores P(p ≤ α) = ⌊α(n+1)⌋/(n+1) exactly. Pooled over many seeds (each
    /// with a fresh calibration set) the empirical rate must match within four standard
    /// deviations of its sampling noise (``ConformalRateNoise``: 0.0017–0.017 here).
    func testFalsePositiveRateIsControlledOnExchangeableData() throws {
        let n = 99
        let alphas = [0.01, 0.05, 0.1, 0.2, 0.5]
        var hits = [Int](repeating: 0, count: alphas.count)
        var total = 0
        for seed in 0..<500 as Range<UInt64> {
            var rng = DetectionTestRandom(seed: 1000 + seed)
            let draw = { (rng: inout DetectionTestRandom) -> Float in Float(-log(1 - rng.uniform())) }  // Exp(1)
            let c = try ConformalCalibration(scores: (0..<n).map { _ in draw(&rng) })
            for _ in 0..<40 {
                let p = c.pValue(draw(&rng))
                for (k, alpha) in alphas.enumerated() where p <= alpha { hits[k] += 1 }
                total += 1
            }
        }
        for (k, alpha) in alphas.enumerated() {
            let rate = Double(hits[k]) / Double(total)
            let noise = ConformalRateNoise(n: n, alpha: alpha, calibrations: 500, tests: 40)
            XCTAssertEqual(rate, noise.expectedRate, accuracy: noise.tolerance, "alpha \(alpha)")
            XCTAssertLessThanOrEqual(rate, alpha + noise.tolerance, "alpha \(alpha)")
        }
    }

    /// With heavily tied (discrete) scores the p-values are still super-uniform:
    /// the empirical CDF stays at or below the diagonal everywhere, up to four standard
    /// deviations of the sampling noise of continuous scores (``ConformalRateNoise``; ties only
    /// make the p-values coarser, and their rate at or below the continuous one).
    func testPValuesAreSuperUniformWithTies() throws {
        let n = 30
        var pValues: [Double] = []
        for seed in 0..<400 as Range<UInt64> {
            var rng = DetectionTestRandom(seed: 5000 + seed)
            let c = try ConformalCalibration(scores: (0..<n).map { _ in Float(rng.int(6)) })
            for _ in 0..<25 { pValues.append(c.pValue(Float(rng.int(6)))) }
        }
        for step in 1...99 {
            let alpha = Double(step) / 100
            let rate = Double(pValues.filter { $0 <= alpha }.count) / Double(pValues.count)
            let noise = ConformalRateNoise(n: n, alpha: alpha, calibrations: 400, tests: 25)
            XCTAssertLessThanOrEqual(rate, alpha + noise.tolerance, "alpha \(alpha)")
        }
    }

    func testRejectsBadInput() throws {
        XCTAssertThrowsError(try ConformalCalibration(scores: [])) {
            XCTAssertEqual($0 as? DetectionError, .emptyScores)
        }
        XCTAssertThrowsError(try ConformalCalibration(scores: [1, .nan])) {
            XCTAssertEqual($0 as? DetectionError, .nanScore(index: 1))
        }
        let c = try ConformalCalibration(scores: [1, 2])
        XCTAssertThrowsError(try c.scoreCut(alpha: 0))
        XCTAssertThrowsError(try c.scoreCut(alpha: 1))
    }

    func testCodableRoundTrip() throws {
        let c = try ConformalCalibration(scores: [3, 1, 2])
        let json = try JSONEncoder().encode(c)
        XCTAssertEqual(String(decoding: json, as: UTF8.self), "[1,2,3]")
        XCTAssertEqual(try JSONDecoder().decode(ConformalCalibration.self, from: json), c)
        XCTAssertEqual(
            try JSONDecoder().decode(ConformalCalibration.self, from: Data("[2,1]".utf8)).sortedScores, [1, 2])
        XCTAssertThrowsError(try JSONDecoder().decode(ConformalCalibration.self, from: Data("[]".utf8)))
    }
}
