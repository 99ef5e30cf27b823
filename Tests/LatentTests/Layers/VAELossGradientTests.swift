import XCTest

@testable import Latent

/// The whole VAE objective, end to end: encoder, both heads, reparameterisation with a
/// fixed draw, decoder, reconstruction error and the weighted KL term, differentiated with
/// respect to every parameter and checked against central differences.
final class VAELossGradientTests: XCTestCase {
    func testVAELossGradientsMatchFiniteDifferences() {
        var g = RandomGenerator(seed: 31)
        // Smooth hidden layers: a finite difference across a ReLU kink would not be a derivative.
        let vae = VariationalAutoencoder(
            encoder: Sequential([Dense(inputSize: 6, outputSize: 5, activation: .softplus, generator: &g)]),
            meanHead: Dense(inputSize: 5, outputSize: 2, generator: &g),
            logSDHead: Dense(inputSize: 5, outputSize: 2, generator: &g),
            decoder: Sequential([
                Dense(inputSize: 2, outputSize: 5, activation: .tanh, generator: &g),
                Dense(inputSize: 5, outputSize: 6, activation: .sigmoid, generator: &g),
            ]))
        let x = uniform([4, 6], 0, 1, seed: 12)
        let klWeight: Float = 0.5

        func loss() -> Tensor {
            var noise = RandomGenerator(seed: 99)  // the same ε at every evaluation
            return vae.loss(x, target: x, klWeight: klWeight, generator: &noise)
        }
        vae.zeroGradients()
        loss().backward()
        let step: Float = 1e-2
        var checked = 0
        for (name, parameter) in vae.namedParameters() {
            let analytic = parameter.gradient!.scalars
            for i in 0..<analytic.count {
                parameter.update { $0[i] += step }
                let up = Double(withoutGradients { loss() }.item)
                parameter.update { $0[i] -= 2 * step }
                let down = Double(withoutGradients { loss() }.item)
                parameter.update { $0[i] += step }
                let numeric = Float((up - down) / Double(2 * step))
                XCTAssertLessThan(
                    Swift.abs(analytic[i] - numeric) / (1e-2 + Swift.abs(numeric)), 2e-2,
                    "\(name)[\(i)]: analytic \(analytic[i]) numeric \(numeric)")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 6 * 5 + 5 + 2 * (5 * 2 + 2) + 2 * 5 + 5 + 5 * 6 + 6)
    }

    /// The method is the objective the detector, the lessons and the bench wrote by hand,
    /// to the bit: the same noise, the same order of operations, the same gradients.
    func testLossMethodIsTheHandWrittenObjectiveBitForBit() {
        var g = RandomGenerator(seed: 5)
        let vae = VariationalAutoencoder(inputShape: [7], hidden: 6, codeSize: 3, generator: &g)
        let x = Tensor.randomUniform([9, 7], using: &g)
        func gradients(_ loss: () -> Tensor) -> (Float, [UInt32]) {
            vae.zeroGradients()
            let value = loss()
            value.backward()
            return (value.item, vae.namedParameters().flatMap { $0.parameter.gradient!.scalars.map(\.bitPattern) })
        }
        for (weight, absolute) in [(Float(5e-4), false), (1e-3, true)] {
            let byHand = gradients {
                var noise = RandomGenerator(seed: 8)
                let (mu, s) = vae.encode(x)
                let z = vae.reparameterize(mean: mu, logSD: s, generator: &noise)
                let xHat = vae.decode(z)
                let error = absolute ? meanAbsoluteError(xHat, x) : meanSquaredError(xHat, x)
                return error + weight * gaussianKLDivergence(mean: mu, logStandardDeviation: s)
            }
            let method = gradients {
                var noise = RandomGenerator(seed: 8)
                return absolute
                    ? vae.loss(x, target: x, klWeight: weight, generator: &noise) { meanAbsoluteError($0, $1) }
                    : vae.loss(x, target: x, klWeight: weight, generator: &noise)
            }
            XCTAssertEqual(byHand.0.bitPattern, method.0.bitPattern)
            XCTAssertEqual(byHand.1, method.1)
            XCTAssertFalse(byHand.1.allSatisfy { $0 == 0 })
        }
    }
}
