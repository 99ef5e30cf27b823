#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
#endif

/// The BLAS calls Latent uses: OpenBLAS on Linux, Accelerate on Apple platforms.
enum BLAS {
    /// C = alpha · op(A) · op(B) + beta · C, all row-major.
    /// op(X) is Xᵀ when the matching `transpose` flag is set; nothing is copied.
    /// - Parameters: `m`, `n`, `k`: op(A) is m×k, op(B) is k×n, C is m×n.
    static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            // BLAS leaves C untouched when k == 0; the product of empty factors is zero.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        useThreads(m * n * k >= threadedWorkThreshold ? Engine.threadCount : 1)
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Multiply-adds below which a GEMM runs on one thread: OpenBLAS's thread start-up
    /// and spin-waiting cost more than they save on the small products of batch-32
    /// training (measured: ~30% of a fashion-ae step in sched_yield).
    static let threadedWorkThreshold = 1 << 21

    nonisolated(unsafe) private static var currentThreads = 0

    /// Sets the number of threads BLAS may use for the next calls.
    static func useThreads(_ n: Int) {
        #if !canImport(Accelerate)
        if n != currentThreads {
            openblas_set_num_threads(Int32(n))
            currentThreads = n
        }
        #endif
    }
}
