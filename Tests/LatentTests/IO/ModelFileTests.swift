import XCTest

@testable import Latent

final class ModelFileTests: TemporaryDirectoryTestCase {
    func roundTrip(_ model: any Model, inputShape: [Int], seed: UInt64 = 4) throws {
        let url = directory.appendingPathComponent("model")
        try ModelFile.save(model, inputShape: inputShape, metadata: ["epochs": 3], to: url)
        let (loaded, description) = try ModelFile.load(from: url)
        XCTAssertEqual(description.inputShape, inputShape)
        XCTAssertEqual(description.metadata["epochs"], 3)
        XCTAssertEqual(loaded.modelSpec, model.modelSpec)
        var g = RandomGenerator(seed: seed)
        let x = Tensor.randomUniform([5] + inputShape, using: &g)
        let before = withoutGradients { model(x) }.scalars
        let after = withoutGradients { loaded(x) }.scalars
        // Bit-identical predictions, not merely close.
        XCTAssertEqual(before.map(\.bitPattern), after.map(\.bitPattern))
    }

    func testRoundTripsEveryModelKind() throws {
        var g = RandomGenerator(seed: 1)
        try roundTrip(Architectures.fashionDenoiser(generator: &g), inputShape: [28, 28, 1])
        try roundTrip(
            VariationalAutoencoder(inputShape: [6, 6, 1], hidden: 8, codeSize: 2, generator: &g), inputShape: [6, 6, 1])
        try roundTrip(Architectures.denseVector(inputSize: 14, hidden: [8, 4], generator: &g), inputShape: [14])
        try roundTrip(Architectures.lenet(generator: &g), inputShape: [28, 28, 1])
    }

    func testRefusesWeightsOfAnotherShape() throws {
        var g = RandomGenerator(seed: 1)
        let url = directory.appendingPathComponent("model")
        try ModelFile.save(
            Architectures.denseVector(inputSize: 10, hidden: [4], generator: &g), inputShape: [10], to: url)
        // Replace the weights with those of a wider model but keep the JSON.
        let other = directory.appendingPathComponent("other")
        try ModelFile.save(
            Architectures.denseVector(inputSize: 12, hidden: [4], generator: &g), inputShape: [12], to: other)
        try FileManager.default.removeItem(at: url.appendingPathExtension("safetensors"))
        try FileManager.default.copyItem(
            at: other.appendingPathExtension("safetensors"), to: url.appendingPathExtension("safetensors"))
        XCTAssertThrowsError(try ModelFile.load(from: url)) { error in
            XCTAssertTrue("\(error)".contains("model.safetensors"), "\(error)")
            XCTAssertTrue("\(error)".contains("different save"), "\(error)")
        }
        // A damaged weights file (one flipped byte) is refused the same way.
        try FileManager.default.removeItem(at: url.appendingPathExtension("safetensors"))
        try ModelFile.save(
            Architectures.denseVector(inputSize: 10, hidden: [4], generator: &g), inputShape: [10], to: url)
        var bytes = try Data(contentsOf: url.appendingPathExtension("safetensors"))
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: url.appendingPathExtension("safetensors"))
        XCTAssertThrowsError(try ModelFile.load(from: url)) { error in
            XCTAssertTrue("\(error)".contains("SHA-256"), "\(error)")
        }
    }

    /// A small dense model saved as `model`, with its JSON's URL and text, to be edited.
    private func savedSmallModel() throws -> (url: URL, jsonURL: URL, text: String) {
        var g = RandomGenerator(seed: 1)
        let url = directory.appendingPathComponent("model")
        try ModelFile.save(
            Architectures.denseVector(inputSize: 10, hidden: [4], generator: &g), inputShape: [10], to: url)
        let jsonURL = url.appendingPathExtension("json")
        return (url, jsonURL, try String(contentsOf: jsonURL, encoding: .utf8))
    }

    func testRefusesNewerFormatVersionAndForeignJSON() throws {
        let (url, jsonURL, text) = try savedSmallModel()
        try text.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 99").write(
            to: jsonURL, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ModelFile.load(from: url)) {
            XCTAssertTrue("\($0)".contains("format version 99"), "\($0)")
        }
        try "{\"hello\": 1}".write(to: jsonURL, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ModelFile.load(from: url)) { XCTAssertTrue("\($0)".contains("model.json"), "\($0)") }
        try "not json".write(to: jsonURL, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ModelFile.load(from: url)) {
            XCTAssertTrue("\($0)".contains("not a Latent model"), "\($0)")
        }
    }

    func testDeeplyNestedJSONIsRefusedWithoutCrashing() throws {
        let url = directory.appendingPathComponent("model")
        let depth = 100_000
        let text =
            "{\"format\": \"latent-model\", \"x\": " + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + "}"
        try text.write(to: url.appendingPathExtension("json"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ModelFile.load(from: url)) { XCTAssertTrue("\($0)".contains("model.json"), "\($0)") }
    }

    func testRefusesAWeightsPathOutsideTheDirectory() throws {
        let (url, jsonURL, text) = try savedSmallModel()
        try text.replacingOccurrences(of: "\"model.safetensors\"", with: "\"../etc/passwd\"").write(
            to: jsonURL, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ModelFile.load(from: url)) {
            XCTAssertTrue("\($0)".contains("not a plain file name"), "\($0)")
        }
    }

    func testIdenticalModelsGiveIdenticalFiles() throws {
        func save(_ name: String) throws -> (Data, Data) {
            var g = RandomGenerator(seed: 5)
            let url = directory.appendingPathComponent(name)
            try ModelFile.save(
                Architectures.denseVector(inputSize: 10, hidden: [4], generator: &g), inputShape: [10], to: url)
            return (
                try Data(contentsOf: url.appendingPathExtension("safetensors")),
                try Data(contentsOf: url.appendingPathExtension("json"))
            )
        }
        let a = try save("a")
        let b = try save("b")
        XCTAssertEqual(a.0, b.0)
        XCTAssertEqual(
            String(decoding: a.1, as: UTF8.self).replacingOccurrences(of: "a.safetensors", with: "b.safetensors"),
            String(decoding: b.1, as: UTF8.self))
    }

    func testSavingLeavesNoTemporaryFiles() throws {
        var g = RandomGenerator(seed: 1)
        try ModelFile.save(
            Architectures.denseVector(inputSize: 10, hidden: [4], generator: &g), inputShape: [10],
            to: directory.appendingPathComponent("model"))
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(),
            ["model.json", "model.safetensors"])
    }
}
