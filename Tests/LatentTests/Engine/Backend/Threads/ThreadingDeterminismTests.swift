import XCTest

@testable import Latent

/// Same seed, same bits at a fixed thread count; 1 and 2 threads agree within float
/// tolerance (reductions split across threads add in a different order).
final class ThreadingDeterminismTests: XCTestCase {
    func train(threads: Int) throws -> [Float] {
        let saved = Engine.threadCount
        Engine.threadCount = threads
        defer { Engine.threadCount = saved }
        var g = RandomGenerator(seed: 9)
        let dense = Architectures.fashionDense(codeSize: 16, generator: &g)
        let conv = Architectures.fashionDenoiser(generator: &g)
        let x = Tensor.randomUniform([128, 28, 28, 1], using: &g)
        for model in [dense, conv] {
            let trainer = Trainer(model: model, optimizer: Adam())
            _ = try trainer.fit(
                inputs: x, targets: x, options: TrainingOptions(epochs: 1, batchSize: 64, progress: .silent),
                generator: &g
            ) { meanSquaredError(model($0), $1) }
        }
        return (dense.namedParameters() + conv.namedParameters()).flatMap { $0.parameter.wrappedValue.scalars }
    }

    func testSameSeedSameBitsAndThreadCountsAgree() throws {
        let a = try train(threads: 2)
        let b = try train(threads: 2)
        let c = try train(threads: 1)
        XCTAssertEqual(a, b)
        // Batches are split into shards by their rows, never by the thread count: the same bits.
        XCTAssertEqual(a.map(\.bitPattern), c.map(\.bitPattern))
    }
}
