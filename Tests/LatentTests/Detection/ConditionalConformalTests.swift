import Foundation
import XCTest

@testable import Latent

/// The two guarantees, by simulation on synthetic scores (fast: no network):
/// Benjamini–Hochberg over conformal p-values keeps the false discovery rate ≤ Q, and the
/// DKW calibration-conditional rule keeps the realised false-alarm rate ≤ ALPHA in at
/// least a fraction CONFIDENCE of calibration draws.
final class ConditionalConformalTests: XCTestCase {
    private func normal(_ random: inout DetectionTestRandom) -> Float {
        let u = max(random.uniform(), 1e-12)
        let v = random.uniform()
        return Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
    }

    func testRuleParsesPrintsAndValidates() throws {
        let rule = try ThresholdRule(parsing: "fpr:0.05@0.9")
        XCTAssertEqual(rule, .conditionalFalsePositiveRate(0.05, confidence: 0.9))
        XCTAssertEqual(rule.description, "fpr:0.05@0.9")
        XCTAssertEqual(try ThresholdRule(parsing: rule.description), rule)
        XCTAssertThrowsError(try ThresholdRule(parsing: "fpr:0.05@1"))
        XCTAssertThrowsError(try ThresholdRule(parsing: "fpr:0.05@x"))
        XCTAssertThrowsError(try ThresholdRule(parsing: "fpr:1.5@0.9"))
        XCTAssertEqual(try ThresholdRule(parsing: "fpr:0.05"), .falsePositiveRate(0.05))
        let simes = try ThresholdRule(parsing: "fpr:0.05@0.9:simes")
        XCTAssertEqual(simes, .conditionalFalsePositiveRate(0.05, confidence: 0.9, bound: .simes))
        XCTAssertEqual(simes.description, "fpr:0.05@0.9:simes")
        XCTAssertEqual(try ThresholdRule(parsing: "fpr:0.05@0.9:dkw").description, "fpr:0.05@0.9")
        XCTAssertThrowsError(try ThresholdRule(parsing: "fpr:0.05@0.9:bonferroni"))
        // Simes needs fewer calibration rows than DKW to flag anything at 0.05.
        XCTAssertTrue(
            ConformalCalibration.conditionalRuleCanFlag(
                count: 300, alpha: 0.05, confidence: 0.9, bound: .simes))
        XCTAssertFalse(
            ConformalCalibration.conditionalRuleCanFlag(
                count: 300, alpha: 0.05, confidence: 0.9, bound: .dkw))
    }

    func testConditionalPValueAndCutAgree() throws {
        var random = DetectionTestRandom(seed: 3)
        let calibration = try ConformalCalibration(scores: (0..<400).map { _ in normal(&random) })
        let alpha = 0.15
        let confidence = 0.9
        let cut = try calibration.conditionalScoreCut(alpha: alpha, confidence: confidence)
        XCTAssertTrue(cut.isFinite)
        for _ in 0..<2000 {
            let s = normal(&random) * 1.5
            let p = calibration.conditionalPValue(s, confidence: confidence)
            XCTAssertGreaterThanOrEqual(p, calibration.pValue(s))
            XCTAssertEqual(s > cut, p <= alpha, "score \(s), cut \(cut), p \(p)")
        }
        for s in calibration.sortedScores {
            XCTAssertEqual(s > cut, calibration.conditionalPValue(s, confidence: confidence) <= alpha)
        }
        // Too few calibration scores: nothing can be flagged.
        let small = try ConformalCalibration(scores: Array(calibration.sortedScores.prefix(40)))
        XCTAssertEqual(try small.conditionalScoreCut(alpha: 0.05, confidence: 0.9), .infinity)
        let needed = ConformalCalibration.minimumConditionalCount(alpha: 0.05, confidence: 0.9)
        XCTAssertEqual(needed, 639)  // (0.05 − ε(n))·n ≥ 1
    }

