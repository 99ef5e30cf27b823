import XCTest
@testable import Latent

final class TrainerTests: XCTestCase {
    func testDivergenceStopsWithAClearError() {
        var g = RandomGenerator(seed: 1)
        let x = Tensor.randomNormal([64, 4], using: &g)
        let model = Dense(inputSize: 4, outputSize: 4, generator: &g)
        let trainer = Trainer(model: model, optimizer: SGD(learningRate: 1e6))
        XCTAssertThrowsError(try trainer.fit(inputs: x, targets: x * 1e3, options: TrainingOptions(epochs: 50, batchSize: 8, progress: .silent),
                                             generator: &g) { meanSquaredError(model($0), $1) }) { error in
            guard case let TrainingError.nonFiniteLoss(epoch, step, _) = error else { return XCTFail("\(error)") }
            XCTAssertGreaterThanOrEqual(epoch, 1)
            XCTAssertGreaterThanOrEqual(step, 1)
            XCTAssertTrue("\(error)".contains("epoch \(epoch), step \(step)"))
        }
    }

    func testSameSeedSameWeights() throws {
        func run() throws -> [Float] {
            var g = RandomGenerator(seed: 5)
            let x = Tensor.randomUniform([100, 6], using: &g)
            let model = Sequential([Dense(inputSize: 6, outputSize: 3, activation: .relu, generator: &g),
                                    Dense(inputSize: 3, outputSize: 6, activation: .sigmoid, generator: &g)])
            _ = try Trainer(model: model, optimizer: Adam()).fit(
                inputs: x, targets: x, options: TrainingOptions(epochs: 3, batchSize: 16, progress: .silent), generator: &g
            ) { meanSquaredError(model($0), $1) }
            return model.namedParameters().flatMap { $0.parameter.wrappedValue.scalars }
        }
        XCTAssertEqual(try run(), try run())
    }

    func testEarlyStoppingRestoresTheBestWeights() throws {
        var g = RandomGenerator(seed: 2)
        let x = Tensor.randomUniform([64, 2], using: &g)
        let model = Dense(inputSize: 2, outputSize: 2, generator: &g)
        let trainer = Trainer(model: model, optimizer: SGD(learningRate: 0.5))
        // Validation targets that the training signal moves away from: val loss rises.
        let history = try trainer.fit(inputs: x, targets: x, validation: (x, -x),
                                      options: TrainingOptions(epochs: 30, batchSize: 8, earlyStoppingPatience: 3, progress: .silent),
                                      generator: &g) { meanSquaredError(model($0), $1) }
        XCTAssertLessThan(history.epochs.count, 30)
        let bestEpoch = history.epochs.min { $0.validationLoss! < $1.validationLoss! }!.epoch
        XCTAssertEqual(history.restoredEpoch, bestEpoch)
        let restoredLoss = trainer.evaluate(inputs: x, targets: -x) { meanSquaredError(model($0), $1) }
        XCTAssertEqual(restoredLoss, history.epochs[bestEpoch - 1].validationLoss!, accuracy: 1e-5)
        XCTAssertTrue(history.csv().hasPrefix("epoch,loss,val_loss,seconds,samples_per_second\n1,"))
    }

    func testTrainingLeavesTheCallersFloatModeAlone() throws {
        var g = RandomGenerator(seed: 1)
        let x = Tensor.randomUniform([16, 2], using: &g)
        let model = Dense(inputSize: 2, outputSize: 2, generator: &g)
        _ = try Trainer(model: model, optimizer: Adam()).fit(inputs: x, targets: x, options: TrainingOptions(epochs: 1, batchSize: 4, progress: .silent),
                                                             generator: &g) { meanSquaredError(model($0), $1) }
        // With flush-to-zero left on, this denormal would read back as 0.
        let denormal = Float(bitPattern: 0x0000_0400)
        XCTAssertNotEqual(denormal * Float(g.nextUniform() + 1), 0)
    }
}

final class FloatModeTests: XCTestCase {
    /// Every multi-threaded kernel runs one chunk on the calling thread; none may leave
    /// flush-to-zero switched on there.
    func testKernelsLeaveTheCallersFloatModeAlone() {
        var g = RandomGenerator(seed: 2)
        let x = Tensor.randomUniform([2, 28, 28, 8], using: &g), k = Tensor.randomUniform([3, 3, 8, 8], using: &g)
        _ = Tensor.conv2d(x, filter: k, stride: (1, 1), padding: .same).sigmoid().sum().item
        _ = Tensor.conv2dTranspose(x, filter: k, stride: (2, 2), padding: .same).exp().sum().item
        _ = (Tensor.randomUniform([1 << 18], using: &g) * 2).tanh().sum().item
        // Backward through a convolution's weights splits the batch across threads.
        let kernel = Tensor.randomUniform([3, 3, 1, 16], using: &g).requiringGradient()
        Tensor.conv2d(Tensor.randomUniform([256, 28, 28, 1], using: &g), filter: kernel, stride: (2, 2), padding: .same).sum().backward()
        XCTAssertNotNil(kernel.gradient)
        let denormal = Float(bitPattern: 0x0000_0400)
        XCTAssertNotEqual(denormal * Float(g.nextUniform() + 1), 0)
    }
}
