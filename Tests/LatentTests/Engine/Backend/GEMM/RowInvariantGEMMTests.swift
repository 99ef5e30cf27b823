import CLatentKernels
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
            let w = layer.weight.scalars
            let b = layer.bias.scalars
            let xs = x.scalars
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
                XCTAssertEqual(
                    part, Array(whole[(start * 37)..<((start + count) * 37)]),
                    "rows \(start)..+\(count), \(threads) threads")
            }
        }
    }

    /// Inference Dense layers end in the GEMM's stores where the kernels can (AVX2: bias,
    /// identity, relu): the same bits as the GEMM, then the bias-and-activation pass, on
    /// every kernel path, for column tails, short row tiles and K above one 256 block.
    func testDenseEndedInTheGEMMStoresMatchesTheGEMMThenTheBiasPass() {
        var g = RandomGenerator(seed: 4)
        for (m, k, n) in [(1, 7, 5), (13, 64, 784), (29, 300, 33), (6, 16, 8), (20, 150, 1), (40, 520, 20)] {
            let a = Tensor.randomNormal([m, k], using: &g)
            let w = Tensor.randomNormal([k, n], using: &g)
            var b = Tensor.randomNormal([n], using: &g)
            // A NaN bias: relu maps it to 0 both ways, identity keeps the same NaN.
            b.withUnsafeMutableBufferPointer { $0[0] = .nan }
            for act in [Activation.identity, .relu, .sigmoid] {
                for level: Int32 in [0, 1, 2] {
                    var reference = [Float](repeating: 0, count: m * n)
                    var fused = reference
                    a.withUnsafeBufferPointer { ap in
                        w.withUnsafeBufferPointer { wp in
                            b.withUnsafeBufferPointer { bp in
                                latent_sgemm_rows_level(
                                    level, 0, 0, n, k, 1, ap.baseAddress!, k, wp.baseAddress!, n, 0, &reference, n, 0, m
                                )
                                latent_bias_act(reference, bp.baseAddress!, &reference, m, n, act.kernelCode)
                                // In two row ranges: the split must not matter either.
                                latent_dense_rows_level(
                                    level, n, k, ap.baseAddress!, k, wp.baseAddress!, bp.baseAddress!,
                                    act.kernelCode, &fused, n, 0, m / 2)
                                latent_dense_rows_level(
                                    level, n, k, ap.baseAddress!, k, wp.baseAddress!, bp.baseAddress!,
                                    act.kernelCode, &fused, n, m / 2, m)
                            }
                        }
                    }
                    XCTAssertEqual(
                        fused.map(\.bitPattern), reference.map(\.bitPattern), "\(m)×\(k)→\(n), \(act), level \(level)")
                }
            }
        }
    }

    /// Full tiles with α = 1 and β = 0 (training's products) end in stores specialised at
    /// compile time; β = 1 on a C of +0 takes the general stores, whose fma(0, 1, v) is v
    /// (no product here is −0). The same bits both ways, for every transpose, one K block
    /// and several (the specialised "C + v" of later blocks), shard-sized K.
    func testSpecialisedTileStoresGiveTheGeneralStoresBits() {
        var g = RandomGenerator(seed: 6)
        for (m, k, n) in [(16, 16, 784), (784, 16, 64), (28, 600, 64), (14, 257, 32), (6, 64, 16)] {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = Tensor.randomNormal(ta ? [k, m] : [m, k], using: &g).scalars
                let b = Tensor.randomNormal(tb ? [n, k] : [k, n], using: &g).scalars
                for level: Int32 in [1, 2] {
                    func product(beta: Float, into c: inout [Float]) {
                        latent_sgemm_rows_level(
                            level, ta ? 1 : 0, tb ? 1 : 0, n, k, 1, a, ta ? m : k, b, tb ? k : n, beta, &c, n, 0, m)
                    }
                    var specialised = [Float](repeating: .nan, count: m * n)  // β = 0 never reads C
                    var general = [Float](repeating: 0, count: m * n)
                    product(beta: 0, into: &specialised)
                    product(beta: 1, into: &general)
                    XCTAssertEqual(
                        specialised.map(\.bitPattern), general.map(\.bitPattern),
                        "\(m)×\(k)→\(n) ta \(ta) tb \(tb) level \(level)")
                }
            }
        }
    }

    /// A·Bᵀ for a few rows against many (a shard's input gradient) is computed as (B·Aᵀ)ᵀ;
    /// the same rows in a batch too large for that take the direct path. Both must give
    /// each row the same bits, for one K block and several, with and without α.
    func testFewRowsTimesATransposedBGiveTheirBitsInALargerBatch() {
        var g = RandomGenerator(seed: 7)
        for (n, k) in [(64, 784), (784, 64), (140, 32), (33, 300)] {
            let rows = 40  // more than n / 4 for every n above but 784 and 140
            let a = Tensor.randomNormal([rows, k], using: &g).scalars
            let b = Tensor.randomNormal([n, k], using: &g).scalars
            for level: Int32 in [1, 2] {
                for alpha: Float in [1, 0.5] {
                    var whole = [Float](repeating: 0, count: rows * n)
                    latent_sgemm_rows_level(level, 0, 1, n, k, alpha, a, k, b, k, 0, &whole, n, 0, rows)
                    for (start, count) in [(0, 16), (5, 1), (17, 3), (24, 16)] {
                        var part = [Float](repeating: .nan, count: rows * n)
                        latent_sgemm_rows_level(level, 0, 1, n, k, alpha, a, k, b, k, 0, &part, n, start, start + count)
                        XCTAssertEqual(
                            part[(start * n)..<((start + count) * n)].map(\.bitPattern),
                            whole[(start * n)..<((start + count) * n)].map(\.bitPattern),
                            "rows \(start)..+\(count) of \(rows)×\(k)·(\(n)×\(k))ᵀ, α \(alpha), level \(level)")
                    }
                }
            }
        }
    }

    /// The row-invariant GEMM at every kernel level the host has (levels above it are
    /// capped to it), every transpose, against a double-precision loop element by element:
    /// the self-consistency checks above would not see a kernel that is wrong the same way
    /// every time. Shapes cover column tails (n not a multiple of 8 or 16), short row tiles,
    /// K above one 256-deep block, one column, and β = 1 accumulation.
    func testEveryLevelMatchesADoublePrecisionReference() {
        var g = RandomGenerator(seed: 5)
        let shapes = [(1, 7, 5), (13, 64, 784), (29, 300, 33), (6, 16, 8), (20, 150, 1), (40, 520, 20), (31, 33, 65)]
        for (m, k, n) in shapes {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = Tensor.randomUniform(ta ? [k, m] : [m, k], low: -1, high: 1, using: &g)
                let b = Tensor.randomUniform(tb ? [n, k] : [k, n], low: -1, high: 1, using: &g)
                let c0 = Tensor.randomUniform([m, n], low: -1, high: 1, using: &g)
                for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1)] {
                    let (pa, pb, pc) = (a.scalars, b.scalars, c0.scalars)
                    var expected = [Double](repeating: 0, count: m * n)
                    for i in 0..<m {
                        for j in 0..<n {
                            var s = 0.0
                            for p in 0..<k {
                                s +=
                                    Double(ta ? pa[p * m + i] : pa[i * k + p])
                                    * Double(tb ? pb[j * k + p] : pb[p * n + j])
                            }
                            expected[i * n + j] = Double(alpha) * s + Double(beta) * Double(pc[i * n + j])
                        }
                    }
                    for level: Int32 in [0, 1, 2] {
                        var c = pc
                        a.withUnsafeBufferPointer { ap in
                            b.withUnsafeBufferPointer { bp in
                                latent_sgemm_rows_level(
                                    level, ta ? 1 : 0, tb ? 1 : 0, n, k, alpha, ap.baseAddress!, ta ? m : k,
                                    bp.baseAddress!, tb ? k : n, beta, &c, n, 0, m)
                            }
                        }
                        let worst = zip(c, expected).map { Swift.abs(Double($0) - $1) }.max() ?? 0
                        XCTAssertLessThan(
                            worst, 1e-5 * Double(k).squareRoot() + 1e-6,
                            "\(m)×\(k)→\(n) ta \(ta) tb \(tb) α \(alpha) β \(beta) level \(level) (host \(Engine.vectorKernels))"
                        )
                    }
                }
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
