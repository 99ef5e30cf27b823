import Foundation
import XCTest

@testable import Latent

/// Detector manifests from the detector-json fuzz target (Fuzz/): an untrusted
/// `detector.json` is refused with the file named, never a trap.
final class AnomalyDetectorHostileTests: XCTestCase {
    func testExampleShapeWhoseSizeOverflowsIsRefused() throws {
        // example_shape [2^32, 2^32]: computing the feature count trapped on overflow.
        let dir = try temporaryDirectory(self).appendingPathComponent("detector")
        try DetectorTestData.fitted.save(to: dir, source: "waves.csv")
        let fixture = try XCTUnwrap(
            Bundle.module.url(
                forResource: "Fixtures/fuzz/detector-json-example-shape-overflow",
                withExtension: "json"))
        let manifest = dir.appendingPathComponent(AnomalyDetector.manifestFileName)
        try FileManager.default.removeItem(at: manifest)
        try FileManager.default.copyItem(at: fixture, to: manifest)
        XCTAssertThrowsError(try AnomalyDetector.load(from: dir)) { error in
            XCTAssertTrue(error is DetectorError, "\(error)")
            XCTAssertTrue("\(error)".contains(manifest.path), "\(error)")
            XCTAssertTrue(
                "\(error)".contains("invalid example shape [4294967296, 4294967296]"), "\(error)")
        }
    }
}
