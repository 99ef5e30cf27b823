import XCTest

@testable import Latent

/// The defaults size training to the data (issue 6: ~290 rows need thousands of steps).
final class TrainingPlanTests: XCTestCase {
    func testSmallTableGetsSmallBatchesAndThousandsOfSteps() {
        // The UCR ECG5000 training split: 292 normal rows, 20 % (58) held out for calibration,
        // 10 % of the rest (23) for early stopping → 211 trained on.
        let plan = TrainingPlan(
            configuration: DetectorConfiguration(), exampleShape: [140],
            trainingRows: 211, earlyStoppingRows: 23, calibrationRows: 58)
        XCTAssertEqual(plan.batchSize, 32)
        XCTAssertEqual(plan.stepsPerEpoch, 7)
        XCTAssertEqual(plan.minimumEpochs, 429)  // 429 × 7 = 3003 steps
        XCTAssertGreaterThanOrEqual(plan.minimumEpochs * plan.stepsPerEpoch, 3000)
        XCTAssertEqual(plan.maximumEpochs, 858)
        XCTAssertEqual(plan.patience, 85)
        XCTAssertEqual(plan.hidden, [64, 32, 16])
        XCTAssertEqual(plan.scaler, .perFeature)
        XCTAssertFalse(plan.notes.isEmpty, "the choices are explained")
    }

    func testLargeDataCapsTheBatchAndImagesScaleGlobally() {
        let plan = TrainingPlan(
            configuration: DetectorConfiguration(), exampleShape: [28, 28, 1],
            trainingRows: 48_000, earlyStoppingRows: 5_000, calibrationRows: 12_000)
        XCTAssertEqual(plan.batchSize, 256)
        XCTAssertEqual(plan.stepsPerEpoch, 188)
        XCTAssertEqual(plan.minimumEpochs, 16)
        XCTAssertEqual(plan.scaler, .global)
    }

    func testExplicitEpochsCapTheRunAndWarn() {
        var c = DetectorConfiguration()
        c.epochs = 20
        c.batchSize = 512
        let plan = TrainingPlan(
            configuration: c, exampleShape: [140], trainingRows: 234, earlyStoppingRows: 23,
            calibrationRows: 58)
        XCTAssertEqual(plan.batchSize, 234, "a batch is at most the row count")
        XCTAssertEqual(plan.maximumEpochs, 20)
        XCTAssertEqual(plan.minimumEpochs, 20)
        XCTAssertTrue(plan.notes.contains { $0.hasPrefix("Warning") }, "\(plan.notes)")
    }

    func testDefaultWidthsHalveDownToTheCode() {
        XCTAssertEqual(TrainingPlan.defaultWidths(features: 140), [64, 32, 16])
        XCTAssertEqual(TrainingPlan.defaultWidths(features: 784), [64, 32, 16])
        XCTAssertEqual(TrainingPlan.defaultWidths(features: 30), [15, 7, 3])
        XCTAssertEqual(TrainingPlan.defaultWidths(features: 4), [2])
    }
}

extension TrainingPlanTests {
    func testAutomaticScalerIsGlobalForOneUnitAndPerFeatureForMixedUnits() {
        let signal = TrainingPlan(
            configuration: DetectorConfiguration(), exampleShape: [4], trainingRows: 100,
            earlyStoppingRows: 10, calibrationRows: 25, featureRanges: [1, 2.5, 8, 0])
        XCTAssertEqual(
            signal.scaler, .global, "ranges within a factor 8 (constant features ignored)")
        let mixed = TrainingPlan(
            configuration: DetectorConfiguration(), exampleShape: [3], trainingRows: 100,
            earlyStoppingRows: 10, calibrationRows: 25, featureRanges: [0.1, 2000, 5])
        XCTAssertEqual(mixed.scaler, .perFeature)
        var forced = DetectorConfiguration()
        forced.scaler = .perFeature
        XCTAssertEqual(
            TrainingPlan(
                configuration: forced, exampleShape: [4], trainingRows: 100, earlyStoppingRows: 10,
                calibrationRows: 25,
                featureRanges: [1, 1, 1, 1]
            ).scaler, .perFeature)
    }
}
