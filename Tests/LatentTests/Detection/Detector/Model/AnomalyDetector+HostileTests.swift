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

    func testModelWhoseDecoderDoesNotReconstructItsInputIsRefused() throws {
        // A hand-edited model.json: the decoder reshapes its 16 outputs to [4, 4], so the
        // reconstruction no longer has the input's shape; scoring would trap on it.
        let dir = try temporaryDirectory(self).appendingPathComponent("detector")
        try DetectorTestData.fitted.save(to: dir, source: "waves.csv")
        let modelURL = dir.appendingPathComponent("model.json")
        var description = try JSONDecoder().decode(
            ModelFile.Description.self, from: Data(contentsOf: modelURL))
        guard case .autoencoder(let encoder, let decoderSpec) = description.architecture,
            let decoder = (decoderSpec.kind as? Sequential.Spec)?.layers
        else {
            return XCTFail("expected a dense autoencoder, found \(description.architecture)")
        }
        description.architecture = .autoencoder(
            encoder: encoder, decoder: .sequential(decoder + [.reshape([4, 4])]))
        try JSONEncoder().encode(description).write(to: modelURL)
        XCTAssertThrowsError(try AnomalyDetector.load(from: dir)) { error in
            XCTAssertTrue(error is DetectorError, "\(error)")
            XCTAssertTrue("\(error)".contains(modelURL.path), "\(error)")
            XCTAssertTrue(
                "\(error)".contains(
                    "the decoder gives outputs of shape [4, 4], not the input shape [16]"),
                "\(error)")
        }
    }
}
