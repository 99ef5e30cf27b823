import Dispatch
import CLatentSupport

/// Process-wide settings for the compute engine.
public enum Engine {
    nonisolated(unsafe) private static var threads = 2

    /// How many threads BLAS and Latent's own loops may use (default 2).
    public static var threadCount: Int {
        get { threads }
        set {
            precondition(newValue >= 1, "The thread count must be at least 1.")
            threads = newValue
        }
    }

    /// Runs `body` with denormal floats flushed to zero on the calling thread (FTZ/DAZ),
    /// then restores the thread's previous mode so code outside Latent is unaffected.
    /// Training and scoring run inside it: denormals make float arithmetic an order of
    /// magnitude slower on x86, and the values they stand for are far below anything a
    /// float32 model can resolve.
    public static func withDenormalsFlushedToZero<R>(_ body: () throws -> R) rethrows -> R {
        let previous = latent_enable_flush_to_zero()
        defer { latent_restore_float_mode(previous) }
        return try body()
    }

    /// The instruction set of Latent's own kernels: "avx512", "avx2" or "baseline"
    /// (`LATENT_KERNELS=avx2` or `baseline` caps it).
    public static var vectorKernels: String {
        switch latent_kernels_level() {
        case 2: return "avx512"
        case 1: return "avx2"
        default: return "baseline"
        }
    }

    /// Peak resident memory of this process so far, in bytes.
    public static var peakResidentBytes: Int { Int(latent_peak_rss_bytes()) }

    /// The threads an op on this thread may split its work over: 1 inside a block of
    /// ``Tensor/mapRowBlocks(rowsPerBlock:_:)`` or a shard of a data-parallel training
    /// step (the blocks or shards are what is split), else ``threadCount``.
    static var workerCount: Int { latent_thread_is_serial() != 0 ? 1 : threadCount }

    /// Splits `0..<count` into contiguous chunks and runs them on up to ``threadCount``
    /// threads; small work runs inline, where a thread hop would cost more than it saves.
    /// Inside a block of ``Tensor/mapRowBlocks(rowsPerBlock:_:)`` everything runs inline:
    /// the blocks are what is split.
    static func parallelFor(_ count: Int, minimumChunk: Int = 1 << 15, _ body: (Range<Int>) -> Void) {
        let workers = min(workerCount, count / max(minimumChunk, 1))
        if workers <= 1 {
            body(0..<count)
            return
        }
        let chunk = (count + workers - 1) / workers
        run(workers) { w in
            let start = w * chunk
            let end = min(start + chunk, count)
            if start < end { body(start..<end) }
        }
    }

    /// Runs `body(0..<workers)` with one call per worker, concurrently, each thread with
    /// FTZ/DAZ set; one worker runs inline.
    static func parallelChunks(_ workers: Int, _ body: (Int) -> Void) {
        if workers <= 1 {
            body(0)
            return
        }
        if latent_thread_is_serial() != 0 {
            for w in 0..<workers { body(w) }
            return
        }
        run(workers, body)
    }

    /// `body(0..<workers)` concurrently, each with FTZ/DAZ set: on Latent's helper team
    /// (`Team.c`: no scheduler wake-up per job), or on Dispatch's pool while the team is
    /// busy with another caller's job.
    private static func run(_ workers: Int, _ body: (Int) -> Void) {
        let previous = latent_enable_flush_to_zero()  // worker 0 is this thread
        defer { latent_restore_float_mode(previous) }
        let ran = withoutActuallyEscaping(body) { body in
            var job = body
            return withUnsafeMutablePointer(to: &job) { pointer in
                latent_team_run(workers, { context, w in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(w)
                }, pointer) == 0
            }
        }
        if ran { return }
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            // Dispatch's threads are shared: set the mode only for this iteration.
            let previous = latent_enable_flush_to_zero()
            defer { latent_restore_float_mode(previous) }
            body(w)
        }
    }
}
