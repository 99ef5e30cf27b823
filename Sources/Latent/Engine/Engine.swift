import CLatentKernels
import CLatentSystem
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
            FileHandle.standardError.write(
                Data(
                    "latent: LATENT_THREADS=\(environment) is not a whole number ≥ 1; using \(Swift.min(available, defaultThreadCap)) threads\n"
                        .utf8))
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
}
