import XCTest

@testable import Latent

/// Fit, score, predict, p-values and explanations on small synthetic waves.
final class AnomalyDetectorTests: XCTestCase {
    func testSeparatesSpikedRowsFromNormalOnes() throws {
        let detector = DetectorTestData.fitted
        let (test, isNormal) = DetectorTestData.rows(count: 120, anomalyEvery: 4, seed: 2)
        let scores = try detector.score(test)
        XCTAssertEqual(scores.count, 120)
        let auc = try ROCCurve(scores: scores, labels: isNormal.map { !$0 }).auc
        XCTAssertGreaterThan(auc, 0.95, "a spike of 4 on a smooth wave is easy to see")
    }

    func testPredictIsScoreAboveThresholdAndPValuesAreConformal() throws {
        let detector = DetectorTestData.fitted
        let (test, _) = DetectorTestData.rows(count: 40, anomalyEvery: 4, seed: 3)
        let scores = try detector.score(test)
        XCTAssertEqual(try detector.predict(test), scores.map { $0 > detector.threshold })
        let calibration = detector.calibration.sortedScores
        let expected = scores.map { s in
            Double(1 + calibration.filter { $0 >= s }.count) / Double(calibration.count + 1)
        }
        XCTAssertEqual(try detector.pValues(test), expected)
    }

    func testThresholdIsTheRuleOnHeldOutNormalRowsOnly() throws {
        let detector = DetectorTestData.fitted
        let diagnostics = try XCTUnwrap(detector.diagnostics)
        // 240 rows, every 6th anomalous → 200 normal; 25 % held out for calibration, 10 % of
        // the other 150 for early stopping.
        XCTAssertEqual(diagnostics.normalRows, 200)
        XCTAssertEqual(diagnostics.anomalousRows, 40)
        XCTAssertEqual(detector.calibration.count, 50)
        XCTAssertEqual(detector.plan.calibrationRows, 50)
        XCTAssertEqual(detector.plan.earlyStoppingRows, 15)
        XCTAssertEqual(detector.plan.trainingRows, 135)
        XCTAssertEqual(diagnostics.trainingScores.count, 135)
        XCTAssertEqual(
            detector.threshold,
            try ThresholdRule.falsePositiveRate(0.1).threshold(
                calibrationScores: diagnostics.calibrationScores))
        XCTAssertEqual(detector.ruleThresholds["fpr:0.1"], detector.threshold)
        XCTAssertNotNil(detector.ruleThresholds["youden"], "labelled anomalies allow youden")
    }

    func testEarlyStoppingKeepsTheBestEpoch() throws {
        let detector = DetectorTestData.fitted
        let history = try XCTUnwrap(detector.diagnostics).history
        let best = history.validationLosses.enumerated().min { $0.element < $1.element }!.offset + 1
        XCTAssertEqual(detector.plan.bestEpoch, best)
        XCTAssertEqual(detector.plan.epochsRun, history.epochs.count)
    }

    func testExplainNamesTheSpikedFeature() throws {
        let detector = DetectorTestData.fitted
        let (test, isNormal) = DetectorTestData.rows(
            count: 8, anomalyEvery: 2, spikeFeature: 11, seed: 4)
        let explanations = try detector.explain(test, topK: 3)
        for (i, top) in explanations.enumerated() where !isNormal[i] {
            XCTAssertEqual(top.count, 3)
            XCTAssertEqual(top[0].index, 11, "row \(i): \(top)")
            XCTAssertEqual(top[0].name, "f11")
            XCTAssertGreaterThanOrEqual(top[0].error, top[1].error)
        }
    }

    func testWrongWidthIsASchemaError() throws {
        let detector = DetectorTestData.fitted
        XCTAssertThrowsError(try detector.score(Tensor.zeros([3, 15]))) { error in
            XCTAssertTrue("\(error)".contains("15 features"), "\(error)")
            XCTAssertTrue("\(error)".contains("fitted on 16"), "\(error)")
        }
    }

    func testTooFewCalibrationRowsForTheRuleIsAClearError() throws {
        let (x, _) = DetectorTestData.rows(count: 40, seed: 5)
        var c = DetectorTestData.quickConfiguration(threshold: .falsePositiveRate(0.01))
        c.epochs = 1
        XCTAssertThrowsError(try AnomalyDetector.fit(x, configuration: c)) { error in
            XCTAssertTrue("\(error)".contains("at least 99 held-out normal rows"), "\(error)")
        }
        c.threshold = .youden
        XCTAssertThrowsError(try AnomalyDetector.fit(x, configuration: c)) { error in
            XCTAssertTrue("\(error)".contains("youden"), "\(error)")
        }
    }

