import XCTest

@testable import Latent

final class TrainerTests: XCTestCase {
    func testDivergenceStopsWithAClearError() {
        var g = RandomGenerator(seed: 1)
        let x = Tensor.randomNormal([64, 4], using: &g)
        let model = Dense(inputSize: 4, outputSize: 4, generator: &g)
        let trainer = Trainer(model: model, optimizer: SGD(learningRate: 1e6))
        XCTAssertThrowsError(
            try trainer.fit(
                inputs: x, targets: x * 1e3, options: TrainingOptions(epochs: 50, batchSize: 8, progress: .silent),
                generator: &g
            ) { meanSquaredError(model($0), $1) }
        ) { error in
            guard case TrainingError.nonFiniteLoss(let epoch, let step, _) = error else { return XCTFail("\(error)") }
            XCTAssertGreaterThanOrEqual(epoch, 1)
            XCTAssertGreaterThanOrEqual(step, 1)
            XCTAssertTrue("\(error)".contains("epoch \(epoch), step \(step)"))
        }
    }

    func testSameSeedSameWeights() throws {
        func run() throws -> [Float] {
            var g = RandomGenerator(seed: 5)
            let x = Tensor.randomUniform([100, 6], using: &g)
            let model = Sequential([
                Dense(inputSize: 6, outputSize: 3, activation: .relu, generator: &g),
                Dense(inputSize: 3, outputSize: 6, activation: .sigmoid, generator: &g),
            ])
            _ = try Trainer(model: model, optimizer: Adam()).fit(
                inputs: x, targets: x, options: TrainingOptions(epochs: 3, batchSize: 16, progress: .silent),
                generator: &g
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
        let history = try trainer.fit(
            inputs: x, targets: x, validation: (x, -x),
            options: TrainingOptions(epochs: 30, batchSize: 8, earlyStoppingPatience: 3, progress: .silent),
            generator: &g
        ) { meanSquaredError(model($0), $1) }
        XCTAssertLessThan(history.epochs.count, 30)
        let bestEpoch = history.epochs.min { $0.validationLoss! < $1.validationLoss! }!.epoch
        XCTAssertEqual(history.restoredEpoch, bestEpoch)
        let restoredLoss = trainer.evaluate(inputs: x, targets: -x) { meanSquaredError(model($0), $1) }
        XCTAssertEqual(restoredLoss, history.epochs[bestEpoch - 1].validationLoss!, accuracy: 1e-5)
        XCTAssertTrue(history.csv().hasPrefix("epoch,loss,val_loss,seconds,samples_per_second\n1,"))
    }

    /// The detector's early stopping, now the trainer's: only a fall by more than the
    /// tolerance resets the patience, nothing stops before the minimum epochs, and the
    /// weights kept are still those of the lowest loss.
    func testEarlyStoppingToleranceAndMinimumEpochs() throws {
        func run(tolerance: Float, minimumEpochs: Int, patience: Int? = 3) throws -> (History, Float) {
            var g = RandomGenerator(seed: 4)
            let x = Tensor.randomUniform([64, 3], using: &g)
            let model = Dense(inputSize: 3, outputSize: 3, generator: &g)
            var options = TrainingOptions(epochs: 40, batchSize: 16, earlyStoppingPatience: patience, progress: .silent)
            options.earlyStoppingTolerance = tolerance
            options.earlyStoppingMinimumEpochs = minimumEpochs
            let trainer = Trainer(model: model, optimizer: SGD(learningRate: 0.05))
            let history = try trainer.fit(inputs: x, targets: x, validation: (x, x), options: options, generator: &g) {
                meanSquaredError(model($0), $1)
            }
            return (history, trainer.evaluate(inputs: x, targets: x) { meanSquaredError(model($0), $1) })
        }
        let all = try run(tolerance: 0, minimumEpochs: 0, patience: nil).0.validationLosses
        XCTAssertEqual(all.count, 40)
        for (tolerance, minimum) in [(Float(0.2), 0), (0.2, 25)] {
            let (history, kept) = try run(tolerance: tolerance, minimumEpochs: minimum)
            let losses = history.validationLosses
            XCTAssertNotNil(history.stopReason, "a 20 % fall every 3 epochs does not last")
            XCTAssertEqual(losses, Array(all.prefix(losses.count)), "stopping changes nothing before it")
            XCTAssertGreaterThanOrEqual(losses.count, minimum)
            let improved = try XCTUnwrap(history.improvedEpoch)
            if minimum == 0 { XCTAssertEqual(losses.count, improved + 3) }
            for later in losses[improved...] {
                XCTAssertGreaterThanOrEqual(later, losses[improved - 1] * (1 - tolerance))
            }
            let best = losses.indices.min { losses[$0] < losses[$1] }! + 1
            XCTAssertEqual(history.restoredEpoch, best)
            XCTAssertEqual(kept, losses[best - 1], accuracy: 1e-6)
        }
    }

    func testTrainingLeavesTheCallersFloatModeAlone() throws {
        var g = RandomGenerator(seed: 1)
        let x = Tensor.randomUniform([16, 2], using: &g)
        let model = Dense(inputSize: 2, outputSize: 2, generator: &g)
        _ = try Trainer(model: model, optimizer: Adam()).fit(
            inputs: x, targets: x, options: TrainingOptions(epochs: 1, batchSize: 4, progress: .silent),
            generator: &g
        ) { meanSquaredError(model($0), $1) }
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
        let x = Tensor.randomUniform([2, 28, 28, 8], using: &g)
        let k = Tensor.randomUniform([3, 3, 8, 8], using: &g)
        _ = Tensor.conv2d(x, filter: k, stride: (1, 1), padding: .same).sigmoid().sum().item
        _ = Tensor.conv2dTranspose(x, filter: k, stride: (2, 2), padding: .same).exp().sum().item
        _ = (Tensor.randomUniform([1 << 18], using: &g) * 2).tanh().sum().item
        // Backward through a convolution's weights splits the batch across threads.
        let kernel = Tensor.randomUniform([3, 3, 1, 16], using: &g).requiringGradient()
        Tensor.conv2d(
            Tensor.randomUniform([256, 28, 28, 1], using: &g), filter: kernel, stride: (2, 2), padding: .same
        ).sum().backward()
        XCTAssertNotNil(kernel.gradient)
        let denormal = Float(bitPattern: 0x0000_0400)
        XCTAssertNotEqual(denormal * Float(g.nextUniform() + 1), 0)
    }
}

final class CheckpointTests: XCTestCase {
    /// A small stochastic run (shuffling, VAE-style noise in the loss, Adam, validation,
    /// early stopping) either uninterrupted or stopped after `stopAfter` epochs and resumed.
    func run(
        epochs: Int, checkpoint: URL? = nil, stopAfter: Int? = nil, resume: Bool = false
    ) throws -> ([UInt32], History, RandomGenerator) {
        var g = RandomGenerator(seed: 9)
        let x = Tensor.randomUniform([120, 6], using: &g)
        let vae = VariationalAutoencoder(inputShape: [6], hidden: 5, codeSize: 2, generator: &g)
        let trainer = Trainer(model: vae, optimizer: Adam(learningRate: 0.01))
        var options = TrainingOptions(epochs: epochs, batchSize: 16, earlyStoppingPatience: 50, progress: .silent)
        options.checkpointEvery = 1
        options.checkpointDirectory = checkpoint
        options.resume = resume
        if let stopAfter { trainer.onEpochEnd = { $0.epoch < stopAfter } }
        let history = try trainer.fit(inputs: x, targets: x, validation: (x, x), options: options, generator: &g) {
            input, target, noise in
            vae.loss(input, target: target, klWeight: 0.01, generator: &noise)
        }
        return (vae.namedParameters().flatMap { $0.parameter.wrappedValue.scalars.map(\.bitPattern) }, history, g)
    }

    func testResumeGivesTheSameWeightsBitForBit() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "latent-ckpt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (reference, referenceHistory, referenceGenerator) = try run(epochs: 6)
        let (partial, _, _) = try run(epochs: 6, checkpoint: directory, stopAfter: 3)
        XCTAssertNotEqual(partial, reference, "the interrupted run must really be unfinished")
        let (resumed, history, generator) = try run(epochs: 6, checkpoint: directory, resume: true)
        XCTAssertEqual(resumed, reference)
        XCTAssertEqual(history.losses, referenceHistory.losses)
        XCTAssertEqual(generator, referenceGenerator, "the caller's generator continues identically")
    }

    func testACheckpointOfAnotherModelIsRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "latent-ckpt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try run(epochs: 1, checkpoint: directory)
        var g = RandomGenerator(seed: 1)
        let other = Dense(inputSize: 6, outputSize: 6, generator: &g)
        var options = TrainingOptions(epochs: 2, batchSize: 8, progress: .silent)
        options.checkpointDirectory = directory
        options.resume = true
        let x = Tensor.randomUniform([16, 6], using: &g)
        XCTAssertThrowsError(
            try Trainer(model: other, optimizer: Adam()).fit(inputs: x, targets: x, options: options, generator: &g) {
                meanSquaredError(other($0), $1)
            }
        ) { XCTAssertTrue("\($0)".contains("different model"), "\($0)") }
    }
}
