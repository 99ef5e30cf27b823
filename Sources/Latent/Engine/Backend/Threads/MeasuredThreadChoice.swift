/// Chooses, step by step, whether a training step's shards run side by side on several
/// threads or one after the other on one, from how long steps actually took on this
/// machine: which one pays depends on the CPU and on what else runs. Measured: two threads
/// 1.5–2× faster than one on a quiet Zen 5 box, 1.5× slower on a 2-vCPU Xeon VM, and
/// slower again when other processes hold the cores (a thread that is preempted in the
/// middle of its shard makes the whole step wait).
///
/// The shards are the same either way (``BatchShards``), so the choice changes only the
/// speed, never the bits.
///
/// After ``warmUpSteps`` (first-touch allocations and cold caches), the two choices
/// alternate in blocks of ``blockLength`` steps for ``probeBlocks`` blocks; from then on
/// the one with the lower time per row runs, and every ``reprobeInterval`` steps the
/// other runs one block so a change in load (another process starting or ending) is
/// noticed. Time per row is a ratio of decayed sums (seconds over rows), so one step that
/// waited for a preempted thread counts for its share of the total and no more, and old
/// measurements fade.
struct MeasuredThreadChoice {
    static let warmUpSteps = 2
    static let blockLength = 4
    static let probeBlocks = 4
    static let reprobeInterval = 64
    /// Weight an option's earlier sums keep at each of its new measurements.
    static let decay = 0.9

    /// The thread count when the shards run side by side.
    let parallel: Int
    private(set) var step = 0
    /// Decayed sums per option: [one thread, `parallel` threads].
    private var seconds = [0.0, 0.0], rows = [0.0, 0.0]

    init(parallel: Int) { self.parallel = Swift.max(1, parallel) }

    /// Average seconds per row of option 0 (one thread) or 1 (`parallel`), nil before any.
    func secondsPerRow(_ option: Int) -> Double? { rows[option] > 0 ? seconds[option] / rows[option] : nil }

    /// The threads to use for the next step.
    var next: Int {
        guard parallel > 1 else { return 1 }
        if step < Self.warmUpSteps { return parallel }
        let probed = step - Self.warmUpSteps
        if probed < Self.probeSteps { return (probed / Self.blockLength) % 2 == 0 ? 1 : parallel }
        let best = bestIndex
        let inReprobe = (probed - Self.probeSteps) % Self.reprobeInterval >= Self.reprobeInterval - Self.blockLength
        return (inReprobe ? 1 - best : best) == 0 ? 1 : parallel
    }

    static var probeSteps: Int { blockLength * probeBlocks }

    /// 0 (one thread) or 1 (`parallel`): the lower time per row; one thread while unknown.
    var bestIndex: Int {
        guard let one = secondsPerRow(0), let many = secondsPerRow(1) else { return secondsPerRow(1) == nil ? 0 : 1 }
        return many < one ? 1 : 0
    }

    /// Records that a step of `rows` rows on `threads` threads took `seconds`.
    mutating func record(threads: Int, rows count: Int, seconds elapsed: Double) {
        defer { step += 1 }
        guard step >= Self.warmUpSteps, count > 0, elapsed.isFinite, elapsed >= 0 else { return }
        let i = threads > 1 ? 1 : 0
        seconds[i] = seconds[i] * Self.decay + elapsed
        rows[i] = rows[i] * Self.decay + Double(count)
    }
}
