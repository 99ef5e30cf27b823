import Dispatch
import CLatentSupport
import Foundation

/// Process-wide settings for the compute engine.
public enum Engine {
    nonisolated(unsafe) private static var threads = defaultThreadCount(
        environment: ProcessInfo.processInfo.environment["LATENT_THREADS"], available: availableCPUs)

    /// The CPUs this process can use: its affinity mask (`taskset`, a cpuset) and its
    /// cgroup CPU quota (a container's CPU limit), whichever is smaller.
    public static let availableCPUs = AvailableCPUs.count()

    /// The most threads the default team gets: the lessons' batches give no more than
    /// this many blocks of useful size, and it is what has been measured.
    static let defaultThreadCap = 8

    /// `LATENT_THREADS` when it is a whole number ≥ 1, else ``availableCPUs`` (at most
    /// ``defaultThreadCap``). A malformed value is reported on standard error and ignored.
    static func defaultThreadCount(environment: String?, available: Int) -> Int {
        if let environment {
            if let n = Int(environment.trimmingCharacters(in: .whitespaces)), n >= 1 { return n }
            FileHandle.standardError.write(Data(
                "latent: LATENT_THREADS=\(environment) is not a whole number ≥ 1; using \(Swift.min(available, defaultThreadCap)) threads\n".utf8))
        }
        return Swift.max(1, Swift.min(available, defaultThreadCap))
    }

    /// How many threads BLAS and Latent's own loops may use: by default `LATENT_THREADS`,
    /// else the CPUs available to this process (``availableCPUs``, at most 8).
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

    /// Runs `body(0..<parts)` with one call per part, concurrently on up to `threads`
    /// threads (default: `parts`, at most ``threadCount``), each thread with FTZ/DAZ set;
    /// one part, one thread or a serial thread (a row block's or shard's) runs inline.
    static func parallelChunks(_ parts: Int, threads: Int? = nil, _ body: (Int) -> Void) {
        let threads = Swift.min(threads ?? parts, parts)
        if parts <= 1 || threads <= 1 || latent_thread_is_serial() != 0 {
            for w in 0..<parts { body(w) }
            return
        }
        run(parts, threads: threads, body)
    }

    /// `body(0..<workers)` concurrently, each with FTZ/DAZ set: on Latent's helper team
    /// (`Team.c`: no scheduler wake-up per job; any thread may run any `w`, the caller all
    /// of them when no helper gets a CPU in time), or on Dispatch's pool while the team is
    /// busy with another caller's job.
    private static func run(_ workers: Int, threads: Int? = nil, _ body: (Int) -> Void) {
        let previous = latent_enable_flush_to_zero()  // the caller runs parts too
        defer { latent_restore_float_mode(previous) }
        let ran = withoutActuallyEscaping(body) { body in
            var job = body
            return withUnsafeMutablePointer(to: &job) { pointer in
                latent_team_run(workers, Swift.min(threads ?? workers, threadCount), { context, w in
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
