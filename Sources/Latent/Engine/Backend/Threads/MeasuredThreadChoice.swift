import Foundation

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
/// After ``Probing/warmUpSteps`` (first-touch allocations and cold caches), the two
/// choices alternate in blocks of ``Probing/blockLength`` steps for ``Probing/probeBlocks``
/// blocks; from then on the one with the lower time per row runs, and after
/// ``Probing/reprobeInterval`` steps the other runs one block so a change in load (another
/// process starting or ending) is noticed. A reprobe that leaves the choice as it was
/// doubles the interval, up to ``Probing/longestReprobeInterval`` (later still when it cost
/// more than ``reprobeBudget`` of the steps until the next); one that changes it starts
/// over from ``Probing/reprobeInterval``. Scoring's batches probe the same way with their
/// own pace (``Probing/scoring``). Time per row is a ratio of decayed sums (seconds over
/// rows) over at least ``memorySeconds`` of steps, so one step that waited for a preempted
/// thread counts for its share of the total and no more, and old measurements fade. Two
/// threads must beat one by ``parallelMargin``.
struct MeasuredThreadChoice {
    /// How the two options are probed, by how long a step lasts.
    struct Probing: Sendable {
        /// Steps run in parallel before any is counted (first-touch allocations, cold caches).
        var warmUpSteps = 2
        /// Steps per block: the options alternate block by block while probing.
        var blockLength: Int
        /// Blocks of the probe (half for each option).
        var probeBlocks = 4
        /// Once settled, the other option runs one block after this many steps.
        var reprobeInterval: Int
        /// The interval doubles while reprobes leave the choice as it was, up to this. Each
        /// reprobe costs its block and a switch each way (the first two-thread step after
        /// one-thread steps took 1–2.5 ms against 0.3 ms), more when other processes hold
        /// the CPUs: at every 256 steps that was 3–5 % of mnist-vae's training under one
        /// busy loop per CPU, where one thread stays the choice.
        var longestReprobeInterval: Int
        /// Whether the first step after a switch counts. It pays for the switch (a parked
        /// helper woken, caches refilled), which staying with either choice does not.
        /// Counted, it made two threads look no faster than one on a 2-vCPU EPYC where they
        /// were 1.6× faster once settled (ecg-ae: a first 2-thread step 1–2.5 ms against
        /// 0.3 ms after).
        var countsSwitches: Bool

        var probeSteps: Int { blockLength * probeBlocks }

        /// Training steps (0.1–5 ms): blocks of 4, switches not counted. A reprobe costs
        /// its block plus a switch each way; at 256 steps that is 2–4 % of a settled run
        /// (at 64: ecg-ae trained 1.58–1.76M samples/s against 1.70–1.81M), and a change in
        /// load is still noticed within 0.1–0.5 s at the lessons' step times.
        static let training = Probing(
            blockLength: 4, reprobeInterval: 256, longestReprobeInterval: 2048, countsSwitches: false)
        /// Scoring batches (10–100 ms each): one batch per block, every batch counted (a
        /// switch is small against a batch). In blocks of 4, a 12,000-row file was still
        /// probing, half of it on one thread, when it was done (LeNet: 61–64k rows/s on two
        /// threads against 50k on one, while two one-thread processes side by side got 50k
        /// each).
        static let scoring = Probing(
            blockLength: 1, reprobeInterval: 64, longestReprobeInterval: 256, countsSwitches: true)
    }

    /// Weight an option's earlier sums keep at each of its new measurements, at least:
    /// see ``memorySeconds``.
    static let decay = 0.9

    /// Short steps keep the sums of about this many seconds of steps (weight e^(−t/0.05)
    /// per step of t seconds), so a step that waited for a preempted thread (a scheduler
    /// slice of 3–5 ms under load) counts for its share of 50 ms of steps. With ten steps'
    /// memory it counted for a tenth of 2 ms: one stalled 0.2 ms step made mnist-vae's one
    /// thread look 3× slower, the choice went to two threads (2.3× slower in that phase),
    /// and stayed there for 35–215 steps, as one thread's inflated average was no longer
    /// updated (one busy loop per CPU and a 5 ms-in-50 ms burner: 0.77–0.94× of one thread).
    static let memorySeconds = 0.05

    /// Several threads are chosen only when their time per row is below this share of one
    /// thread's. Where they gain little (mnist-vae's batch of 20 split op by op: 1.01× on a
    /// quiet 2-vCPU EPYC), a lucky reprobe block flipped the choice under load, and the
    /// slow steps that followed until it flipped back cost more than the gain (one busy
    /// loop per CPU: 0.74–0.96× of one thread with 3–51 % of steps on two). One thread
    /// also leaves the other CPU to whatever else runs. Where they pay (1.5–1.9× on the
    /// other lessons' models) the margin changes nothing.
    static let parallelMargin = 0.9

    /// A reprobe that leaves the choice as it was is followed by at least as many steps as
    /// make its extra time this share of theirs. Under one busy loop per CPU a two-thread
    /// step sometimes waits milliseconds for a preempted helper, 10–15× a one-thread step,
    /// and the doubling intervals alone then spend 5 % of a short run on reprobes (fashion-ae
    /// on one thread but for 1 % of its steps: 0.87× of `--threads 1` in a busy table;
    /// interleaved, six runs each, 0.95× before this budget and 0.98× with it).
    static let reprobeBudget = 0.02

