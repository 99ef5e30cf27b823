#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
#endif
import CLatentSupport
import Dispatch
import Foundation

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
        recorder?.record(.init(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k))
        if usesOwnKernels {
            ownSgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                     b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        if latent_thread_is_serial() != 0 {
            // One of several threads calling at once (row blocks, training shards): whoever
            // started them set BLAS to one thread, and `useThreads` must not race.
            _ = coreName
            cblas_sgemm(
                CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
            return
        }
        sgemmForcingThreads(m * n * k >= threadedWorkThreshold ? Engine.threadCount : 1,
                            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                            a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// Whether ``sgemm`` runs Latent's own GEMM (`RowInvariantGEMM.c`) instead of BLAS:
    /// with AVX-512 or AVX2 (`LATENT_GEMM=blas` keeps BLAS, for A/B measurements).
    /// Measured on the lessons' training shapes (one core, Zen 5; batch 10–256 × 8–784,
    /// all three transpose cases): 90–230 GFLOP/s against OpenBLAS 0.3.21's 47–102 with
    /// its Haswell kernels and 140–240 with its SkylakeX ones. The AVX2 path reaches
    /// OpenBLAS's speed since its transposed-B packing is vectorised (bench/gemm
    /// `train`, Zen 4: 63–99 GFLOP/s against 42–116), and it needs no BLAS threads,
    /// which spin in `sched_yield` next to the training threads.
    static let usesOwnKernels = latent_kernels_level() >= 1
        && ProcessInfo.processInfo.environment["LATENT_GEMM"] != "blas"

    /// The row-invariant GEMM; products of at least ``threadedWorkThreshold``
    /// multiply-adds are split by rows over ``Engine/workerCount`` threads (same bits).
    private static func ownSgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let (ta, tb) = (Int32(transposeA ? 1 : 0), Int32(transposeB ? 1 : 0))
        let workers = m * n * k >= threadedWorkThreshold ? Swift.min(Engine.workerCount, Swift.max(1, m / 28)) : 1
        // Whole 14-row tiles per thread.
        let chunk = ((m + workers - 1) / workers + 13) / 14 * 14
        Engine.parallelChunks(workers) { w in
            let lower = w * chunk, upper = Swift.min(m, lower + chunk)
            if lower < upper {
                latent_sgemm_rows(ta, tb, n, k, alpha, a, lda, b, ldb, beta, c, ldc, lower, upper)
            }
        }
    }

    /// ``sgemm`` on exactly `threads` BLAS threads (k > 0).
    static func sgemmForcingThreads(
        _ threads: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        useThreads(threads)
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
    /// `OPENBLAS_CORETYPE` is set. Every BLAS call goes through ``useThreads(_:)``, which
    /// reads it, so the choice is made before the first one.
    static let coreName: String = {
        #if !canImport(Accelerate)
        latent_blas_select_core()
        return String(cString: latent_blas_core_name())
        #else
        return ""
        #endif
    }()

    /// Sets the number of threads BLAS may use for the next calls.
    static func useThreads(_ n: Int) {
        #if !canImport(Accelerate)
        _ = coreName
        if n != currentThreads {
            openblas_set_num_threads(Int32(n))
            currentThreads = n
        }
        #endif
    }
}

/// Counts the GEMMs a piece of work runs (installed as ``BLAS/recorder`` by
/// `latent bench`), and times the same shapes alone to give the roof they could reach.
final class GEMMRecorder {
    struct Shape: Hashable { let transposeA, transposeB: Bool; let m, n, k: Int }
    private(set) var counts: [Shape: Int] = [:]
    /// 2·m·n·k summed over every recorded call.
    private(set) var flops: Double = 0

    /// Calls come from several threads when row blocks are scored in parallel.
    private let lock = NSLock()

    func record(_ s: Shape) {
        lock.lock()
        defer { lock.unlock() }
        counts[s, default: 0] += 1
        flops += 2 * Double(s.m) * Double(s.n) * Double(s.k)
    }

    /// Total flops / total time if every recorded call ran at the speed BLAS reaches on
    /// that shape alone, with hot caches (the faster of one thread and all threads).
    func measuredRoofGFLOPS() -> Double {
        guard !counts.isEmpty else { return 0 }
        var seconds = 0.0
        for (shape, count) in counts {
            seconds += Double(count) * BLAS.secondsPerCall(shape)
        }
        return flops / seconds / 1e9
    }
}

extension BLAS {
    nonisolated(unsafe) static var recorder: GEMMRecorder?

    /// The best time of one sgemm of `shape` (median of a few timed blocks, over 1 and
    /// ``Engine/threadCount`` threads).
    static func secondsPerCall(_ s: GEMMRecorder.Shape) -> Double {
        let (rowsA, colsA) = s.transposeA ? (s.k, s.m) : (s.m, s.k)
        let (rowsB, colsB) = s.transposeB ? (s.n, s.k) : (s.k, s.n)
        var g = RandomGenerator(seed: 5)
        let a = Tensor.randomUniform([rowsA, colsA], using: &g), b = Tensor.randomUniform([rowsB, colsB], using: &g)
        var c = Tensor.zeros([s.m, s.n])
        let saved = recorder
        recorder = nil
        defer { recorder = saved }
        let perCall = 2 * Double(s.m) * Double(s.n) * Double(s.k)
        let reps = max(1, min(2000, Int(2e8 / perCall)))
        var best = Double.infinity
        for threads in Set([1, Engine.threadCount]) {
            var times: [Double] = []
            for _ in 0..<5 {
                let start = DispatchTime.now().uptimeNanoseconds
                c.withUnsafeMutableBufferPointer { cp in
                    for _ in 0..<reps {
                        sgemmForcingThreads(threads, transposeA: s.transposeA, transposeB: s.transposeB, m: s.m, n: s.n, k: s.k,
                                            a: a.storage.pointer, lda: colsA, b: b.storage.pointer, ldb: colsB,
                                            c: cp.baseAddress!, ldc: s.n)
                    }
                }
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(reps))
            }
            best = min(best, times.sorted()[times.count / 2])
        }
        return best
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
