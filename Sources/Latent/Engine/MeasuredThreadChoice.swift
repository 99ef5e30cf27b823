/// Chooses, step by step, whether a training step's shards run side by side on several
/// threads or one after the other on one, from how long steps actually took on this
/// machine: which one pays depends on the CPU and on what else runs. Measured: two threads
/// 1.5–2× faster than one on a quiet Zen 5 box, 1.5× slower on a 2-vCPU Xeon VM, and 6×
/// slower beside a niced busy loop before the team parked its waiting caller.
///
/// The shards are the same either way (``BatchShards``), so the choice changes only the
/// speed, never the bits.
///
/// After ``warmUpSteps`` (first-touch allocations and cold caches), the two choices
/// alternate for ``probeSteps``; from then on the one with the lower average time per row
/// runs, and every ``reprobeInterval`` steps the other runs ``reprobeLength`` steps so a
/// change in load (another process starting or ending) is noticed. Averages are
/// exponential, so old measurements fade.
struct MeasuredThreadChoice {
    static let warmUpSteps = 2
    static let probeSteps = 6
    static let reprobeInterval = 64
    static let reprobeLength = 2
    /// Weight of a new measurement in the running average.
    static let smoothing = 0.3

    /// The thread count when the shards run side by side.
    let parallel: Int
    private(set) var step = 0
    /// Average seconds per row: [one thread, `parallel` threads].
    private(set) var secondsPerRow: [Double?] = [nil, nil]

    init(parallel: Int) { self.parallel = Swift.max(1, parallel) }

    /// The threads to use for the next step.
    var next: Int {
        guard parallel > 1 else { return 1 }
        if step < Self.warmUpSteps { return parallel }
        let probed = step - Self.warmUpSteps
        if probed < Self.probeSteps { return probed % 2 == 0 ? 1 : parallel }
        let best = bestIndex
        let inReprobe = (probed - Self.probeSteps) % Self.reprobeInterval >= Self.reprobeInterval - Self.reprobeLength
        return (inReprobe ? 1 - best : best) == 0 ? 1 : parallel
    }

    /// 0 (one thread) or 1 (`parallel`): the lower average; one thread while unknown.
    var bestIndex: Int {
        guard let one = secondsPerRow[0], let many = secondsPerRow[1] else { return secondsPerRow[1] == nil ? 0 : 1 }
        return many < one ? 1 : 0
    }

    /// Records that a step of `rows` rows on `threads` threads took `seconds`.
    mutating func record(threads: Int, rows: Int, seconds: Double) {
        defer { step += 1 }
        guard step >= Self.warmUpSteps, rows > 0, seconds.isFinite, seconds >= 0 else { return }
        let i = threads > 1 ? 1 : 0
        let x = seconds / Double(rows)
        secondsPerRow[i] = secondsPerRow[i].map { $0 + Self.smoothing * (x - $0) } ?? x
    }
}
