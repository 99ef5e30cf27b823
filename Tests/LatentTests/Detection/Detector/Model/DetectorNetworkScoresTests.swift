import XCTest

@testable import Latent

/// A detector's scores are the same bits whether it also returns the per-feature errors
/// (the reconstruction is kept) or not (scoring fused with the last Dense layer), for
/// every model kind, both losses and any batching.
final class DetectorNetworkScoresTests: XCTestCase {
    func testScoresWithAndWithoutFeaturesAgreeBitForBit() {
        var g = RandomGenerator(seed: 31)
        let networks: [DetectorNetwork] = [
            .wrap(
                Architectures.denseVector(inputSize: 140, hidden: [32, 16, 8], generator: &g), kind: .dense,
                exampleShape: [140]),
            .wrap(
                VariationalAutoencoder(inputShape: [140], hidden: 32, codeSize: 4, generator: &g), kind: .vae,
                exampleShape: [140]),
            .wrap(Architectures.fashionDenoiser(generator: &g), kind: .conv, exampleShape: [28, 28, 1]),
        ]
        for network in networks {
            let x = Tensor.randomUniform([45, network.featureCount], using: &g)
            for loss in DetectorConfiguration.ReconstructionLoss.allCases {
                let full = network.errors(x, loss: loss, keepFeatures: true)
                let fast = network.errors(x, loss: loss, keepFeatures: false, batchSize: 16)
                XCTAssertEqual(fast.scores, full.scores, "\(network.kind), \(loss)")
                XCTAssertNil(fast.features)
                // The score is the mean of the features' errors.
                let d = network.featureCount
                for i in [0, 44] {
                    let mean = full.features![(i * d)..<((i + 1) * d)].reduce(0.0) { $0 + Double($1) } / Double(d)
                    XCTAssertEqual(
                        Double(full.scores[i]), mean, accuracy: 1e-6 * max(1, mean),
                        "\(network.kind), \(loss), row \(i)")
                }
            }
        }
    }
}
