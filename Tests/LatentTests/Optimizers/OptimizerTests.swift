import XCTest

@testable import Latent

/// A single scalar parameter, for checking update rules by hand.
final class Scalar: Module {
    @Parameter var value: Tensor
    init(_ v: Float) { value = Tensor([v]) }
}

final class OptimizerTests: XCTestCase {
    func step(_ optimizer: Optimizer, _ p: Scalar, loss: (Tensor) -> Tensor) {
        p.zeroGradients()
        loss(p.value).backward()
        optimizer.step(p)
    }

    func testSGDWithMomentumByHand() {
        let p = Scalar(1)
        let sgd = SGD(learningRate: 0.1, momentum: 0.9)
        step(sgd, p) { ($0 * $0).sum() }  // g = 2, v = 2, θ = 0.8
        XCTAssertEqual(p.value.item, 0.8, accuracy: 1e-6)
        step(sgd, p) { ($0 * $0).sum() }  // g = 1.6, v = 3.4, θ = 0.46
        XCTAssertEqual(p.value.item, 0.46, accuracy: 1e-6)
    }

    func testAdamFirstStepsByHand() {
        let p = Scalar(1)
        let adam = Adam(learningRate: 0.1)
        step(adam, p) { ($0 * 3).sum() }  // g = 3 → step ≈ lr · sign(g)
        // m = 0.3, v = 0.009, α = 0.1·√0.001/0.1; θ = 1 − α·m/(√v + ε)
        let alpha = 0.1 * (0.001 as Float).squareRoot() / 0.1
        XCTAssertEqual(p.value.item, 1 - alpha * 0.3 / ((0.009 as Float).squareRoot() + 1e-7), accuracy: 1e-6)
    }

    func testAdamWDecaysWeightsWithoutGradient() {
        let p = Scalar(2)
        let adamw = AdamW(learningRate: 0.1, weightDecay: 0.5)
        step(adamw, p) { ($0 * 0).sum() }  // zero gradient: only the decay acts
        XCTAssertEqual(p.value.item, 2 * (1 - 0.1 * 0.5), accuracy: 1e-6)
        let adamL2 = Adam(learningRate: 0.1, weightDecay: 0.5)
        let q = Scalar(2)
        step(adamL2, q) { ($0 * 0).sum() }  // L2: g = λθ = 1 → Adam's first step ≈ lr
        XCTAssertEqual(q.value.item, 2 - 0.1, accuracy: 1e-4)
    }

    /// Fits y = 3x − 2 with a Dense(1→1) layer; every optimizer must converge.
    func testOptimizersFitALine() throws {
        for make in [
            { SGD(learningRate: 0.1, momentum: 0.9) as Optimizer }, { Adam(learningRate: 0.05) },
            { AdamW(learningRate: 0.05, weightDecay: 1e-4) },
        ] {
            var g = RandomGenerator(seed: 3)
            let x = Tensor.randomUniform([256, 1], low: -1, high: 1, using: &g)
            let y = 3 * x - 2
            let layer = Dense(inputSize: 1, outputSize: 1, generator: &g)
            let trainer = Trainer(model: layer, optimizer: make())
            let history = try trainer.fit(
                inputs: x, targets: y, options: TrainingOptions(epochs: 40, batchSize: 32, progress: .silent),
                generator: &g
            ) { meanSquaredError(layer($0), $1) }
            XCTAssertLessThan(history.losses.last!, 1e-3, "\(type(of: trainer.optimizer))")
            XCTAssertEqual(layer.weight.item, 3, accuracy: 0.05)
            XCTAssertEqual(layer.bias.item, -2, accuracy: 0.05)
        }
    }
}
