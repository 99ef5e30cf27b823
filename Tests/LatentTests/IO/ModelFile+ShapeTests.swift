import XCTest

@testable import Latent

/// Model descriptions whose `inputShape` does not fit their layers: refused at load with
/// the file, the layer and both shapes named, instead of trapping on the first batch.
final class ModelFileShapeTests: TemporaryDirectoryTestCase {
    /// Hand-written `model.json` with `spec` and `inputShape`, beside a 4 KiB weights file
    /// (the shape check runs before the weights are hashed or decoded).
    func load(_ spec: ModelSpec, inputShape: [Int]) throws {
        let description = ModelFile.Description(
            format: "latent-model", formatVersion: 1, architecture: spec, inputShape: inputShape,
            parameters: [], weightsFile: "model.safetensors", weightsSHA256: "00", metadata: [:])
        try JSONEncoder().encode(description).write(to: directory.appendingPathComponent("model.json"))
        try Data(count: 4096).write(to: directory.appendingPathComponent("model.safetensors"))
        _ = try ModelFile.load(from: directory.appendingPathComponent("model"))
    }

    func assertRefused(_ spec: ModelSpec, inputShape: [Int], _ message: String, line: UInt = #line) {
        XCTAssertThrowsError(try load(spec, inputShape: inputShape), line: line) { error in
            XCTAssertTrue(error is ModelFileError, "\(error)", line: line)
            XCTAssertTrue(
                "\(error)".contains(directory.appendingPathComponent("model.json").path), "\(error)", line: line)
            XCTAssertTrue("\(error)".contains(message), "\(error)", line: line)
        }
    }

    func dense(_ i: Int, _ o: Int) -> LayerSpec { .dense(inputSize: i, outputSize: o, activation: .relu) }

    func testDenseWhoseInputSizeDiffersFromTheInputShape() {
        assertRefused(
            .layer(.sequential([dense(140, 2)])), inputShape: [100],
            "its inputShape [100] does not fit its architecture: layer 0 (Dense) expects [140] inputs but receives shape [100]"
        )
        // Later layers too: the second Dense of the encoder gets 3 values, not 4.
        assertRefused(
            .autoencoder(encoder: .sequential([dense(6, 3), dense(4, 2)]), decoder: .sequential([dense(2, 6)])),
            inputShape: [6], "encoder layer 1 (Dense) expects [4] inputs but receives shape [3]")
        // A Dense on images needs a Flatten first.
        assertRefused(
            .layer(.sequential([dense(16, 2)])), inputShape: [4, 4, 1],
            "layer 0 (Dense) expects [16] inputs but receives shape [4, 4, 1]")
    }

    func testConvolutionOnAOneDimensionalInput() {
        let conv = LayerSpec.conv2d(
            inputChannels: 1, outputChannels: 2, kernelSize: 3, stride: 1, padding: .same, activation: .relu)
        assertRefused(
            .layer(.sequential([conv])), inputShape: [16],
            "layer 0 (Conv2D) needs [height, width, 1] images but receives shape [16]")
        assertRefused(
            .layer(.sequential([conv])), inputShape: [4, 4, 3],
            "layer 0 (Conv2D) needs 1 input channels but receives shape [4, 4, 3]")
        let valid = LayerSpec.conv2d(
            inputChannels: 1, outputChannels: 2, kernelSize: 5, stride: 1, padding: .valid, activation: .relu)
        assertRefused(
            .layer(.sequential([valid])), inputShape: [4, 4, 1],
            "layer 0 (Conv2D) has a 5-wide kernel that does not fit input shape [4, 4, 1] without padding")
        assertRefused(
            .layer(.sequential([.maxPool2d(size: 2, stride: 2)])), inputShape: [8],
            "layer 0 (MaxPool2D) needs [height, width, channels] images but receives shape [8]")
        let transpose = LayerSpec.conv2dTranspose(
            inputChannels: 2, outputChannels: 1, kernelSize: 3, stride: 2, padding: .same, activation: .relu)
        assertRefused(
            .layer(.sequential([transpose])), inputShape: [1 << 62, 1, 2],
            "layer 0 (Conv2DTranspose) would give a size that overflows an Int")
    }

    func testReshapeWhoseElementCountDiffers() {
        assertRefused(
            .layer(.sequential([.reshape([5, 2])])), inputShape: [12],
            "layer 0 (Reshape) reshapes to [5, 2] (10 elements) but receives shape [12] (12 elements)")
        assertRefused(
            .layer(.sequential([.reshape([5, -1])])), inputShape: [12],
            "layer 0 (Reshape) cannot reshape [12] (12 elements) to [5, -1]")
        assertRefused(
            .layer(.sequential([.reshape([-1, -1])])), inputShape: [12],
            "has target shape [-1, -1]; sizes must be positive, with at most one -1")
        assertRefused(.layer(.sequential([.reshape([0, 3])])), inputShape: [12], "has target shape [0, 3]")
    }

    func testAutoencoderWhoseDecoderDoesNotGiveBackTheInputShape() {
        assertRefused(
            .autoencoder(encoder: .sequential([dense(6, 2)]), decoder: .sequential([dense(2, 5)])), inputShape: [6],
            "the decoder gives outputs of shape [5], not the input shape [6] it must reconstruct")
        // Same element count, different shape: the loss would compare [N, 16] with [N, 4, 4, 1].
        assertRefused(
            .autoencoder(encoder: .sequential([.flatten, dense(16, 2)]), decoder: .sequential([dense(2, 16)])),
            inputShape: [4, 4, 1], "the decoder gives outputs of shape [16], not the input shape [4, 4, 1]")
    }

    func testVariationalAutoencoderWithMismatchedHeads() {
        assertRefused(
            .variationalAutoencoder(
                encoder: .sequential([dense(6, 4)]), mean: dense(4, 2), logSD: dense(4, 3),
                decoder: .sequential([dense(2, 6)])),
            inputShape: [6], "the mean head gives shape [2] but the log-sd head gives [3]")
        assertRefused(
            .variationalAutoencoder(
                encoder: .sequential([dense(6, 4)]), mean: dense(5, 2), logSD: dense(4, 2),
                decoder: .sequential([dense(2, 6)])),
            inputShape: [6], "mean head (Dense) expects [5] inputs but receives shape [4]")
        assertRefused(
            .variationalAutoencoder(
                encoder: .sequential([dense(6, 4)]), mean: dense(4, 2), logSD: dense(4, 2),
                decoder: .sequential([dense(2, 5)])),
            inputShape: [6], "the decoder gives outputs of shape [5], not the input shape [6]")
    }

    func testInferredShapesMatchWhatTheBuiltModelsProduce() throws {
        var g = RandomGenerator(seed: 3)
        let cases: [(any Model, [Int])] = [
            (Architectures.fashionDenoiser(generator: &g), [28, 28, 1]),
            (Architectures.lenet(generator: &g), [28, 28, 1]),
            (Architectures.denseVector(inputSize: 6, hidden: [4, 2], generator: &g), [6]),
            (VariationalAutoencoder(inputShape: [4, 4, 1], hidden: 3, codeSize: 2, generator: &g), [4, 4, 1]),
        ]
        for (model, inputShape) in cases {
            let produced = withoutGradients { model(Tensor.zeros([2] + inputShape)) }.shape
            XCTAssertEqual(
                try model.modelSpec.checkedOutputShape(inputShape: inputShape), Array(produced.dropFirst()), "\(model)")
        }
    }
}
