import Foundation
import XCTest

@testable import Latent

final class BatchShardsTests: XCTestCase {
    /// Trains a small VAE (noise drawn in the loss) and a dense autoencoder for one epoch.
    func train(threads: Int, dataParallel: Bool = true) throws -> [Float] {
        let saved = Engine.threadCount
        Engine.threadCount = threads
        defer { Engine.threadCount = saved }
        var g = RandomGenerator(seed: 21)
        let vae = VariationalAutoencoder(inputShape: [20], hidden: 16, codeSize: 3, generator: &g)
        let dense = Architectures.denseVector(inputSize: 20, hidden: [12, 4], generator: &g)
        let x = Tensor.randomUniform([200, 20], using: &g)
        var options = TrainingOptions(epochs: 1, batchSize: 64, progress: .silent)
        options.dataParallel = dataParallel
        _ = try Trainer(model: vae, optimizer: Adam()).fit(inputs: x, targets: x, options: options, generator: &g) {
            input, target, noise in
            vae.loss(input, target: target, klWeight: 0.01, generator: &noise)
        }
        _ = try Trainer(model: dense, optimizer: Adam()).fit(inputs: x, targets: x, options: options, generator: &g) {
            meanAbsoluteError(dense($0), $1)
        }
        return (vae.namedParameters() + dense.namedParameters()).flatMap { $0.parameter.wrappedValue.scalars }
    }

    func testOneAndTwoThreadsGiveTheSameBitsNoiseIncluded() throws {
        let one = try train(threads: 1)
        let two = try train(threads: 2)
        let again = try train(threads: 2)
        XCTAssertEqual(one.map(\.bitPattern), two.map(\.bitPattern))
        XCTAssertEqual(two.map(\.bitPattern), again.map(\.bitPattern))
    }

    func testShardedGradientIsTheWholeBatchGradient() {
        var g = RandomGenerator(seed: 5)
        let model = Architectures.denseVector(inputSize: 30, hidden: [10, 3], generator: &g)
        let x = Tensor.randomUniform([50, 30], using: &g)
        let parameters = model.namedParameters().map(\.parameter)
        func gradients(dataParallel: Bool) -> (Float, [Float]) {
            for p in parameters { p.zeroGradient() }
            var noise = RandomGenerator(seed: 1)
            let shards = BatchShards(rows: 50, dataParallel: dataParallel)
            XCTAssertEqual(shards.count, dataParallel ? BatchShards.perBatch : 1)
            let loss = shards.lossAndGradients(
                inputs: x, targets: x, rows: Array(0..<50), parameters: parameters,
                generator: &noise
            ) { a, b, _ in meanSquaredError(model(a), b) }
            return (loss, parameters.flatMap { $0.gradient!.scalars })
        }
        let saved = Engine.threadCount
        Engine.threadCount = 3
        defer { Engine.threadCount = saved }
        let (wholeLoss, whole) = gradients(dataParallel: false)
        let (shardedLoss, sharded) = gradients(dataParallel: true)
        XCTAssertEqual(shardedLoss, wholeLoss, accuracy: 1e-6)
        assertClose(sharded, whole, tolerance: 1e-6)
        XCTAssertNotEqual(whole.map { abs($0) }.max() ?? 0, 0)
    }

    /// Batches too small to shard (20 rows) run their ops split over the threads or, when
    /// measured faster, all on one: LeNet and a VAE give the same bits on 1 and 2 threads.
    func testUnshardedBatchesGiveTheSameBitsOnOneAndTwoThreads() throws {
        func train(threads: Int) throws -> [Float] {
            let saved = Engine.threadCount
            Engine.threadCount = threads
            defer { Engine.threadCount = saved }
            var g = RandomGenerator(seed: 20)
            let lenet = Architectures.lenet(generator: &g)
            let vae = VariationalAutoencoder(inputShape: [784], hidden: 64, codeSize: 8, generator: &g)
            let images = Tensor.randomUniform([60, 28, 28, 1], using: &g)
            let labels = Tensor.randomUniform([60, 1], using: &g)
            let flat = Tensor.randomUniform([60, 784], using: &g)
            let options = TrainingOptions(epochs: 2, batchSize: 20, progress: .silent)
            _ = try Trainer(model: lenet, optimizer: Adam()).fit(
                inputs: images, targets: labels, options: options, generator: &g
            ) {
                binaryCrossEntropy(probabilities: lenet($0), targets: $1)
            }
            _ = try Trainer(model: vae, optimizer: Adam()).fit(
                inputs: flat, targets: flat, options: options, generator: &g
            ) { input, target, noise in
                vae.loss(input, target: target, klWeight: 0.01, generator: &noise)
            }
            return (lenet.namedParameters() + vae.namedParameters()).flatMap { $0.parameter.wrappedValue.scalars }
        }
        let one = try train(threads: 1)
        let two = try train(threads: 2)
        XCTAssertEqual(one.map(\.bitPattern), two.map(\.bitPattern))
    }

