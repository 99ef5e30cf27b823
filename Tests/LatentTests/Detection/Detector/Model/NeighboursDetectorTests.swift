import XCTest

@testable import Latent

/// The default model for tables: nearest neighbours, chosen, fitted, calibrated, saved and
/// loaded like any detector.
final class NeighboursDetectorTests: TemporaryDirectoryTestCase {
    private static let data = DetectorTestData.rows(count: 300, anomalyEvery: 6, seed: 21)

    func testIsTheDefaultForTablesButNotForImagesNorConfiguredTraining() {
        let c = DetectorConfiguration()
        XCTAssertEqual(TrainingPlan.model(for: c, exampleShape: [16]).0, .neighbours)
        XCTAssertEqual(TrainingPlan.model(for: c, exampleShape: [28, 28, 1]).0, .dense)
        var trained = c
        trained.hidden = [8, 4]
        XCTAssertEqual(TrainingPlan.model(for: trained, exampleShape: [16]).0, .dense)
        var named = c
        named.model = .vae
        XCTAssertEqual(TrainingPlan.model(for: named, exampleShape: [16]).0, .vae)
    }

    func testFitsWithoutTrainingAndSeparatesSpikedRows() throws {
        let (x, isNormal) = Self.data
        let detector = try AnomalyDetector.fit(x, isNormal: isNormal)
        XCTAssertEqual(detector.plan.model, .neighbours)
        XCTAssertNil(detector.model)
        XCTAssertEqual(detector.plan.earlyStoppingRows, 0, "nothing trains, so nothing stops early")
        XCTAssertEqual(detector.plan.referenceRows, detector.plan.trainingRows)
        XCTAssertEqual(detector.calibration.count, 50)
        let (test, normal) = DetectorTestData.rows(count: 120, anomalyEvery: 4, seed: 22)
        let auc = try ROCCurve(scores: try detector.score(test), labels: normal.map { !$0 }).auc
        XCTAssertGreaterThan(auc, 0.95)
        let why = try detector.explain(test.rows(3..<4), topK: 1)
        XCTAssertEqual(why[0].first?.index, 5, "the spiked feature explains the row")
    }

    func testCalibrationScoresAreHeldOutRowsAgainstTheRememberedOnes() throws {
        let (x, isNormal) = Self.data
        var c = DetectorConfiguration()
        c.seed = 4
        let detector = try AnomalyDetector.fit(x, isNormal: isNormal, configuration: c)
        let diagnostics = try XCTUnwrap(detector.diagnostics)
        // The held-out rows, found again by shuffling as fit does, score as calibrated.
        var g = RandomGenerator(seed: 4)
        var normal = isNormal.indices.filter { isNormal[$0] }
        g.shuffle(&normal)
        let held = Array(normal.prefix(50))
        let rescored = try detector.score(x.gathering(rows: held))
        XCTAssertEqual(rescored.sorted(), diagnostics.calibrationScores.sorted())
        XCTAssertEqual(diagnostics.trainingScores.count, 200)
        XCTAssertTrue(diagnostics.trainingScores.allSatisfy { $0 > 0 }, "own copies are skipped")
    }

    func testSavesAndLoadsToTheSameBits() throws {
        let (x, isNormal) = Self.data
        let detector = try AnomalyDetector.fit(x, isNormal: isNormal)
        let dir = directory.appendingPathComponent("det")
        try detector.save(to: dir)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("neighbours.npy").path))
        let loaded = try AnomalyDetector.load(from: dir)
        XCTAssertEqual(loaded.plan.model, .neighbours)
        XCTAssertEqual(try loaded.score(x).map(\.bitPattern), try detector.score(x).map(\.bitPattern))
        XCTAssertEqual(loaded.threshold, detector.threshold)
    }

    func testDamagedRememberedRowsAreRefusedNamingTheFile() throws {
        let (x, isNormal) = Self.data
        let dir = directory.appendingPathComponent("det")
        try AnomalyDetector.fit(x, isNormal: isNormal).save(to: dir)
        let file = dir.appendingPathComponent("neighbours.npy")
        try NPYFile.write(Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]), to: file)
        XCTAssertThrowsError(try AnomalyDetector.load(from: dir)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("neighbours.npy") && text.contains("[3, 2]"), text)
        }
        try NPYFile.write(Tensor(shape: [3, 16], scalars: [Float](repeating: .nan, count: 48)), to: file)
        XCTAssertThrowsError(try AnomalyDetector.load(from: dir)) { error in
            XCTAssertTrue("\(error)".contains("finite"), "\(error)")
        }
        try Data([1, 2, 3]).write(to: file)
        XCTAssertThrowsError(try AnomalyDetector.load(from: dir)) { error in
            XCTAssertTrue("\(error)".contains("neighbours.npy"), "\(error)")
        }
    }
}