    /// The thread count when the shards run side by side.
    let parallel: Int
    let probing: Probing
    private(set) var step = 0
    /// Decayed sums per option: [one thread, `parallel` threads].
    private var seconds = [0.0, 0.0], rows = [0.0, 0.0]
    /// The option of the last step recorded.
    private var lastIndex = 1
    /// The first step of the next reprobe block, and the interval that set it.
    private var reprobeStart: Int, reprobeInterval: Int
    /// The choice when the last reprobe block began; the block runs the other option.
    private var choiceBeforeReprobe = 0
    /// Seconds and rows of the current (or last) reprobe block's steps, switches included.
    private var reprobeSeconds = 0.0, reprobeRows = 0.0

    init(parallel: Int, probing: Probing = .training) {
        self.parallel = Swift.max(1, parallel)
        self.probing = probing
        reprobeInterval = probing.reprobeInterval
        reprobeStart = probing.warmUpSteps + probing.probeSteps + probing.reprobeInterval - probing.blockLength
    }

    /// Average seconds per row of option 0 (one thread) or 1 (`parallel`), nil before any.
    func secondsPerRow(_ option: Int) -> Double? { rows[option] > 0 ? seconds[option] / rows[option] : nil }

    /// The threads to use for the next step.
    var next: Int {
        guard parallel > 1 else { return 1 }
        let p = probing
        if step < p.warmUpSteps { return parallel }
        let probed = step - p.warmUpSteps
        if probed < p.probeSteps { return (probed / p.blockLength) % 2 == 0 ? 1 : parallel }
        return (inReprobe ? 1 - choiceBeforeReprobe : bestIndex) == 0 ? 1 : parallel
    }

    /// Whether the step about to run (``step``) belongs to a reprobe block.
    private var inReprobe: Bool { step >= reprobeStart && step < reprobeStart + probing.blockLength }

    /// 0 (one thread) or 1 (`parallel`): the lower time per row, by ``parallelMargin``; one
    /// thread while unknown.
    var bestIndex: Int {
        guard let one = secondsPerRow(0), let many = secondsPerRow(1) else { return secondsPerRow(1) == nil ? 0 : 1 }
        return many < one * Self.parallelMargin ? 1 : 0
    }

    /// Records that a step of `rows` rows on `threads` threads took `seconds` (the first
    /// step after a switch only if ``Probing/countsSwitches``).
    mutating func record(threads: Int, rows count: Int, seconds elapsed: Double) {
        let i = threads > 1 ? 1 : 0
        defer {
            step += 1
            lastIndex = i
            scheduleReprobes()
        }
        if inReprobe, elapsed.isFinite {
            reprobeSeconds += elapsed
            reprobeRows += Double(count)
        }
        guard step >= probing.warmUpSteps, probing.countsSwitches || i == lastIndex, count > 0, elapsed.isFinite,
            elapsed >= 0
        else { return }
        let keep = Swift.max(Self.decay, Foundation.exp(-elapsed / Self.memorySeconds))
        seconds[i] = seconds[i] * keep + elapsed
        rows[i] = rows[i] * keep + Double(count)
    }

    /// Before the step about to run (``step``): a reprobe block that starts fixes the option
    /// it tries and forgets that option's old measurements, which are at least an interval
    /// old: decayed by 0.9 per measurement, a block's three counted steps moved them by a
    /// quarter, so a phase where two threads lost (on this VM, seconds at a time) held the
    /// choice for several reprobes after it ended, and backing off stretched that to
    /// thousands of steps. One that has ended sets when the next starts.
    private mutating func scheduleReprobes() {
        if step == reprobeStart {
            choiceBeforeReprobe = bestIndex
            seconds[1 - choiceBeforeReprobe] = 0
            rows[1 - choiceBeforeReprobe] = 0
            (reprobeSeconds, reprobeRows) = (0, 0)
        }
        if step == reprobeStart + probing.blockLength {
            let unchanged = bestIndex == choiceBeforeReprobe
            reprobeInterval =
                unchanged ? Swift.min(reprobeInterval * 2, probing.longestReprobeInterval) : probing.reprobeInterval
            reprobeStart = step + Swift.max(reprobeInterval, unchanged ? stepsToRepay() : 0) - probing.blockLength
        }
    }

    /// The steps of the kept choice over which the last reprobe's extra time (its block,
    /// switches included, against the same rows at the kept choice's pace) is at most
    /// ``reprobeBudget`` of the time.
    private func stepsToRepay() -> Int {
        guard let perRow = secondsPerRow(choiceBeforeReprobe), perRow > 0, reprobeRows > 0 else { return 0 }
        let extra = reprobeSeconds - reprobeRows * perRow
        let stepSeconds = perRow * reprobeRows / Double(probing.blockLength)
        guard extra > 0 else { return 0 }
        return Int(Swift.min(extra / (Self.reprobeBudget * stepSeconds), Double(1 << 20)))
    }
}