    /// The default thread count follows the CPUs available; the shards (and so the bits)
    /// must not.
    func testShardsDoNotDependOnTheThreadCount() {
        let saved = Engine.threadCount
        defer { Engine.threadCount = saved }
        var seen: Set<[Range<Int>]> = []
        for threads in [1, 2, 3, 8] {
            Engine.threadCount = threads
            seen.insert(BatchShards(rows: 100, dataParallel: true).ranges)
        }
        XCTAssertEqual(seen, [[0..<50, 50..<100]])
    }

    func testShardRowsAreContiguousAndBalanced() {
        XCTAssertEqual(BatchShards(rows: 512, dataParallel: true).ranges, [0..<256, 256..<512])
        XCTAssertEqual(BatchShards(rows: 33, dataParallel: true).ranges, [0..<16, 16..<33])
        XCTAssertEqual(BatchShards(rows: 20, dataParallel: true).count, 1)  // shards under 16 rows do not pay
        XCTAssertEqual(BatchShards(rows: 512, dataParallel: false).ranges, [0..<512])
    }

    /// Heavy rows (LeNet's forward pass: about 1 MFLOP) may be cut into shards under 16
    /// rows, down to four; light rows (mnist-vae's 0.2 MFLOP) keep the 16-row minimum.
    func testHeavyRowsGetSmallerShards() {
        XCTAssertEqual(BatchShards(rows: 20, dataParallel: true, forwardFLOPsPerRow: 1.0e6).ranges, [0..<10, 10..<20])
        XCTAssertEqual(BatchShards(rows: 20, dataParallel: true, forwardFLOPsPerRow: 0.2e6).count, 1)
        XCTAssertEqual(BatchShards(rows: 7, dataParallel: true, forwardFLOPsPerRow: 1e9).count, 1)
        XCTAssertEqual(BatchShards(rows: 8, dataParallel: true, forwardFLOPsPerRow: 1e9).ranges, [0..<4, 4..<8])
        XCTAssertEqual(BatchShards(rows: 20, dataParallel: false, forwardFLOPsPerRow: 1e9).count, 1)
        // Light rows never get larger minimums than 16 rows.
        XCTAssertEqual(BatchShards(rows: 32, dataParallel: true, forwardFLOPsPerRow: 10).count, 2)
    }

    /// The count is the forward GEMMs' 2·m·n·k per row, and `latent bench`'s recorder is
    /// left in place.
    func testForwardWorkPerRowCountsTheGEMMs() {
        var g = RandomGenerator(seed: 4)
        let model = Sequential([
            Dense(inputSize: 784, outputSize: 64, activation: .relu, generator: &g),
            Dense(inputSize: 64, outputSize: 784, activation: .sigmoid, generator: &g),
        ])
        let x = Tensor.randomUniform([3, 784], using: &g)
        let saved = BLAS.recorder
        let outer = GEMMRecorder()
        BLAS.recorder = outer
        defer { BLAS.recorder = saved }
        let perRow = BatchShards.forwardFLOPsPerRow(rows: 3) { _ = model(x) }
        XCTAssertEqual(perRow, 2 * (784 * 64 + 64 * 784))
        XCTAssertTrue(BLAS.recorder === outer)
        XCTAssertEqual(outer.flops, 0)
    }

    /// GEMMs on another thread while a fit counts its own (two fits at once) neither enter
    /// its count nor find its recorder.
    func testForwardWorkPerRowIgnoresOtherThreads() {
        var g = RandomGenerator(seed: 6)
        let model = Dense(inputSize: 100, outputSize: 30, generator: &g)
        let x = Tensor.randomUniform([2, 100], using: &g)
        let other = Tensor.randomUniform([64, 64], using: &g)
        let stop = StopFlag()
        let background = Thread {
            while !stop.isSet { _ = withoutGradients { Tensor.matmul(other, other) } }
            stop.finished()
        }
        background.start()
        for _ in 0..<200 {
            XCTAssertEqual(BatchShards.forwardFLOPsPerRow(rows: 2) { _ = model(x) }, 2 * 100 * 30)
        }
        stop.set()
        stop.waitUntilFinished()
    }

    func testANonFiniteShardLossStopsTraining() {
        var g = RandomGenerator(seed: 2)
        let model = Architectures.denseVector(inputSize: 8, hidden: [4], generator: &g)
        var x = Tensor.randomUniform([64, 8], using: &g)
        x.withUnsafeMutableBufferPointer { $0[60 * 8] = .nan }  // in the second shard of the first batch
        XCTAssertThrowsError(
            try Trainer(model: model, optimizer: Adam()).fit(
                inputs: x, targets: x,
                options: TrainingOptions(epochs: 1, batchSize: 64, shuffle: false, progress: .silent),
                generator: &g
            ) { meanSquaredError(model($0), $1) }
        ) { error in
            guard case TrainingError.nonFiniteLoss = error else { return XCTFail("\(error)") }
        }
    }
}

/// A stop flag and a "finished" signal for a background thread in a test.
private final class StopFlag: @unchecked Sendable {
    private let lock = NSCondition()
    private var stopped = false
    private var done = false
    var isSet: Bool { lock.withLock { stopped } }
    func set() { lock.withLock { stopped = true } }
    func finished() {
        lock.withLock {
            done = true
            lock.broadcast()
        }
    }
    func waitUntilFinished() {
        lock.lock()
        while !done { lock.wait() }
        lock.unlock()
    }
}
