import XCTest

@testable import Latent

/// Forward values against hand-computed or naive reference results.
final class TensorOpsTests: XCTestCase {
    func testBroadcastingArithmetic() {
        let a = Tensor([[1, 2, 3], [4, 5, 6]])
        assertClose(a + Tensor([10, 20, 30]), Tensor([[11, 22, 33], [14, 25, 36]]))
        assertClose(a * Tensor(shape: [2, 1], scalars: [2, -1]), Tensor([[2, 4, 6], [-4, -5, -6]]))
        assertClose(
            Tensor(shape: [2, 1, 1], scalars: [1, 2]) - Tensor([[1, 2], [3, 4]]),
            Tensor(shape: [2, 2, 2], scalars: [0, -1, -2, -3, 1, 0, -1, -2]))
        assertClose(1 / Tensor([2, 4]), Tensor([0.5, 0.25]))
    }

    func testUnaryValuesAndStability() {
        let x = Tensor([-1000, -1, 0, 1, 1000])
        assertClose(x.sigmoid(), Tensor([0, 0.26894142, 0.5, 0.7310586, 1]))
        assertClose(x.softplus(), Tensor([0, 0.31326169, 0.69314718, 1.3132617, 1000]))
        XCTAssertTrue(x.softplus().scalars.allSatisfy(\.isFinite))
        assertClose(x.relu(), Tensor([0, 0, 0, 1, 1000]))
        assertClose(x.clamped(min: -1, max: 1), Tensor([-1, -1, 0, 1, 1]))
        assertClose(Tensor([4, 9]).sqrt(), Tensor([2, 3]))
    }

    func testReductionValues() {
        let x = Tensor(shape: [2, 3, 2], scalars: (0..<12).map(Float.init))
        XCTAssertEqual(x.sum().item, 66)
        XCTAssertEqual(x.mean().item, 5.5)
        assertClose(x.sum(alongAxis: 1), Tensor([[6, 9], [24, 27]]))
        XCTAssertEqual(x.sum(alongAxis: 1, keepingDimensions: true).shape, [2, 1, 2])
        assertClose(x.sum(alongAxes: [0, 2]), Tensor([14, 22, 30]))
        assertClose(x.mean(alongAxis: -1), Tensor([[0.5, 2.5, 4.5], [6.5, 8.5, 10.5]]))
        // Long sums keep their precision (pairwise).
        XCTAssertEqual(Tensor(repeating: 0.1, shape: [1_000_000]).sum().item, 100_000, accuracy: 1)
    }

    func testMatMulAgainstNaiveProduct() {
        let a = uniform([7, 5], seed: 1)
        let b = uniform([5, 3], seed: 2)
        var expected = [Float](repeating: 0, count: 21)
        for i in 0..<7 { for j in 0..<3 { for k in 0..<5 { expected[i * 3 + j] += a[i, k] * b[k, j] } } }
        assertClose(a.matmul(b).scalars, expected)
        assertClose(Tensor.matmul(a.transposed(), b, transposeA: true).scalars, expected)
        assertClose(Tensor.matmul(a, b.transposed(), transposeB: true).scalars, expected)
        // Large enough for BLAS to use its blocked, threaded kernels.
        let big1 = uniform([300, 200], seed: 3)
        let big2 = uniform([200, 150], seed: 4)
        let c = big1.matmul(big2)
        for (i, j) in [(0, 0), (299, 149), (123, 77)] {
            var s: Float = 0
            for k in 0..<200 { s += big1[i, k] * big2[k, j] }
            XCTAssertEqual(c[i, j], s, accuracy: 1e-3)
        }
    }

    func testConv2DAgainstDirectLoop() {
        let x = uniform([2, 5, 6, 3], seed: 5)
        let k = uniform([3, 3, 3, 4], seed: 6)
        for padding in Padding.allCases {
            for stride in [1, 2] {
                let y = Tensor.conv2d(x, filter: k, stride: (stride, stride), padding: padding)
                let g = ConvolutionGeometry(
                    inputHeight: 5, inputWidth: 6, channels: 3, kernel: (3, 3),
                    stride: (stride, stride), padding: padding)
                XCTAssertEqual(y.shape, [2, g.outputHeight, g.outputWidth, 4])
                for n in 0..<2 {
                    for oh in 0..<g.outputHeight {
                        for ow in 0..<g.outputWidth {
                            for f in 0..<4 {
                                var s: Float = 0
                                for kh in 0..<3 {
                                    for kw in 0..<3 {
                                        for c in 0..<3 {
                                            let ih = oh * stride + kh - g.padTop
                                            let iw = ow * stride + kw - g.padLeft
                                            if ih >= 0 && ih < 5 && iw >= 0 && iw < 6 {
                                                s += x[n, ih, iw, c] * k[kh, kw, c, f]
                                            }
                                        }
                                    }
                                }
                                XCTAssertEqual(y[n, oh, ow, f], s, accuracy: 1e-5)
                            }
                        }
                    }
                }
            }
        }
    }

