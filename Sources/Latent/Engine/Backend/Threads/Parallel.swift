import CLatentSystem
import Dispatch

// How the engine's loops use threads: a range split into chunks, or parts run
// concurrently, on Latent's helper team (CLatentSystem's Team.c).
extension Engine {
    /// The threads an op on this thread may split its work over: 1 inside a block of
    /// ``Tensor/mapRowBlocks(rowsPerBlock:_:)`` or a shard of a data-parallel training
    /// step (the blocks or shards are what is split), else ``threadCount``.
    static var workerCount: Int { latent_thread_is_serial() != 0 ? 1 : threadCount }

    /// Runs `body` with every op on this thread (as inside a row block or a shard), BLAS
    /// included: no job reaches the helper team, whose helpers then park instead of
    /// spinning beside this thread.
    static func onOneThread<R>(_ body: () throws -> R) rethrows -> R {
        let previous = latent_thread_set_serial(1)
        defer { latent_thread_set_serial(previous) }
        BLAS.useThreads(1)
        return try body()
    }

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
                latent_team_run(
                    workers, Swift.min(threads ?? workers, threadCount),
                    { context, w in
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
