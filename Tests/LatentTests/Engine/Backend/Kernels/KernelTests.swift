import CLatentKernels
import Foundation
import XCTest

@testable import Latent

/// The vectorised kernels against double-precision references, including the edges
/// (overflow, underflow, infinities, NaN) and every broadcast pattern.
final class KernelTests: XCTestCase {
    /// Distance in units of the last place of `expected` (as a float).
    func ulps(_ actual: Float, _ expected: Double) -> Float {
        let e = Float(expected)
        if actual == e { return 0 }
        return Swift.abs(actual - e) / e.ulp
    }

    func grid(_ low: Float, _ high: Float, _ n: Int) -> [Float] {
        (0..<n).map { low + (high - low) * Float($0) / Float(n - 1) }
    }

    func testExpIsWithinTwoUlpsOnTheNormalRange() {
        let xs = grid(-87, 88.7, 200_003)
        let ys = Tensor(xs).exp().scalars
        var worst: Float = 0
        for (x, y) in zip(xs, ys) { worst = max(worst, ulps(y, Foundation.exp(Double(x)))) }
        XCTAssertLessThanOrEqual(worst, 2)
        let edges = Tensor([-.infinity, -1000, -88, 0, 89, 1000, .infinity]).exp().scalars
        XCTAssertEqual(edges[0], 0)
        XCTAssertEqual(edges[1], 0)
        XCTAssertLessThan(edges[2], 1.2e-38)
        XCTAssertEqual(edges[3], 1)
        XCTAssertEqual(edges[4], .infinity)
        XCTAssertEqual(edges[5], .infinity)
        XCTAssertEqual(edges[6], .infinity)
        XCTAssertTrue(Tensor([.nan]).exp().item.isNaN)
    }

    func testSigmoidAndTanhAreAccurate() {
        let xs = grid(-30, 30, 100_001)
        let s = Tensor(xs).sigmoid().scalars
        let t = Tensor(xs).tanh().scalars
        var worstS: Float = 0
        var worstT: Float = 0
        for (i, x) in xs.enumerated() {
            worstS = max(worstS, ulps(s[i], 1 / (1 + Foundation.exp(-Double(x)))))
            worstT = max(worstT, ulps(t[i], Foundation.tanh(Double(x))))
        }
        XCTAssertLessThanOrEqual(worstS, 4)
        XCTAssertLessThanOrEqual(worstT, 4)
        // Tiny arguments keep their relative precision.
        XCTAssertEqual(Tensor([1e-6]).tanh().item, 1e-6, accuracy: 1e-12)
        let far = Tensor([-1000, 1000, -.infinity, .infinity])
        XCTAssertEqual(far.sigmoid().scalars, [0, 1, 0, 1])
        XCTAssertEqual(far.tanh().scalars, [-1, 1, -1, 1])
        XCTAssertTrue(Tensor([.nan]).sigmoid().item.isNaN)
    }

    /// The activations' AVX2 and AVX-512 builds give the same bits (results must not depend
    /// on the CPU), on every 8191st bit pattern (every sign, exponent, NaN and infinity)
    /// with and without a bias.
    func testActivationsGiveTheSameBitsWithAVX2AndAVX512() throws {
        try XCTSkipIf(latent_cpu_level() < 2, "needs an AVX-512 host to compare against")
        let xs = stride(from: UInt64(0), to: 1 << 32, by: 8191).map { Float(bitPattern: UInt32($0)) }
        let cols = 1000
        let rows = xs.count / cols
        var g = RandomGenerator(seed: 5)
        let bias = Tensor.randomNormal([cols], using: &g).scalars
        for act in Activation.allCases {
            for withBias in [false, true] {
                var wide = [Float](repeating: 0, count: rows * cols)
                var narrow = wide
                bias.withUnsafeBufferPointer { b in
                    let bp = withBias ? b.baseAddress : nil
                    latent_bias_act_level(2, xs, bp, &wide, rows, cols, act.kernelCode)
                    latent_bias_act_level(1, xs, bp, &narrow, rows, cols, act.kernelCode)
                }
                let differing = zip(wide, narrow).filter { $0.bitPattern != $1.bitPattern }.count
                XCTAssertEqual(differing, 0, "\(act), bias \(withBias): \(differing) of \(wide.count) differ")
            }
        }
    }

    /// Rows narrower than 16 floats run as one wide row (against a repeated bias): every
    /// element must get the bits it gets when its row is computed alone, at every level,
    /// for every activation, with and without a bias, in place or not.
    func testNarrowRowsGiveTheBitsOfRowByRowBiasAndActivation() {
        var g = RandomGenerator(seed: 11)
        for cols in [1, 2, 3, 8, 10, 15] {
            for rows in [2, 7, 300] {
                let z = Tensor.randomNormal([rows * cols], using: &g).scalars.map { $0 * 6 }
                let bias = Tensor.randomNormal([cols], using: &g).scalars
                for level in 0...Int(latent_cpu_level()) {
                    for act in Activation.allCases {
                        for withBias in [false, true] {
                            var whole = [Float](repeating: 0, count: rows * cols)
                            var byRow = whole
                            var inPlace = z
                            bias.withUnsafeBufferPointer { b in
                                let bp = withBias ? b.baseAddress : nil
                                latent_bias_act_level(Int32(level), z, bp, &whole, rows, cols, act.kernelCode)
                                inPlace.withUnsafeMutableBufferPointer {
                                    latent_bias_act_level(
                                        Int32(level), $0.baseAddress, bp, $0.baseAddress, rows, cols, act.kernelCode)
                                }
                                for r in 0..<rows {
                                    z.withUnsafeBufferPointer { zp in
                                        byRow.withUnsafeMutableBufferPointer { out in
                                            latent_bias_act_level(
                                                Int32(level), zp.baseAddress! + r * cols, bp,
                                                out.baseAddress! + r * cols, 1, cols, act.kernelCode)
                                        }
                                    }
                                }
                            }
                            let label = "cols \(cols), rows \(rows), level \(level), \(act), bias \(withBias)"
                            XCTAssertEqual(whole.map(\.bitPattern), byRow.map(\.bitPattern), label)
                            XCTAssertEqual(inPlace.map(\.bitPattern), byRow.map(\.bitPattern), "in place, " + label)
                        }
                    }
                }
            }
        }
    }

