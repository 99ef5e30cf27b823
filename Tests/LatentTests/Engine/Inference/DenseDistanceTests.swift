import XCTest

@testable import Latent

/// Scoring fused with the last Dense layer gives the bits of the unfused path: the
/// layer's output, then each row's mean distance to the target.
final class DenseDistanceTests: XCTestCase {
    func testFusedDistancesMatchTheLayerThenTheDistanceBitForBit() {
        var g = RandomGenerator(seed: 21)
        let saved = Engine.threadCount
        defer { Engine.threadCount = saved }
        // Widths around the 16-lane vectors, the 14-row tiles and the 8192-float tile
        // (9000: one row at a time through a heap buffer); K above the GEMM's 256 block.
        let shapes: [(rows: Int, inputs: Int, outputs: Int)] = [
            (1, 64, 784), (29, 64, 784), (77, 8, 140), (15, 300, 17), (3, 5, 9000), (40, 16, 1),
        ]
        for (rows, inputs, outputs) in shapes {
            let x = Tensor.randomNormal([rows, inputs], using: &g)
            let w = Tensor.randomNormal([inputs, outputs], using: &g) * 0.3
            let b = Tensor.randomNormal([outputs], using: &g)
            let target = Tensor.randomUniform([rows, outputs], using: &g)
            for activation in [Activation.identity, .relu, .sigmoid, .tanh, .softplus] {
                for absolute in [false, true] {
                    Engine.threadCount = 1
                    let unfused = withoutGradients {
                        Tensor.rowMeanDistances(
                            Tensor.dense(x, weight: w, bias: b, activation: activation), target, absolute: absolute)
                    }
                    for threads in [1, 2] {
                        Engine.threadCount = threads
                        let fused = withoutGradients {
                            Tensor.denseRowMeanDistances(
                                x, weight: w, bias: b, activation: activation, target: target, absolute: absolute)
                        }
                        XCTAssertEqual(fused.shape, [rows])
                        XCTAssertEqual(
                            fused.scalars, unfused.scalars,
                            "\(rows)×\(inputs)→\(outputs), \(activation), absolute \(absolute), \(threads) threads")
                    }
                }
            }
        }
    }

    func testFusedDistancesAgreeWithAPlainReference() {
        var g = RandomGenerator(seed: 22)
        let (rows, inputs, outputs) = (6, 10, 33)
        let x = Tensor.randomNormal([rows, inputs], using: &g)
        let w = Tensor.randomNormal([inputs, outputs], using: &g)
        let b = Tensor.randomNormal([outputs], using: &g)
        let t = Tensor.randomUniform([rows, outputs], using: &g)
        let fused = withoutGradients {
            Tensor.denseRowMeanDistances(x, weight: w, bias: b, activation: .sigmoid, target: t)
        }
        let (xs, ws, bs, ts) = (x.scalars, w.scalars, b.scalars, t.scalars)
        for i in 0..<rows {
            var total = 0.0
            for j in 0..<outputs {
                var z = Double(bs[j])
                for k in 0..<inputs { z += Double(xs[i * inputs + k]) * Double(ws[k * outputs + j]) }
                let d = 1 / (1 + Foundation.exp(-z)) - Double(ts[i * outputs + j])
                total += d * d
            }
            XCTAssertEqual(Double(fused.scalars[i]), total / Double(outputs), accuracy: 1e-6, "row \(i)")
        }
    }

    /// Every lesson model that ends in a Dense layer takes the fused path, and its scores
    /// are the unfused ones; the denoiser (a convolution last) takes the unfused path.
    func testReconstructionErrorsOfTheLessonModels() {
        var g = RandomGenerator(seed: 23)
        let models: [(String, any Layer, [Int], Bool)] = [
            ("fashion-ae", Architectures.fashionDense(generator: &g), [28, 28, 1], true),
            ("ecg-ae", Architectures.denseVector(inputSize: 140, hidden: [32, 16, 8], generator: &g), [140], true),
            (
                "vae", VariationalAutoencoder(inputShape: [28, 28, 1], hidden: 64, codeSize: 8, generator: &g),
                [28, 28, 1], true
            ),
            ("denoiser", Architectures.fashionDenoiser(generator: &g), [28, 28, 1], false),
        ]
        for (name, model, shape, fusable) in models {
            XCTAssertEqual((model as? any FinalDenseSplittable)?.finalDenseSplit != nil, fusable, name)
            let x = Tensor.randomUniform([23] + shape, using: &g)
            for absolute in [false, true] {
                let unfused = withoutGradients {
                    Tensor.rowMeanDistances(model(x).reshaped(x.shape), x, absolute: absolute)
                }
                let fused = withoutGradients { model.reconstructionErrors(x, absolute: absolute) }
                XCTAssertEqual(fused.scalars, unfused.scalars, "\(name), absolute \(absolute)")
                // One row alone scores as in its batch.
                let alone = withoutGradients { model.reconstructionErrors(x.rows(7..<8), absolute: absolute) }
                XCTAssertEqual(alone.scalars, [fused.scalars[7]], name)
            }
        }
    }
}
