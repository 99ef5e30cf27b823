import CLatentKernels
import CLatentSystem
import Foundation

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
        if usesOwnKernels {
            RowInvariantGEMM.multiply(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, split: .training)
            return
        }
        recorder?.record(.init(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k))
        if latent_thread_is_serial() != 0 {
            // One of several threads calling at once (row blocks, training shards): whoever
            // started them set BLAS to one thread, and `useThreads` must not race.
            _ = coreName
            cblas_sgemm(
                CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
            return
        }
        sgemmForcingThreads(
            m * n * k >= threadedWorkThreshold ? Engine.threadCount : 1,
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// Whether ``sgemm`` runs Latent's own GEMM (``RowInvariantGEMM``) instead of BLAS:
    /// with AVX-512 or AVX2 (`LATENT_GEMM=blas` keeps BLAS, for A/B measurements).
    /// Measured on the lessons' training shapes (one core, Zen 5; batch 10–256 × 8–784,
    /// all three transpose cases): 90–230 GFLOP/s against OpenBLAS 0.3.21's 47–102 with
    /// its Haswell kernels and 140–240 with its SkylakeX ones. The AVX2 path reaches
    /// OpenBLAS's speed since its transposed-B packing is vectorised (bench/gemm
    /// `train`, Zen 4: 63–99 GFLOP/s against 42–116), and it needs no BLAS threads,
    /// which spin in `sched_yield` next to the training threads.
    static let usesOwnKernels =
        latent_kernels_level() >= 1
        && ProcessInfo.processInfo.environment["LATENT_GEMM"] != "blas"

    /// ``sgemm`` on exactly `threads` BLAS threads (k > 0).
    static func sgemmForcingThreads(
        _ threads: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        setOpenBLASThreads(threads)
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Multiply-adds below which a GEMM runs on one thread: OpenBLAS's thread start-up
    /// and spin-waiting cost more than they save on the small products of batch-32
    /// training (measured: ~30% of a fashion-ae step in sched_yield). Splitting such a
    /// product in two halves on two Dispatch threads was tried too: no faster on this
    /// machine (36–52k vs 50–57k samples/s for fashion-ae), and it made 1- and 2-thread
    /// results differ.
    static let threadedWorkThreshold = 1 << 23

    nonisolated(unsafe) private static var currentThreads = 0

    /// The kernel set OpenBLAS runs ("" with Accelerate). Reading it first lets Latent
    /// pick OpenBLAS's AVX-512 kernels where the linked OpenBLAS does not know the CPU and
    /// fell back to SSE3 ones (Debian's 0.3.21 on recent Xeons: 4× slower sgemm), unless
    /// `OPENBLAS_CORETYPE` is set. Every BLAS call goes through ``useThreads(_:)`` or
    /// ``sgemmForcingThreads(_:transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``,
    /// which read it, so the choice is made before the first one.
    static let coreName: String = {
        #if !canImport(Accelerate)
        latent_blas_select_core()
        return String(cString: latent_blas_core_name())
        #else
        return ""
        #endif
    }()

    /// Sets the number of threads BLAS may use for the next calls. With Latent's own GEMM
    /// (``usesOwnKernels``) OpenBLAS runs only where a caller forces it
    /// (``sgemmForcingThreads(_:transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``,
    /// which sets its threads itself), so nothing is set here: setting OpenBLAS's thread
    /// count restarts its worker pool, stopped at start (BLASCore.c), whose workers then
    /// spin on sched_yield for 0.1 s beside the training threads.
    static func useThreads(_ n: Int) {
        guard !usesOwnKernels else { return }
        setOpenBLASThreads(n)
    }

    private static func setOpenBLASThreads(_ n: Int) {
        #if !canImport(Accelerate)
        _ = coreName
        if n != currentThreads {
            openblas_set_num_threads(Int32(n))
            currentThreads = n
        }
        #endif
    }
}

extension Engine {
    /// The BLAS kernels in use: OpenBLAS's core name (e.g. "SkylakeX", "Haswell"), or
    /// "Accelerate" on Apple platforms.
    public static var blasKernels: String {
        #if canImport(Accelerate)
        return "Accelerate"
        #else
        return BLAS.coreName
        #endif
    }
}