    /// Rows side by side (four at a time, the rest alone) give each row the bits of its own
    /// latent_distance_sum: both kinds, widths under, at and over one block of 1024, with
    /// vector tails, row strides wider than the rows.
    func testDistanceSumsGiveEachRowsOwnBits() {
        var g = RandomGenerator(seed: 19)
        for n in [1, 15, 16, 784, 1024, 1030, 2600] {
            for rows in [1, 3, 4, 7, 9] {
                let stride = n + 5
                let p = Tensor.randomNormal([rows * stride], using: &g).scalars
                let t = Tensor.randomNormal([rows * stride], using: &g).scalars
                for kind: Int32 in [0, 1] {
                    var sums = [Double](repeating: .nan, count: rows)
                    latent_distance_sums(p, stride, t, stride, rows, n, kind, &sums)
                    for r in 0..<rows {
                        let alone = p.withUnsafeBufferPointer { pp in
                            t.withUnsafeBufferPointer { tp in
                                latent_distance_sum(pp.baseAddress! + r * stride, tp.baseAddress! + r * stride, n, kind)
                            }
                        }
                        XCTAssertEqual(
                            sums[r].bitPattern, alone.bitPattern, "n \(n), rows \(rows), row \(r), kind \(kind)")
                    }
                }
            }
        }
    }

    /// The first NaN or ±Inf is found wherever it is: in a block of 64, at a block's edge,
    /// in the tail after the blocks, with a later one ignored; none gives −1.
    func testFirstNonFiniteIsFoundAtEveryPosition() {
        for n in [0, 1, 63, 64, 65, 200] {
            let clean = (0..<n).map { Float($0) * 1e30 - 3e31 }  // large but finite
            XCTAssertEqual(latent_first_non_finite(clean, n), -1, "n \(n)")
            for position in Set([0, 1, 62, 63, 64, 127, 128, n - 1].filter { $0 >= 0 && $0 < n }) {
                for bad: Float in [.nan, .infinity, -.infinity, -.nan] {
                    var x = clean
                    x[position] = bad
                    if position + 3 < n { x[position + 3] = .nan }
                    XCTAssertEqual(latent_first_non_finite(x, n), position, "n \(n), at \(position), \(bad)")
                }
            }
        }
        XCTAssertEqual(Tensor(shape: [2, 2], scalars: [1, 2, .infinity, 4]).firstNonFiniteIndex, 2)
        XCTAssertNil(Tensor(shape: [2], scalars: [.greatestFiniteMagnitude, -0.0]).firstNonFiniteIndex)
    }

    /// Column sums add the rows in order: the narrow widths kept in registers must give
    /// the bits of that order, computed here one float at a time.
    func testColumnSumsAddTheRowsInOrderAtEveryWidth() {
        var g = RandomGenerator(seed: 12)
        for cols in [1, 2, 3, 4, 8, 10, 16, 20, 32, 64, 65, 150] {
            for rows in [1, 5, 1000] {
                var x = Tensor.randomNormal([rows * cols], using: &g).scalars
                x[0] = -0.0
                var expected = [Float](repeating: 0, count: cols)
                for r in 0..<rows { for c in 0..<cols { expected[c] += x[r * cols + c] } }
                var sums = [Float](repeating: .nan, count: cols)
                latent_column_sums(x, &sums, rows, cols)
                XCTAssertEqual(sums.map(\.bitPattern), expected.map(\.bitPattern), "cols \(cols), rows \(rows)")
            }
        }
    }

    /// Every broadcast pattern of the binary kernel against a scalar loop.
    func testBinaryBroadcastPatternsMatchAScalarLoop() {
        var g = RandomGenerator(seed: 11)
        let shapes: [([Int], [Int])] = [
            ([3, 4], [3, 4]), ([3, 4], []), ([], [3, 4]), ([3, 4], [4]), ([3, 1], [1, 4]),
            ([2, 3, 4], [3, 1]), ([2, 1, 4], [2, 3, 1]), ([5, 40_000], [40_000]),
        ]
        for (sa, sb) in shapes {
            let a = Tensor.randomUniform(sa, low: 0.5, high: 2, using: &g)
            let b = Tensor.randomUniform(sb, low: 0.5, high: 2, using: &g)
            for (op, f) in [
                (a + b, { (x: Float, y: Float) in x + y }), (a - b, { $0 - $1 }), (a * b, { $0 * $1 }),
                (a / b, { $0 / $1 }),
            ] {
                let expected = Tensor.combined(a, b, f)
                XCTAssertEqual(op.shape, expected.shape)
                XCTAssertEqual(op.scalars, expected.scalars, "\(sa) ∘ \(sb)")
            }
        }
    }
}
