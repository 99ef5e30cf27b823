import Dispatch
import Foundation

/// Counts the GEMMs a piece of work runs (installed as ``BLAS/recorder`` by
/// `latent bench`), and times the same shapes alone to give the roof they could reach.
final class GEMMRecorder {
    struct Shape: Hashable {
        let transposeA, transposeB: Bool
        let m, n, k: Int
    }
    private(set) var counts: [Shape: Int] = [:]
    /// 2·m·n·k summed over every recorded call.
    private(set) var flops: Double = 0

    /// Calls come from several threads when row blocks are scored in parallel.
    private let lock = NSLock()

    /// A recorder for the calling thread (or task) alone, while ``counting(_:)`` runs.
    @TaskLocal fileprivate static var local: GEMMRecorder?

    /// Runs `body` with a fresh recorder that counts the GEMMs started on this thread (every
    /// GEMM records on the thread that calls it, before splitting), and returns it. GEMMs on
    /// other threads, and the recorder `latent bench` installed, are left alone: two fits on
    /// two threads each count their own.
    static func counting(_ body: () -> Void) -> GEMMRecorder {
        let recorder = GEMMRecorder()
        $local.withValue(recorder, operation: body)
        return recorder
    }

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
    /// The recorder of the GEMMs run now, if any: the one counting on this thread
    /// (``GEMMRecorder/counting(_:)``), else the one `latent bench` installs by setting it.
    static var recorder: GEMMRecorder? {
        get { GEMMRecorder.local ?? installedRecorder }
        set { installedRecorder = newValue }
    }
    nonisolated(unsafe) private static var installedRecorder: GEMMRecorder?

    /// The best time of one sgemm of `shape` (median of a few timed blocks, over 1 and
    /// ``Engine/threadCount`` threads).
    static func secondsPerCall(_ s: GEMMRecorder.Shape) -> Double {
        let (rowsA, colsA) = s.transposeA ? (s.k, s.m) : (s.m, s.k)
        let (rowsB, colsB) = s.transposeB ? (s.n, s.k) : (s.k, s.n)
        var g = RandomGenerator(seed: 5)
        let a = Tensor.randomUniform([rowsA, colsA], using: &g)
        let b = Tensor.randomUniform([rowsB, colsB], using: &g)
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
                        sgemmForcingThreads(
                            threads, transposeA: s.transposeA, transposeB: s.transposeB, m: s.m, n: s.n, k: s.k,
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
