import XCTest
@testable import Latent

/// Inference results of a row do not depend on the rows batched with it, nor on the
/// thread count: the property that lets the server, the CLI and Spark agree bit for bit.
final class RowInvariantGEMMTests: XCTestCase {
    func testDenseRowsAreTheSameAloneAndInAnyBatch() {
        var g = RandomGenerator(seed: 3)
        let layer = Dense(inputSize: 140, outputSize: 37, activation: .sigmoid, generator: &g)
        let x = Tensor.randomUniform([301, 140], low: -1, high: 1, using: &g)
        let saved = Engine.threadCount
        defer { Engine.threadCount = saved }
        for threads in [1, 2] {
            Engine.threadCount = threads
            let whole = withoutGradients { layer(x) }.scalars
            // Against a double-precision reference.
            let w = layer.weight.scalars, b = layer.bias.scalars, xs = x.scalars
            for i in stride(from: 0, to: 301, by: 37) {
                for j in 0..<37 {
                    var s = Double(b[j])
                    for k in 0..<140 { s += Double(xs[i * 140 + k]) * Double(w[k * 37 + j]) }
                    XCTAssertEqual(Double(whole[i * 37 + j]), 1 / (1 + Foundation.exp(-s)), accuracy: 1e-5)
                }
            }
            // Alone, and in uneven batches starting anywhere.
            for (start, count) in [(0, 1), (5, 1), (300, 1), (7, 13), (100, 201), (1, 96)] {
                let part = withoutGradients { layer(x.rows(start..<(start + count))) }.scalars
                XCTAssertEqual(part, Array(whole[(start * 37)..<((start + count) * 37)]), "rows \(start)..+\(count), \(threads) threads")
            }
        }
    }

    func testDetectorScoresAreTheSameRowByRow() throws {
        let detector = DetectorTestData.fitted
        let (x, _) = DetectorTestData.rows(count: 50, anomalyEvery: 5, seed: 8)
        let all = try detector.score(x)
        for i in [0, 1, 17, 49] {
            XCTAssertEqual(try detector.score(x.rows(i..<(i + 1))), [all[i]], "row \(i)")
        }
        XCTAssertEqual(try detector.score(x.rows(10..<43)), Array(all[10..<43]))
    }
}
