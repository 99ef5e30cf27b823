import Foundation
import XCTest

@testable import Latent

/// Row-blocked inference against a double-precision forward pass written from the layers'
/// definitions (y = act(x·W + b), layer by layer), not against another path of the
/// engine. `.ci/run` runs it at every kernel level.
final class RowBlocksReferenceTests: XCTestCase {
    /// The Dense layers of a dense autoencoder, in order.
    func denseLayers(_ model: Autoencoder) -> [Dense] {
        (model.encoder.layers + model.decoder.layers).compactMap { $0 as? Dense }
    }

    func doubleForward(_ row: [Double], _ layers: [Dense]) -> [Double] {
        layers.reduce(row) { x, layer in
            let (w, b) = (layer.weight.scalars.map(Double.init), layer.bias.scalars.map(Double.init))
            let (inputs, outputs) = (layer.inputSize, layer.outputSize)
            return (0..<outputs).map { j in
                var z = b[j]
                for k in 0..<inputs { z += x[k] * w[k * outputs + j] }
                switch layer.activation {
                case .identity: return z
                case .relu: return Swift.max(z, 0)
                case .sigmoid: return 1 / (1 + Foundation.exp(-z))
                case .tanh: return Foundation.tanh(z)
                case .softplus: return Foundation.log1p(Foundation.exp(z))
                }
            }
        }
    }

    func testBlockedDenseAutoencoderMatchesADoubleForward() {
        var g = RandomGenerator(seed: 81)
        let model = Architectures.denseVector(inputSize: 140, hidden: [32, 16, 8], generator: &g)
        let layers = denseLayers(model)
        XCTAssertEqual(layers.count, 6)  // 140 → 32 → 16 → 8 → 16 → 32 → 140
        let x = Tensor.randomUniform([77, 140], using: &g)
        let saved = Engine.threadCount
        defer { Engine.threadCount = saved }
        for threads in [1, 2] {
            Engine.threadCount = threads
            for perBlock in [1, 5, 76] {
                let blocked = withoutGradients { x.mapRowBlocks(rowsPerBlock: perBlock) { model($0) } }
                let scores = withoutGradients {
                    x.mapRowBlocks(rowsPerBlock: perBlock) { Tensor.rowMeanDistances(model($0), $0) }
                }
                let xs = x.scalars.map(Double.init)
                for r in 0..<77 {
                    let row = Array(xs[r * 140..<(r + 1) * 140])
                    let expected = doubleForward(row, layers)
                    var squared = 0.0
                    for j in 0..<140 {
                        let got = Double(blocked.scalars[r * 140 + j])
                        XCTAssertEqual(
                            got, expected[j], accuracy: 1e-5 * (1 + abs(expected[j])),
                            "row \(r), output \(j), \(perBlock) rows per block, \(threads) threads")
                        squared += (expected[j] - row[j]) * (expected[j] - row[j])
                    }
                    XCTAssertEqual(
                        Double(scores.scalars[r]), squared / 140, accuracy: 1e-5 * (1 + squared / 140),
                        "score of row \(r)")
                }
            }
        }
    }
}