    func testSamePaddingPutsTheExtraRowAfter() {
        // TensorFlow: 28 → 14 with kernel 3 stride 2 pads 0 before and 1 after.
        let g = ConvolutionGeometry(
            inputHeight: 28, inputWidth: 28, channels: 1, kernel: (3, 3), stride: (2, 2), padding: .same)
        XCTAssertEqual([g.outputHeight, g.padTop], [14, 0])
        let odd = ConvolutionGeometry(
            inputHeight: 7, inputWidth: 7, channels: 1, kernel: (3, 3), stride: (1, 1), padding: .same)
        XCTAssertEqual([odd.outputHeight, odd.padTop], [7, 1])
    }

    func testConvTransposeIsTheAdjointOfConv() {
        // <conv(x), y> = <x, convT(y)> for the same filter, stride and padding.
        let x = uniform([2, 14, 14, 3], seed: 7)
        let k = uniform([3, 3, 3, 5], seed: 8)
        let y = uniform([2, 7, 7, 5], seed: 9)
        let left = (Tensor.conv2d(x, filter: k, stride: (2, 2), padding: .same) * y).sum().item
        let right = (x * Tensor.conv2dTranspose(y, filter: k, stride: (2, 2), padding: .same)).sum().item
        XCTAssertEqual(left, right, accuracy: 1e-3)
        XCTAssertEqual(
            Tensor.conv2dTranspose(
                uniform([1, 7, 7, 8]), filter: uniform([3, 3, 16, 8]), stride: (2, 2), padding: .same
            ).shape,
            [1, 14, 14, 16])
    }

    func testMaxPoolValues() {
        let x = Tensor(shape: [1, 2, 4, 1], scalars: [1, 5, 2, 0, 3, 4, 8, 7])
        assertClose(x.maxPooled(), Tensor(shape: [1, 1, 2, 1], scalars: [5, 8]))
    }

    func testShapeOpValues() {
        let x = Tensor([[1, 2, 3], [4, 5, 6]])
        assertClose(x.transposed(), Tensor([[1, 4], [2, 5], [3, 6]]))
        assertClose(x.gathering(rows: [1, 1, 0]), Tensor([[4, 5, 6], [4, 5, 6], [1, 2, 3]]))
        assertClose(
            Tensor.concatenate([x, Tensor([[7], [8]])], alongAxis: 1), Tensor([[1, 2, 3, 7], [4, 5, 6, 8]]))
        assertClose(x.reshaped([3, -1]), Tensor([[1, 2], [3, 4], [5, 6]]))
        assertClose(x.rows(1..<2), Tensor([[4, 5, 6]]))
    }

    /// Batches of every length up to past the gather's prefetch distance (about 4 KB of rows
    /// ahead), for short rows, rows of exactly 4 KB and longer ones; and no rows at all.
    func testGatheringRowsCopiesEachRowInOrder() {
        var g = RandomGenerator(seed: 7)
        for rowSize in [1, 3, 140, 1024, 1100] {
            let rows = 40
            let x = Tensor.randomUniform([rows, rowSize], using: &g)
            let values = x.scalars
            for count in [1, 2, 5, 29, 64] {
                let indices = (0..<count).map { _ in Int.random(in: 0..<rows, using: &g) }
                let batch = x.gathering(rows: indices)
                XCTAssertEqual(batch.shape, [count, rowSize])
                let expected = indices.flatMap { values[($0 * rowSize)..<(($0 + 1) * rowSize)] }
                XCTAssertEqual(batch.scalars, expected, "row size \(rowSize), \(count) rows")
            }
        }
        XCTAssertEqual(Tensor([[1, 2], [3, 4]]).gathering(rows: []).shape, [0, 2])
    }

    func testValueSemantics() {
        let a = Tensor([1, 2, 3])
        var b = a
        b[0] = 10
        XCTAssertEqual(a.scalars, [1, 2, 3])
        XCTAssertEqual(b.scalars, [10, 2, 3])
    }

    func testSeededRandomIsReproducibleAndWellDistributed() {
        var g1 = RandomGenerator(seed: 42)
        var g2 = RandomGenerator(seed: 42)
        var g3 = RandomGenerator(seed: 43)
        let a = Tensor.randomNormal([10_000], using: &g1)
        XCTAssertEqual(a.scalars, Tensor.randomNormal([10_000], using: &g2).scalars)
        XCTAssertNotEqual(a.scalars, Tensor.randomNormal([10_000], using: &g3).scalars)
        XCTAssertEqual(a.mean().item, 0, accuracy: 0.03)
        XCTAssertEqual(a.squared().mean().item, 1, accuracy: 0.05)
        let u = Tensor.randomUniform([10_000], low: 2, high: 4, using: &g1).scalars
        XCTAssertTrue(u.allSatisfy { $0 >= 2 && $0 < 4 })
    }
}
