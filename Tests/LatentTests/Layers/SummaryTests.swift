import XCTest

@testable import Latent

final class SummaryTests: XCTestCase {
    /// The Fashion-MNIST denoiser of the "Intro to autoencoders" lesson.
    static func denoiser(seed: UInt64 = 0) -> Autoencoder {
        var g = RandomGenerator(seed: seed)
        return Architectures.fashionDenoiser(generator: &g)
    }

    func testDenoiserSummaryMatchesKeras() {
        let model = Self.denoiser()
        let rows = model.summaryRows(inputShape: [28, 28, 1])
        XCTAssertEqual(rows.map(\.parameterCount), [160, 1160, 584, 1168, 145])
        XCTAssertEqual(
            rows.map(\.outputShape),
            [[nil, 14, 14, 16], [nil, 7, 7, 8], [nil, 14, 14, 8], [nil, 28, 28, 16], [nil, 28, 28, 1]])
        let text = model.summary(inputShape: [28, 28, 1])
        for expected in [
            "encoder.0 (Conv2D)", "(None, 7, 7, 8)", "1,160", "1,168", "145", "decoder.1 (Conv2DTranspose)",
            "Total params: 3,217",
        ] {
            XCTAssertTrue(text.contains(expected), "summary lacks \(expected):\n\(text)")
        }
    }

    func testParameterNamesAreStableDottedPaths() {
        let names = Self.denoiser().namedParameters().map(\.name)
        XCTAssertEqual(
            names,
            [
                "encoder.layers.0.kernel", "encoder.layers.0.bias", "encoder.layers.1.kernel", "encoder.layers.1.bias",
                "decoder.layers.0.kernel", "decoder.layers.0.bias", "decoder.layers.1.kernel", "decoder.layers.1.bias",
                "decoder.layers.2.kernel", "decoder.layers.2.bias",
            ])
    }

    func testSpecRebuildsTheSameArchitecture() throws {
        let model = Self.denoiser()
        var g = RandomGenerator(seed: 99)
        let rebuilt = try model.modelSpec.build(generator: &g)
        XCTAssertEqual(rebuilt.modelSpec, model.modelSpec)
        XCTAssertEqual(rebuilt.namedParameters().map(\.name), model.namedParameters().map(\.name))
        let data = try JSONEncoder().encode(model.modelSpec)
        XCTAssertEqual(try JSONDecoder().decode(ModelSpec.self, from: data), model.modelSpec)
    }

    func testGlorotUniformLimits() {
        var g = RandomGenerator(seed: 1)
        let dense = Dense(inputSize: 784, outputSize: 64, generator: &g)
        let limit = (6.0 / Float(784 + 64)).squareRoot()
        let w = dense.weight.scalars
        XCTAssertTrue(w.allSatisfy { Swift.abs($0) <= limit })
        XCTAssertGreaterThan(w.map { Swift.abs($0) }.max()!, 0.95 * limit)
        XCTAssertEqual(dense.bias.scalars, [Float](repeating: 0, count: 64))
    }
}
