import XCTest

@testable import Latent

/// Scoring in row blocks spread over threads gives the same bits as one call on the
/// whole batch, for every lesson model: the property that lets `mapRowBlocks` replace
/// whole-batch inference.
final class RowBlocksTests: XCTestCase {
    func models() -> [(String, any Layer, [Int])] {
        var g = RandomGenerator(seed: 11)
        return [
            ("fashion-ae", Architectures.fashionDense(generator: &g), [28, 28, 1]),
            ("denoiser", Architectures.fashionDenoiser(generator: &g), [28, 28, 1]),
            ("ecg-ae", Architectures.denseVector(inputSize: 140, hidden: [32, 16, 8], generator: &g), [140]),
            (
                "vae", VariationalAutoencoder(inputShape: [28, 28, 1], hidden: 64, codeSize: 8, generator: &g),
                [28, 28, 1]
            ),
            ("lenet", Architectures.lenet(generator: &g), [28, 28, 1]),
        ]
    }

    func testBlocksGiveTheSameBitsAsTheWholeBatch() {
        var g = RandomGenerator(seed: 12)
        let saved = Engine.threadCount
        defer { Engine.threadCount = saved }
        for (name, model, shape) in models() {
            let x = Tensor.randomUniform([77] + shape, using: &g)
            Engine.threadCount = 1
            let whole = withoutGradients { model(x) }
            for threads in [1, 2] {
                Engine.threadCount = threads
                for perBlock in [1, 5, 32, 76] {
                    let blocked = withoutGradients { x.mapRowBlocks(rowsPerBlock: perBlock) { model($0) } }
                    XCTAssertEqual(blocked.shape, whole.shape, name)
                    XCTAssertEqual(
                        blocked.scalars, whole.scalars, "\(name), \(perBlock) rows per block, \(threads) threads")
                }
                if name != "lenet" {
                    let scores = withoutGradients {
                        x.mapRowBlocks { Tensor.rowMeanDistances(model($0).reshaped($0.shape), $0) }
                    }
                    let direct = withoutGradients { Tensor.rowMeanDistances(whole.reshaped(x.shape), x) }
                    XCTAssertEqual(scores.scalars, direct.scalars, name)
                }
            }
        }
    }

    func testOneImageAloneScoresAsInItsBatch() {
        var g = RandomGenerator(seed: 13)
        for (name, model, shape) in models() where shape.count == 3 {
            let x = Tensor.randomUniform([9] + shape, using: &g)
            let whole = withoutGradients { model(x) }
            let perRow = whole.count / 9
            for i in [0, 4, 8] {
                let alone = withoutGradients { model(x.rows(i..<(i + 1))) }
                XCTAssertEqual(
                    alone.scalars, Array(whole.scalars[(i * perRow)..<((i + 1) * perRow)]), "\(name) image \(i)")
            }
        }
    }

    /// Inference convolutions run as im2col + the row-invariant GEMM (or the one-channel
    /// kernel), training ones directly: both compute the convolution that im2col + BLAS does.
    func testInferenceAndTrainingConvolutionsMatchTheGEMMFormulation() {
        var g = RandomGenerator(seed: 14)
        for (c, f, k, stride, padding) in [
            (1, 10, 5, 1, Padding.valid), (10, 20, 5, 1, .valid), (1, 16, 3, 2, .same),
            (16, 8, 3, 2, .same), (16, 1, 3, 1, .same), (1, 3, 3, 1, .same),
        ] {
            let x = Tensor.randomUniform([3, 13, 12, c], low: -1, high: 1, using: &g)
            let w = Tensor.randomUniform([k, k, c, f], low: -1, high: 1, using: &g).requiringGradient()
            let geometry = ConvolutionGeometry(
                inputHeight: 13, inputWidth: 12, channels: c, kernel: (k, k),
                stride: (stride, stride), padding: padding)
            let reference = withoutGradients {
                Tensor.matmul(x.unfoldedPatches(geometry), w.reshaped([k * k * c, f]))
            }.scalars
            let trained = Tensor.conv2d(x, filter: w, stride: (stride, stride), padding: padding)
            let inferred = withoutGradients { Tensor.conv2d(x, filter: w, stride: (stride, stride), padding: padding) }
            XCTAssertEqual(inferred.shape, trained.shape)
            for (name, y) in [("inference", inferred), ("training", trained)] {
                XCTAssertEqual(y.count, reference.count)
                let worst = zip(y.scalars, reference).map { Swift.abs($0 - $1) }.max() ?? 0
                XCTAssertLessThan(worst, 1e-4, "\(name): c \(c) f \(f) k \(k) stride \(stride) \(padding)")
            }
        }
    }

    func testRecordingRunsTheBodyOnce() {
        var calls = 0
        let x = Tensor.ones([100, 3]).requiringGradient()
        let y = x.mapRowBlocks(rowsPerBlock: 10) {
            calls += 1
            return $0 * 2
        }
        XCTAssertEqual(calls, 1)
        XCTAssertEqual(y.shape, [100, 3])
    }

    /// Blocks are views of the batch's rows: writing into one copies it first, so the
    /// batch never changes under the caller.
    func testWritingIntoABlockLeavesTheBatchAlone() {
        let x = Tensor(shape: [10, 2], scalars: (0..<20).map(Float.init))
        let y = withoutGradients {
            x.mapRowBlocks(rowsPerBlock: 3) { block in
                var b = block
                b.withUnsafeMutableBufferPointer { $0[0] = -1 }
                return b
            }
        }
        XCTAssertEqual(x.scalars, (0..<20).map(Float.init))
        var expected = (0..<20).map(Float.init)
        for row in [0, 3, 6, 9] { expected[row * 2] = -1 }
        XCTAssertEqual(y.scalars, expected)
    }
}
