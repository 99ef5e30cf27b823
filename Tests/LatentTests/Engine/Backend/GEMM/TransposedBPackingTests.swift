import CLatentKernels
import XCTest

@testable import Latent

/// The AVX2 GEMM packs a transposed B 8 columns × 8 k at a time through an in-register
/// transpose (`pack_bt2`): every element of C = A·Bᵀ against a double-precision loop, on
/// that path (level 1), for column tails of a 16-wide panel and of an 8-wide half, k tails,
/// K past one 256 block, and a B whose rows are longer than K (ldb > K).
final class TransposedBPackingTests: XCTestCase {
    func testAVX2TransposedBMatchesADoubleReferenceElementWise() {
        var g = RandomGenerator(seed: 20)
        for n in [1, 7, 8, 9, 15, 16, 17, 31, 33, 140] {
            for k in [1, 5, 8, 9, 31, 64, 257, 300] {
                for transA in [false, true] {
                    let m = 13
                    let ldb = k + 3
                    let a = Tensor.randomUniform([m * k], low: -1, high: 1, using: &g).scalars
                    let b = Tensor.randomUniform([n * ldb], low: -1, high: 1, using: &g).scalars
                    let lda = transA ? m : k
                    var c = [Float](repeating: .nan, count: m * n)
                    latent_sgemm_rows_level(1, transA ? 1 : 0, 1, n, k, 1, a, lda, b, ldb, 0, &c, n, 0, m)
                    for i in 0..<m {
                        for j in 0..<n {
                            var s = 0.0
                            for p in 0..<k {
                                let x = transA ? a[p * m + i] : a[i * k + p]
                                s += Double(x) * Double(b[j * ldb + p])
                            }
                            XCTAssertEqual(
                                Double(c[i * n + j]), s, accuracy: 1e-5 * Double(k).squareRoot() + 1e-6,
                                "n \(n) k \(k) transA \(transA) at [\(i), \(j)]")
                        }
                    }
                    // Every path computes the same recipe: the AVX-512 path (where the CPU has it) gives the same bits.
                    var wide = [Float](repeating: .nan, count: m * n)
                    latent_sgemm_rows_level(2, transA ? 1 : 0, 1, n, k, 1, a, lda, b, ldb, 0, &wide, n, 0, m)
                    if latent_kernels_level() >= 1 {
                        XCTAssertEqual(c.map(\.bitPattern), wide.map(\.bitPattern), "n \(n) k \(k) transA \(transA)")
                    }
                }
            }
        }
    }
}
