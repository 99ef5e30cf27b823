import XCTest

@testable import Latent

/// Model descriptions found by fuzzing (Fuzz/, target model-json) and their neighbours:
/// an architecture read from JSON is checked before anything is built or allocated.
final class ModelFileHostileTests: TemporaryDirectoryTestCase {
    /// Writes `json` as `model.json` beside a 1 KiB file named as the JSON's weights file.
    func load(_ json: Data) throws -> (model: any Model, description: ModelFile.Description) {
        let base = directory.appendingPathComponent("model")
        try json.write(to: base.appendingPathExtension("json"))
        let description = try JSONDecoder().decode(ModelFile.Description.self, from: json)
        try Data(count: 1024).write(to: directory.appendingPathComponent(description.weightsFile))
        return try ModelFile.load(from: base)
    }

    /// A saved model's description with its architecture replaced by `spec`.
    func description(_ spec: ModelSpec) throws -> Data {
        var g = RandomGenerator(seed: 1)
        let base = directory.appendingPathComponent("valid")
        try ModelFile.save(
            Architectures.denseVector(inputSize: 6, hidden: [2], generator: &g), inputShape: [6], to: base)
        var description = try JSONDecoder().decode(
            ModelFile.Description.self, from: Data(contentsOf: base.appendingPathExtension("json")))
        description.architecture = spec
        return try JSONEncoder().encode(description)
    }

    func testFuzzCrashZeroConvolutionChannelsIsRefused() throws {
        // Before the fix this trapped in Conv2D.init's precondition.
        let url = try XCTUnwrap(
            Bundle.module.url(forResource: "Fixtures/fuzz/model-json-zero-conv-channels", withExtension: "json"))
        XCTAssertThrowsError(try load(Data(contentsOf: url))) { error in
            XCTAssertTrue(error is ModelFileError, "\(error)")
            XCTAssertTrue("\(error)".contains("model.json"), "\(error)")
            XCTAssertTrue("\(error)".contains("Conv2D needs a positive input channel count, not 0"), "\(error)")
        }
    }

    func testNonPositiveSizesAreRefusedForEveryLayerKind() throws {
        let specs: [(LayerSpec, String)] = [
            (.dense(inputSize: -3, outputSize: 2, activation: .relu), "Dense needs a positive input size, not -3"),
            (.dense(inputSize: 3, outputSize: 0, activation: .relu), "Dense needs a positive output size, not 0"),
            (
                .conv2dTranspose(
                    inputChannels: 1, outputChannels: 1, kernelSize: 3, stride: 0, padding: .same, activation: .relu),
                "Conv2DTranspose needs a positive stride, not 0"
            ),
            (.maxPool2d(size: 0, stride: 2), "MaxPool2D needs a positive size, not 0"),
        ]
        for (spec, message) in specs {
            XCTAssertThrowsError(try load(description(.layer(.sequential([.flatten, spec]))))) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
        }
    }

    func testHugeAndOverflowingLayersAllocateNothing() throws {
        // 2^20 × 2^20 parameters would be 4 TiB of Float; the weights file has 1 KiB.
        let huge = LayerSpec.dense(inputSize: 1 << 20, outputSize: 1 << 20, activation: .identity)
        XCTAssertThrowsError(
            try load(description(.autoencoder(encoder: .sequential([huge]), decoder: .sequential([]))))
        ) { error in
            XCTAssertTrue(
                "\(error)".contains("1099512676352 parameters, more than its 1024-byte weights file"), "\(error)")
        }
        let overflowing = LayerSpec.conv2d(
            inputChannels: 1 << 30, outputChannels: 1 << 30, kernelSize: 1 << 20, stride: 1, padding: .valid,
            activation: .relu)
        XCTAssertThrowsError(try load(description(.layer(.sequential([overflowing]))))) { error in
            XCTAssertTrue("\(error)".contains("more parameters than an Int can count"), "\(error)")
        }
    }

    func testParameterCountsMatchBuiltLayers() throws {
        var g = RandomGenerator(seed: 2)
        let models: [any Model] = [
            Architectures.fashionDenoiser(generator: &g), Architectures.lenet(generator: &g),
            VariationalAutoencoder(inputShape: [4, 4, 1], hidden: 3, codeSize: 2, generator: &g),
        ]
        for model in models {
            let built = model.namedParameters().reduce(0) { $0 + $1.parameter.wrappedValue.count }
            XCTAssertEqual(try model.modelSpec.checkedParameterCount(), built)
        }
    }
}
