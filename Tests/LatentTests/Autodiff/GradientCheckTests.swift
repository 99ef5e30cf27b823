import XCTest

@testable import Latent

/// Every differentiable primitive and composition, checked against central differences.
final class GradientCheckTests: XCTestCase {
    func testBinaryOpsWithBroadcasting() {
        let a = uniform([3, 4], seed: 1)
        let row = uniform([4], seed: 2)
        let column = uniform([3, 1], seed: 3)
        let positive = uniform([3, 4], 0.5, 2, seed: 4)
        assertGradientsMatch([a, row]) { $0[0] + $0[1] }
        assertGradientsMatch([a, column]) { $0[0] - $0[1] }
        assertGradientsMatch([a, row]) { $0[0] * $0[1] }
        assertGradientsMatch([a, positive]) { $0[0] / $0[1] }
        assertGradientsMatch([column, positive]) { $0[0] / $0[1] }
        assertGradientsMatch([a]) { -$0[0] }
        assertGradientsMatch([a]) { 3 * $0[0] - 2 }
        assertGradientsMatch([positive]) { 1 / $0[0] }
    }

    func testValueUsedTwice() {
        let a = uniform([2, 3])
        assertGradientsMatch([a]) { x in x[0] * x[0] + x[0] }
        assertGradientsMatch([a]) { x in (x[0].exp() * x[0]).sum() * x[0] }
    }

    func testUnaryOps() {
        let x = awayFromZero([2, 5])
        let positive = uniform([2, 5], 0.3, 2)
        assertGradientsMatch([x]) { $0[0].exp() }
        assertGradientsMatch([positive]) { $0[0].log() }
        assertGradientsMatch([positive]) { $0[0].sqrt() }
        assertGradientsMatch([x]) { $0[0].squared() }
        assertGradientsMatch([x]) { $0[0].abs() }
        assertGradientsMatch([x]) { $0[0].relu() }
        assertGradientsMatch([x]) { $0[0].sigmoid() }
        assertGradientsMatch([x]) { $0[0].tanh() }
        assertGradientsMatch([x]) { $0[0].softplus() }
        assertGradientsMatch([x]) { $0[0].clamped(min: -0.5, max: 0.7) }
    }

    func testReductions() {
        let x = uniform([2, 3, 4])
        assertGradientsMatch([x]) { $0[0].sum() }
        assertGradientsMatch([x]) { $0[0].mean() }
        assertGradientsMatch([x]) { $0[0].sum(alongAxis: 1) }
        assertGradientsMatch([x]) { $0[0].sum(alongAxes: [0, 2], keepingDimensions: true) }
        assertGradientsMatch([x]) { $0[0].mean(alongAxis: -1) }
        assertGradientsMatch([x]) { $0[0].mean(alongAxes: [0, 1]) }
    }

    func testShapeOps() {
        let x = uniform([4, 3])
        let y = uniform([2, 3], seed: 9)
        assertGradientsMatch([x]) { $0[0].reshaped([2, 6]) }
        assertGradientsMatch([x]) { $0[0].transposed() }
        assertGradientsMatch([uniform([2, 3, 4])]) { $0[0].permuted([2, 0, 1]) }
        assertGradientsMatch([x]) { $0[0].rows(1..<3) }
        assertGradientsMatch([x]) { $0[0].gathering(rows: [3, 0, 3]) }
        assertGradientsMatch([x, y]) { Tensor.concatenate([$0[0], $0[1]], alongAxis: 0) }
        assertGradientsMatch([x, uniform([4, 2])]) { Tensor.concatenate([$0[0], $0[1]], alongAxis: 1) }
        assertGradientsMatch([uniform([3])]) { $0[0].broadcasted(to: [2, 3]) }
    }

    func testMatMulWithTransposes() {
        let a = uniform([3, 4], seed: 1)
        let b = uniform([4, 5], seed: 2)
        assertGradientsMatch([a, b]) { Tensor.matmul($0[0], $0[1]) }
        assertGradientsMatch([a.transposed(), b]) { Tensor.matmul($0[0], $0[1], transposeA: true) }
        assertGradientsMatch([a, b.transposed()]) { Tensor.matmul($0[0], $0[1], transposeB: true) }
        assertGradientsMatch([a.transposed(), b.transposed()]) {
            Tensor.matmul($0[0], $0[1], transposeA: true, transposeB: true)
        }
    }

    func testConvolutions() {
        let x = uniform([2, 5, 5, 2], seed: 3)
        for padding in Padding.allCases {
            for stride in [1, 2] {
                assertGradientsMatch([x, uniform([3, 3, 2, 3], seed: 4)]) {
                    Tensor.conv2d($0[0], filter: $0[1], stride: (stride, stride), padding: padding)
                }
                assertGradientsMatch([uniform([2, 3, 3, 2], seed: 5), uniform([3, 3, 4, 2], seed: 6)]) {
                    Tensor.conv2dTranspose($0[0], filter: $0[1], stride: (stride, stride), padding: padding)
                }
            }
        }
    }

    func testMaxPool() {
        // Distinct values spaced well beyond the finite-difference step, so no window ties.
        var g = RandomGenerator(seed: 5)
        let values = (0..<(2 * 4 * 4 * 2)).map { Float($0) * 0.1 }.shuffled(using: &g)
        let x = Tensor(shape: [2, 4, 4, 2], scalars: values)
        assertGradientsMatch([x]) { $0[0].maxPooled() }
    }

    func testLosses() {
        let p = uniform([4, 3], 0.1, 0.9, seed: 1)
        let y = uniform([4, 3], 0, 1, seed: 2)
        let z = uniform([4, 3], -3, 3, seed: 3)
        assertGradientsMatch([p, y]) { meanSquaredError($0[0], $0[1]) }
        assertGradientsMatch([awayFromZero([4, 3]), Tensor.zeros([4, 3])]) { meanAbsoluteError($0[0], $0[1]) }
        assertGradientsMatch([p, y]) { binaryCrossEntropy(probabilities: $0[0], targets: $0[1]) }
        assertGradientsMatch([z, y]) { binaryCrossEntropy(logits: $0[0], targets: $0[1]) }
        assertGradientsMatch([z, uniform([4, 3], seed: 4)]) {
            gaussianKLDivergence(mean: $0[0], logStandardDeviation: $0[1])
        }
        assertGradientsMatch([z]) { l2Penalty($0[0]) }
    }

    func testCheckerCatchesAWrongRule() {
        // A deliberately wrong derivative (d/dx x² taken as x) must be reported.
        let x = uniform([3])
        let result = checkGradients(
            of: { xs in
                Tensor.recorded(xs[0].squared().detached(), inputs: [xs[0]]) { g in [{ g * xs[0].detached() }] }
            }, at: [x])
        XCTAssertGreaterThan(result.maximumError, 0.1)
    }
}
