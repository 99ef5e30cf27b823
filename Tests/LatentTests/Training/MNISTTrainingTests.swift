import XCTest

@testable import Latent

/// End to end on real data: a small dense autoencoder on real MNIST digits must learn.
final class MNISTTrainingTests: XCTestCase {
    func testDenseAutoencoderLossFallsClearlyOnRealDigits() throws {
        let directory = try sharedDatasets("mnist")
        let data = try MNIST.load(.test, from: directory)
        let x = data.features.rows(0..<2000).reshaped([2000, 28, 28, 1])
        var g = RandomGenerator(seed: 0)
        let model = Architectures.imageDense(hidden: 64, codeSize: 16, generator: &g)
        let trainer = Trainer(model: model, optimizer: Adam())
        let before = trainer.evaluate(inputs: x, targets: x) { meanSquaredError(model($0), $1) }
        let history = try trainer.fit(
            inputs: x, targets: x, options: TrainingOptions(epochs: 3, batchSize: 32, progress: .silent),
            generator: &g
        ) { meanSquaredError(model($0), $1) }
        let after = trainer.evaluate(inputs: x, targets: x) { meanSquaredError(model($0), $1) }
        // An untrained sigmoid decoder outputs ~0.5 everywhere: MSE ≈ 0.2. Three epochs on 2000
        // digits bring it under 0.06; the per-epoch loss must fall every epoch.
        XCTAssertGreaterThan(before, 0.15)
        XCTAssertLessThan(after, 0.06)
        XCTAssertLessThan(after, before / 3)
        XCTAssertEqual(history.losses, history.losses.sorted(by: >))
    }
}
