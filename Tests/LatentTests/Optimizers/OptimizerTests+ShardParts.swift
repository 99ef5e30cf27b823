import XCTest

@testable import Latent

/// Two parameters for the shard-parts test: one big enough that Adam splits it across
/// threads, with a length that is not a multiple of 16, and a small one.
private final class TwoVectors: Module {
    @Parameter var big: Tensor
    @Parameter var small: Tensor
    init(_ generator: inout RandomGenerator) {
        big = Tensor.randomUniform([1, 20_011], low: -1, high: 1, using: &generator)
        small = Tensor.randomUniform([1, 5], low: -1, high: 1, using: &generator)
    }
}

extension OptimizerTests {
    /// A data-parallel step leaves two shards' gradients that Adam adds in its own pass;
    /// the result must be the bits of Adam applied to their sum (``Parameter/gradient``).
    func testAdamOverShardGradientPartsGivesTheBitsOfTheSummedGradient() {
        let saved = Engine.threadCount
        Engine.threadCount = 2
        defer { Engine.threadCount = saved }
        var g = RandomGenerator(seed: 8)
        let fused = TwoVectors(&g)
        var copy = g
        let summed = TwoVectors(&copy)
        try! summed.load(parameters: fused.parameters())
        let initial = fused.big.scalars
        let x = Tensor.randomUniform([40, 20_011], low: -1, high: 1, using: &g)
        let y = Tensor.randomUniform([40, 5], using: &g)
        let adamFused = Adam(learningRate: 0.01, weightDecay: 0.1)
        let adamSummed = Adam(learningRate: 0.01, weightDecay: 0.1)
        func shardedGradients(_ model: TwoVectors) {
            let parameters = model.namedParameters().map(\.parameter)
            for p in parameters { p.zeroGradient() }
            var noise = RandomGenerator(seed: 1)
            _ = BatchShards(rows: 40, dataParallel: true).lossAndGradients(
                inputs: x, targets: y, rows: Array(0..<40), parameters: parameters, generator: &noise
            ) { a, b, _ in
                meanSquaredError((a * model.big).sum(alongAxis: 1, keepingDimensions: true) * model.small, b)
            }
        }
        for _ in 0..<3 {
            shardedGradients(fused)
            XCTAssertEqual(fused.namedParameters().map { $0.parameter.gradientParts.count }, [2, 2])
            adamFused.step(fused)
            shardedGradients(summed)
            for (_, p) in summed.namedParameters() { _ = p.gradient }  // adds the parts first
            XCTAssertEqual(summed.namedParameters().map { $0.parameter.gradientParts.count }, [1, 1])
            adamSummed.step(summed)
        }
        for ((name, a), (_, b)) in zip(fused.namedParameters(), summed.namedParameters()) {
            XCTAssertEqual(
                a.wrappedValue.scalars.map(\.bitPattern), b.wrappedValue.scalars.map(\.bitPattern), name)
        }
        XCTAssertNotEqual(fused.big.scalars, initial)  // the steps moved it
    }
}
