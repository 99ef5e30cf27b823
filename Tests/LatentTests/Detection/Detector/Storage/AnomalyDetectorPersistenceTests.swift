import Foundation
import XCTest

@testable import Latent

/// A detector directory round-trips exactly, and every broken directory is refused with
/// a message naming the file at fault.
final class AnomalyDetectorPersistenceTests: XCTestCase {
    private func saved() throws -> URL {
        let dir = try temporaryDirectory(self).appendingPathComponent("detector")
        try DetectorTestData.fitted.save(to: dir, source: "waves.csv")
        return dir
    }

    func testRoundTripGivesIdenticalScores() throws {
        let dir = try saved()
        for file in [
            "detector.json", "model.json", "model.safetensors", "calibration.json", "history.csv",
            "report.html",
        ] {
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), file)
        }
        let loaded = try AnomalyDetector.load(from: dir)
        let original = DetectorTestData.fitted
        let (x, _) = DetectorTestData.rows(count: 30, anomalyEvery: 3, seed: 9)
        XCTAssertEqual(try loaded.score(x), try original.score(x))
        XCTAssertEqual(try loaded.pValues(x), try original.pValues(x))
        XCTAssertEqual(loaded.threshold, original.threshold)
        XCTAssertEqual(loaded.schema, original.schema)
        XCTAssertEqual(loaded.scaler, original.scaler)
        XCTAssertEqual(loaded.plan, original.plan)
        XCTAssertEqual(loaded.ruleThresholds, original.ruleThresholds)
        XCTAssertNil(loaded.diagnostics)
    }

    func testManifestRecordsTheChoices() throws {
        let dir = try saved()
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: dir.appendingPathComponent("detector.json")))
            as! [String: Any]
        XCTAssertEqual(json["format"] as? String, "latent-detector")
        XCTAssertEqual(json["format_version"] as? Int, 1)
        XCTAssertEqual(json["latent_version"] as? String, DetectorManifest.latentVersion)
        let threshold = json["threshold"] as! [String: Any]
        XCTAssertEqual(threshold["rule"] as? String, "fpr:0.1")
        let training = json["training"] as! [String: Any]
        for key in [
            "batch_size", "epochs_run", "best_epoch", "minimum_epochs", "patience", "hidden",
            "notes",
        ] {
            XCTAssertNotNil(training[key], key)
        }
        let calibration = json["calibration"] as! [String: Any]
        XCTAssertEqual(calibration["size"] as? Int, 50)
        let report = try String(
            contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        for text in [
            "Loss per epoch", "Score histograms", "calibration rows", "expected false-alarm rate",
            "Beta(k + 1, n − k)",
        ] {
            XCTAssertTrue(report.contains(text), text)
        }
    }

    private func assertRefused(
        _ dir: URL, naming file: String, _ fragment: String, line: UInt = #line
    ) {
        XCTAssertThrowsError(try AnomalyDetector.load(from: dir), line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(file), "names \(file): \(text)", line: line)
            XCTAssertTrue(text.contains(fragment), "says \(fragment): \(text)", line: line)
        }
    }

    private func editManifest(_ dir: URL, _ edit: (inout [String: Any]) -> Void) throws {
        let url = dir.appendingPathComponent("detector.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        edit(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: url)
    }

    func testMissingDirectoryAndFiles() throws {
        let dir = try saved()
        assertRefused(dir.appendingPathComponent("nope"), naming: "nope", "no such directory")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("calibration.json"))
        assertRefused(dir, naming: "calibration.json", "missing")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("detector.json"))
        assertRefused(dir, naming: "detector.json", "missing")
    }

    func testMissingWeightsFile() throws {
        let dir = try saved()
        try FileManager.default.removeItem(at: dir.appendingPathComponent("model.safetensors"))
        assertRefused(dir, naming: "model.safetensors", "does not exist")
    }

    func testNewerFormatVersionIsRefusedWithTheVersions() throws {
        let dir = try saved()
        try editManifest(dir) {
            $0["format_version"] = 7
            $0["latent_version"] = "9.0.0"
            $0["new_field"] = [1]
        }
        assertRefused(dir, naming: "detector.json", "format version 7 (written by Latent 9.0.0)")
    }

    func testOtherFormatAndBrokenJSON() throws {
        let dir = try saved()
        try editManifest(dir) { $0["format"] = "something-else" }
        assertRefused(dir, naming: "detector.json", "not 'latent-detector'")
        try Data("{ not json".utf8).write(to: dir.appendingPathComponent("detector.json"))
        assertRefused(dir, naming: "detector.json", "not valid JSON")
    }

    func testFileOutsideTheDirectoryIsRefused() throws {
        let dir = try saved()
        try editManifest(dir) { json in
            var files = json["files"] as! [String: Any]
            files["calibration"] = "../calibration.json"
            json["files"] = files
        }
        assertRefused(dir, naming: "detector.json", "outside the detector directory")
    }

    func testFeatureCountMismatchBetweenSchemaAndModel() throws {
        let dir = try saved()
        try editManifest(dir) { json in
            var schema = json["schema"] as! [String: Any]
            schema["example_shape"] = [15]
            json["schema"] = schema
        }
        XCTAssertThrowsError(try AnomalyDetector.load(from: dir)) { error in
            XCTAssertTrue("\(error)".contains("detector.json"), "\(error)")
        }
    }

    func testCalibrationSizeMismatch() throws {
        let dir = try saved()
        try Data(#"{"count": 2, "scores": [0.1, 0.2]}"#.utf8).write(
            to: dir.appendingPathComponent("calibration.json"))
        assertRefused(dir, naming: "calibration.json", "records 50 calibration rows")
    }

    func testSavingOverAnExistingDirectoryReplacesIt() throws {
        let dir = try saved()
        try Data("stale".utf8).write(to: dir.appendingPathComponent("stale.txt"))
        try DetectorTestData.fitted.save(to: dir)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: dir.appendingPathComponent("stale.txt").path))
        XCTAssertNoThrow(try AnomalyDetector.load(from: dir))
        let siblings = try FileManager.default.contentsOfDirectory(
            atPath: dir.deletingLastPathComponent().path)
        XCTAssertEqual(siblings, ["detector"], "no staging directory is left behind")
    }

    func testAnExistingDirectoryThatIsNotADetectorIsNeverReplaced() throws {
        let dir = try temporaryDirectory(self).appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: dir.appendingPathComponent("holiday.jpg"))
        XCTAssertThrowsError(try DetectorTestData.fitted.save(to: dir)) { error in
            XCTAssertTrue("\(error)".contains("photos"), "\(error)")
            XCTAssertTrue("\(error)".contains("left untouched"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("holiday.jpg"), encoding: .utf8), "precious")
        let (x, isNormal) = DetectorTestData.rows(count: 12, anomalyEvery: 3, seed: 23)
        let evaluation = try DetectorEvaluation(DetectorTestData.fitted, rows: x, isNormal: isNormal)
        XCTAssertThrowsError(try evaluation.write(to: dir, source: "x"))
        let out = dir.deletingLastPathComponent().appendingPathComponent("evaluation")
        try evaluation.write(to: out, source: "x")
        try evaluation.write(to: out, source: "x")  // an earlier evaluation is replaced
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("metrics.json").path))
    }
}