    func testNonFiniteTrainingValueIsRejected() {
        var (x, _) = DetectorTestData.rows(count: 40, seed: 6)
        x.withUnsafeMutableBufferPointer { $0[17] = .nan }
        XCTAssertThrowsError(
            try AnomalyDetector.fit(x, configuration: DetectorTestData.quickConfiguration())
        ) { error in
            XCTAssertTrue("\(error)".contains("row 1, feature 1"), "\(error)")
        }
    }

    /// Scoring a NaN gives NaN, and `NaN > threshold` flags nothing: the library refuses
    /// such rows itself, naming the row and feature, whatever the caller read them from.
    func testNonFiniteScoringValueIsRejected() throws {
        let (x, _) = DetectorTestData.rows(count: 40, seed: 6)
        let detector = try AnomalyDetector.fit(x, configuration: DetectorTestData.quickConfiguration())
        var bad = x
        let d = bad.shape[1]
        bad.withUnsafeMutableBufferPointer { $0[2 * d + 1] = .infinity }
        for call in [{ _ = try detector.score(bad) }, { _ = try detector.evaluate(bad) }] {
            XCTAssertThrowsError(try call()) { error in
                XCTAssertTrue("\(error)".contains("row 2, feature 1 is inf"), "\(error)")
            }
        }
    }

    /// 8×8 images: a bright square in the top-left is normal, anywhere else anomalous.
    func squares(count: Int, seed: UInt64) -> (images: Tensor, isNormal: [Bool]) {
        var values: [Float] = []
        var isNormal: [Bool] = []
        var random = DetectionTestRandom(seed: seed)
        for i in 0..<count {
            let normal = i % 4 != 3
            let (top, left) =
                normal ? (random.int(2), random.int(2)) : (4 + random.int(2), 4 + random.int(2))
            for y in 0..<8 {
                for x in 0..<8 {
                    values.append(y >= top && y < top + 3 && x >= left && x < left + 3 ? 1 : 0)
                }
            }
            isNormal.append(normal)
        }
        return (Tensor(shape: [count, 8, 8], scalars: values), isNormal)
    }

    func testConvolutionalDetectorOnSmallImages() throws {
        let (images, isNormal) = squares(count: 96, seed: 7)
        var c = DetectorTestData.quickConfiguration()
        c.model = .conv
        c.hidden = [4, 4]
        c.epochs = 30
        let detector = try AnomalyDetector.fit(images, isNormal: isNormal, configuration: c)
        XCTAssertEqual(detector.schema.exampleShape, [8, 8, 1])
        XCTAssertEqual(detector.plan.scaler, .global)
        XCTAssertEqual(detector.schema.featureName(9), "(1, 1)")
        // New images of both kinds: the misplaced squares must rank above the normal ones.
        let (fresh, freshNormal) = squares(count: 200, seed: 17)
        let auroc = try ROCCurve(scores: try detector.score(fresh), labels: freshNormal.map { !$0 }).auc
        XCTAssertGreaterThan(auroc, 0.8, "measured 0.90")
    }

    func testConvolutionNeedsImagesOfTheRightSize() {
        var c = DetectorTestData.quickConfiguration()
        c.model = .conv
        XCTAssertThrowsError(try AnomalyDetector.fit(Tensor.zeros([40, 16]), configuration: c)) {
            error in
            XCTAssertTrue("\(error)".contains("`model` conv needs images"), "\(error)")
        }
    }

    func testVariationalDetectorTrainsAndScores() throws {
        let (x, isNormal) = DetectorTestData.rows(count: 120, anomalyEvery: 6, seed: 8)
        var c = DetectorTestData.quickConfiguration()
        c.model = .vae
        c.epochs = 10
        let detector = try AnomalyDetector.fit(x, isNormal: isNormal, configuration: c)
        XCTAssertTrue(detector.model is VariationalAutoencoder)
        XCTAssertEqual(try detector.score(x).count, 120)
        // New rows: those with a spike must rank above the normal ones.
        let (fresh, freshNormal) = DetectorTestData.rows(count: 300, anomalyEvery: 6, seed: 18)
        let auroc = try ROCCurve(scores: try detector.score(fresh), labels: freshNormal.map { !$0 }).auc
        XCTAssertGreaterThan(auroc, 0.95, "measured 0.991")
    }
}
