import XCTest

@testable import Latent

/// The defaults size training to the data (issue 6: ~290 rows need thousands of steps).
final class TrainingPlanTests: XCTestCase {
    func testSmallTableGetsSmallBatchesAndThousandsOfSteps() {
        // The UCR ECG5000 training split: 292 normal rows, 20 % (58) held out for calibration,
        // 10 % of the rest (23) for early stopping → 211 trained on.
        var dense = DetectorConfiguration()
        dense.model = .dense
        let plan = TrainingPlan(
            configuration: dense, exampleShape: [140],
            trainingRows: 211, earlyStoppingRows: 23, calibrationRows: 58)
        XCTAssertEqual(plan.batchSize, 32)
        XCTAssertEqual(plan.stepsPerEpoch, 7)
        XCTAssertEqual(plan.minimumEpochs, 143)  // 143 × 7 = 1001 steps
        XCTAssertGreaterThanOrEqual(plan.minimumEpochs * plan.stepsPerEpoch, 1000)
        XCTAssertEqual(plan.maximumEpochs, 286)
        XCTAssertEqual(plan.patience, 28)
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
        XCTAssertEqual(plan.minimumEpochs, 6)  // ⌈1000 / 188⌉
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
        XCTAssertEqual(TrainingPlan.defaultWidths(features: 100), [64, 32, 16, 12])
        // Few features: wide layers and a code of 8, not a funnel down to 2 (issue 15).
        XCTAssertEqual(TrainingPlan.defaultWidths(features: 30), [64, 32, 16, 8])
        XCTAssertEqual(TrainingPlan.defaultWidths(features: 6), [64, 32, 16, 8])
    }
}

extension TrainingPlanTests {
    func testAutomaticScalerIsGlobalForOneUnitAndPerFeatureForMixedUnits() {
        let signal = TrainingPlan(
            configuration: DetectorConfiguration(), exampleShape: [64], trainingRows: 100,
            earlyStoppingRows: 10, calibrationRows: 25,
            featureRanges: [1, 2.5, 8, 3] + [Float](repeating: 2, count: 60))
        XCTAssertEqual(signal.scaler, .global, "64 samples with ranges within a factor 8")
        let withConstant = TrainingPlan(
            configuration: DetectorConfiguration(), exampleShape: [64], trainingRows: 100,
            earlyStoppingRows: 10, calibrationRows: 25,
            featureRanges: [1, 2.5, 8, 0] + [Float](repeating: 2, count: 60))
        XCTAssertEqual(withConstant.scaler, .perFeature, "a column constant in training is no signal")
        let table = TrainingPlan(
            configuration: DetectorConfiguration(), exampleShape: [4], trainingRows: 100,
            earlyStoppingRows: 10, calibrationRows: 25, featureRanges: [1, 2.5, 8, 0])
        XCTAssertEqual(table.scaler, .perFeature, "4 columns are a table, not a signal")
        XCTAssertTrue(table.notes.contains { $0.contains("a table, not a signal") }, "\(table.notes)")
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