    /// Many calibration draws of n = 1000 uniform scores (so a cut t realises the
    /// false-alarm rate 1 − t exactly): the conditional rule exceeds ALPHA in ≤ DELTA of
    /// draws; the marginal rule exceeds it in about half of them.
    func testConditionalRuleHoldsWithTheStatedConfidence() throws {
        let n = 1000
        let draws = 2000
        let alpha = 0.1
        let confidence = 0.9
        var random = DetectionTestRandom(seed: 2023)
        var conditionalExceed = 0
        var marginalExceed = 0
        var simesExceed = 0
        var conditionalSum = 0.0
        var marginalSum = 0.0
        var simesSum = 0.0
        for _ in 0..<draws {
            let calibration = try ConformalCalibration(
                scores: (0..<n).map { _ in Float(random.uniform()) })
            let conditional =
                1
                - Double(
                    try calibration.conditionalScoreCut(alpha: alpha, confidence: confidence))
            let marginal = 1 - Double(try calibration.scoreCut(alpha: alpha))
            let simes = 1 - Double(calibration.simesScoreCut(alpha: alpha, confidence: confidence))
            simesSum += simes
            if simes > alpha { simesExceed += 1 }
            conditionalSum += conditional
            marginalSum += marginal
            if conditional > alpha { conditionalExceed += 1 }
            if marginal > alpha { marginalExceed += 1 }
        }
        let conditionalShare = Double(conditionalExceed) / Double(draws)
        let marginalShare = Double(marginalExceed) / Double(draws)
        print(
            "conditional fpr:\(alpha)@\(confidence), n=\(n), \(draws) draws: rate > ALPHA in "
                + "\(conditionalShare) of draws (mean rate \(conditionalSum / Double(draws))); "
                + "marginal fpr:\(alpha): \(marginalShare) (mean rate \(marginalSum / Double(draws))); "
                + "Simes: \(Double(simesExceed) / Double(draws)) (mean rate \(simesSum / Double(draws)))")
        XCTAssertLessThanOrEqual(Double(simesExceed) / Double(draws), (1 - confidence) + 0.02)
        XCTAssertLessThanOrEqual(conditionalShare, (1 - confidence) + 0.02)
        XCTAssertLessThanOrEqual(marginalSum / Double(draws), alpha + 0.002)
        XCTAssertGreaterThan(marginalShare, 0.3, "the marginal rule is only right on average")
    }

    /// Normal calibration scores N(0, 1); test batches with 10 % anomalies N(3.5, 1):
    /// Benjamini–Hochberg at Q over the conformal p-values keeps the false discovery
    /// proportion ≤ Q on average over seeds (each seed a new calibration and test draw).
    func testBenjaminiHochbergOverConformalPValuesControlsTheFDR() throws {
        let seeds = 400
        let n = 500
        let m = 500
        let q = 0.1
        var fdpSum = 0.0
        var powerSum = 0.0
        for seed in 0..<seeds {
            var random = DetectionTestRandom(seed: UInt64(1000 + seed))
            let calibration = try ConformalCalibration(scores: (0..<n).map { _ in normal(&random) })
            var scores: [Float] = []
            var isAnomaly: [Bool] = []
            for _ in 0..<m {
                let anomaly = random.bool(probability: 0.1)
                scores.append(normal(&random) + (anomaly ? 3.5 : 0))
                isAnomaly.append(anomaly)
            }
            let discoveries = try benjaminiHochberg(
                calibration.pValues(scores), falseDiscoveryRate: q)
            let made = discoveries.filter { $0 }.count
            let false_ = zip(discoveries, isAnomaly).filter { $0 && !$1 }.count
            fdpSum += made == 0 ? 0 : Double(false_) / Double(made)
            let anomalies = isAnomaly.filter { $0 }.count
            powerSum +=
                Double(zip(discoveries, isAnomaly).filter { $0 && $1 }.count)
                / Double(max(anomalies, 1))
        }
        let fdr = fdpSum / Double(seeds)
        let power = powerSum / Double(seeds)
        print("BH over conformal p-values at Q=\(q), \(seeds) seeds: mean FDP \(fdr), power \(power)")
        XCTAssertLessThanOrEqual(fdr, q)
        XCTAssertGreaterThan(power, 0.3)
    }
}
