import XCTest

@testable import Latent

/// ``Tensor/matmul(_:_:transposeA:transposeB:)`` on 1 and 2 threads, below and above the
/// threading threshold, every transpose, against a plain double-precision loop, element by
/// element. Which GEMM runs depends on the kernel level (Latent's own AVX-512 or AVX2 GEMM,
/// or OpenBLAS): `.ci/run` repeats this at `LATENT_KERNELS=avx2` and `baseline`. Old
/// OpenBLAS builds are known to pick wrong kernels on some new CPUs; this is the guard.
final class GEMMTests: XCTestCase {
    func reference(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> [Float] {
        let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let n = transposeB ? b.shape[0] : b.shape[1]
        let pa = a.scalars
        let pb = b.scalars
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let x = transposeA ? pa[p * m + i] : pa[i * k + p]
                    let y = transposeB ? pb[j * k + p] : pb[p * n + j]
                    s += Double(x) * Double(y)
                }
                out[i * n + j] = Float(s)
            }
        }
        return out
    }

    func testEveryPathAndTransposeMatchesAPlainLoop() {
        var g = RandomGenerator(seed: 4)
        // Tiny, batch-sized and odd shapes (uneven tiles and masked tails), all below the
        // 2^23 multiply-adds where a product is split over threads (BLAS.threadedWorkThreshold),
        // and one above it (256·256·160 ≈ 1.3 · 2^23), so the split rows are checked too.
        let shapes: [(m: Int, n: Int, k: Int)] = [
            (3, 5, 7), (32, 64, 784), (33, 785, 63), (785, 65, 33), (160, 150, 140), (257, 255, 160),
        ]
        XCTAssertGreaterThan(257 * 255 * 160, BLAS.threadedWorkThreshold)
        for threads in [1, 2] {
            let saved = Engine.threadCount
            Engine.threadCount = threads
            defer { Engine.threadCount = saved }
            for s in shapes {
                for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                    let a = Tensor.randomUniform(ta ? [s.k, s.m] : [s.m, s.k], low: -1, high: 1, using: &g)
                    let b = Tensor.randomUniform(tb ? [s.n, s.k] : [s.k, s.n], low: -1, high: 1, using: &g)
                    let c = Tensor.matmul(a, b, transposeA: ta, transposeB: tb)
                    XCTAssertEqual(c.shape, [s.m, s.n])
                    let expected = reference(a, b, transposeA: ta, transposeB: tb)
                    let worst = zip(c.scalars, expected).map { Swift.abs($0 - $1) }.max() ?? 0
                    XCTAssertLessThan(
                        worst, 1e-4 * Float(s.k).squareRoot(), "\(s) ta \(ta) tb \(tb) threads \(threads)")
                }
            }
        }
    }

    /// OpenBLAS's worker pool is stopped as the program starts (BLASCore.c); a product
    /// forced onto two of its threads afterwards (as `latent bench` does for its roof)
    /// restarts the pool and still gives the product, every transpose.
    func testOpenBLASOnTwoThreadsAfterItsPoolWasStopped() {
        var g = RandomGenerator(seed: 5)
        let (m, n, k) = (300, 260, 200)
        for (ta, tb) in [(false, false), (true, false), (false, true)] {
            let a = Tensor.randomUniform(ta ? [k, m] : [m, k], low: -1, high: 1, using: &g)
            let b = Tensor.randomUniform(tb ? [n, k] : [k, n], low: -1, high: 1, using: &g)
            var c = [Float](repeating: .nan, count: m * n)
            BLAS.sgemmForcingThreads(
                2, transposeA: ta, transposeB: tb, m: m, n: n, k: k, a: a.storage.pointer, lda: ta ? m : k,
                b: b.storage.pointer, ldb: tb ? k : n, c: &c, ldc: n)
            let expected = reference(a, b, transposeA: ta, transposeB: tb)
            let worst = zip(c, expected).map { Swift.abs($0 - $1) }.max() ?? .nan
            XCTAssertLessThan(worst, 1e-4 * Float(k).squareRoot(), "ta \(ta) tb \(tb)")
        }
    }

    /// On an AVX-512 CPU whose OpenBLAS fell back to older kernels, Latent switches it to
    /// the SkylakeX ones (the test above then checks their results).
    func testOpenBLASRunsAVX512KernelsWhereTheCPUHasThem() throws {
        #if os(Linux)
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let avx512 = ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy { flags.contains(" \($0)") }
        try XCTSkipUnless(avx512, "no AVX-512 on this CPU")
        try XCTSkipIf(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil, "OPENBLAS_CORETYPE is set")
        XCTAssertTrue(
            ["SkylakeX", "Cooperlake", "SapphireRapids", "Zen4", "Zen5"].contains(Engine.blasKernels),
            "OpenBLAS runs \(Engine.blasKernels) kernels on an AVX-512 CPU")
        XCTAssertNil(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], "the environment is left as it was")
        #else
        throw XCTSkip("OpenBLAS is used on Linux only")
        #endif
    }
}
