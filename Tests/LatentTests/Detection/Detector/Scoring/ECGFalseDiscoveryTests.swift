import Foundation
import XCTest

@testable import Latent

/// `--fdr Q` on real beats: Benjamini–Hochberg over conformal p-values of batches of
/// bundled ECG5000 rows, 10 % of them anomalous, keeps the false discovery proportion
/// ≤ Q on average over seeds.
final class ECGFalseDiscoveryTests: XCTestCase {
    func testBenjaminiHochbergOnECGBatchesWithTenPercentAnomalies() throws {
        let ecg = try ECG5000.bundled()
        var generator = RandomGenerator(seed: 7)
        let (trainRows, testRows) = Dataset.splitIndices(
            count: ecg.count, fraction: 0.5, using: &generator)
        let train = ecg.subset(trainRows)
        let test = ecg.subset(testRows)
        var configuration = DetectorConfiguration()
        configuration.epochs = 60  // FDR needs only exchangeability; power needs a fair model
        configuration.seed = 7
        let detector = try AnomalyDetector.fit(
            train.features, isNormal: train.labels!.map { $0 == ECG5000.normalLabel },
            configuration: configuration)
        let testScores = try detector.score(test.features)
        let testNormal = test.labels!.map { $0 == ECG5000.normalLabel }
        // One model, scores computed once; each seed re-draws which held-out normal rows
        // calibrate and which are tested (exchangeable), and which anomalies join them.
        let normalPool =
            detector.calibration.sortedScores
            + zip(testScores, testNormal).filter { $0.1 }.map(\.0)
        let anomalyPool = zip(testScores, testNormal).filter { !$0.1 }.map(\.0)
        let n = 1000
        let normals = 450
        let anomalies = 50
        let q = 0.1
        let seeds = 300
        XCTAssertGreaterThan(normalPool.count, n + normals)
        var random = DetectionTestRandom(seed: 99)
        var fdpSum = 0.0
        var powerSum = 0.0
        for _ in 0..<seeds {
            var pool = normalPool
            for i in 0..<(n + normals) { pool.swapAt(i, i + random.int(pool.count - i)) }
            let calibration = try ConformalCalibration(scores: Array(pool[0..<n]))
            var scores = Array(pool[n..<(n + normals)])
            for _ in 0..<anomalies { scores.append(anomalyPool[random.int(anomalyPool.count)]) }
            let discoveries = try benjaminiHochberg(
                calibration.pValues(scores), falseDiscoveryRate: q)
            let made = discoveries.filter { $0 }.count
            let falseOnes = discoveries[0..<normals].filter { $0 }.count
            fdpSum += made == 0 ? 0 : Double(falseOnes) / Double(made)
            powerSum += Double(made - falseOnes) / Double(anomalies)
        }
        let fdr = fdpSum / Double(seeds)
        let power = powerSum / Double(seeds)
        print("ECG5000, 10 % anomalies, BH at Q=\(q) over \(seeds) seeds: mean FDP \(fdr), power \(power)")
        XCTAssertLessThanOrEqual(fdr, q)
        // Only against a vacuous pass (no discoveries keeps any FDR): the power depends on
        // the model, which 60 short epochs leave seed-dependent (fit seeds 7–11: 0.18–0.72).
        XCTAssertGreaterThan(power, 0.1)
    }
}
