import CLatentSystem

/// Data-parallel training steps: a batch's rows are cut into shards, each shard runs the
/// forward and backward pass on its own thread, and the gradients are added in shard order.
///
/// At the lessons' batch sizes (20–512 rows) one op is too small to split across threads
/// (a hand-off costs more than it saves), so a step used one core; a shard per thread meets
/// the other thread once per step instead of once per op.
///
/// The shard count depends on the batch and the model's work per row only
/// (``TrainingOptions/dataParallel``), never on which thread runs a shard: with one thread
/// the shards run one after the other, with two side by side, and every op inside a shard
/// stays on its thread, so one and two threads give the same bits. Shard k > 0 reads each
/// parameter through its own leaf (``Parameter``), so the threads never write one graph
/// node.
///
/// Shard s of n rows gets a seed of n_s / n for its loss: the gradient of the batch's mean
/// when the loss is a mean over the rows, as every loss in Latent is by default.
struct BatchShards {
    /// Row ranges of the batch, contiguous and in order, sizes differing by at most one.
    let ranges: [Range<Int>]

    /// Shards of at least this many rows: smaller ones ran no faster on two threads than
    /// one after the other (mnist-vae, batch 20 in shards of 10, Zen 5; on the Xeon of
    /// issue 20 71.8k against 80.8k samples/s unsharded) ...
    static let minimumRows = 16

    /// ... unless a row is heavier: a shard needs about this much forward GEMM work
    /// (2·m·n·k, convolutions as their im2col products), at least ``leastRows`` rows. mnist-vae's
    /// rows (0.2 MFLOP) keep 16; LeNet's (1.0 MFLOP) go 4, so its batches of 20 run as two
    /// shards of 10 rather than one batch whose ops the threads split (24.7k against 21.7k
    /// samples/s, medians of six interleaved runs on the Xeon).
    static let shardForwardFLOPs = 3e6
    static let leastRows = 4

    /// Shards per batch. A constant, not the thread count: the default thread count
    /// follows the CPUs available, and the bits must not.
    static let perBatch = 2

    /// ``perBatch`` shards of at least ``minimumRows`` rows (fewer for rows whose forward
    /// pass runs `forwardFLOPsPerRow`: see ``shardForwardFLOPs``); one when `dataParallel`
    /// is off.
    init(rows: Int, dataParallel: Bool, forwardFLOPsPerRow: Double = 0) {
        var least = Self.minimumRows
        if forwardFLOPsPerRow > 0 {
            let forWork = (Self.shardForwardFLOPs / forwardFLOPsPerRow).rounded(.up)
            least = Swift.max(Self.leastRows, Int(Swift.min(forWork, Double(Self.minimumRows))))
        }
        let count = dataParallel ? Swift.max(1, Swift.min(Self.perBatch, rows / least)) : 1
        ranges = (0..<count).map { s in (s * rows / count)..<((s + 1) * rows / count) }
    }

    /// The GEMM work (2·m·n·k) of `forward`, run once without gradients on `rows` rows, per
    /// row, counted on this thread alone (``GEMMRecorder/counting(_:)``: another fit on
    /// another thread cannot change it, nor `latent bench`'s own count).
    static func forwardFLOPsPerRow(rows: Int, _ forward: () -> Void) -> Double {
        guard rows > 0 else { return 0 }
        return GEMMRecorder.counting { withoutGradients(forward) }.flops / Double(rows)
    }

    var count: Int { ranges.count }

    /// The batch's rows of inputs and targets; an autoencoder's targets are its inputs
    /// (the same storage), gathered once.
    static func gather(_ inputs: Tensor, _ targets: Tensor, rows: [Int]) -> (Tensor, Tensor) {
        let x = inputs.gathering(rows: rows)
        let same = inputs.storage.pointer == targets.storage.pointer && inputs.shape == targets.shape
        return (x, same ? x : targets.gathering(rows: rows))
    }

    /// Runs the loss and its backward pass for `rows` of `inputs` and `targets`, leaves the
    /// batch's gradient in the parameters' ``Parameter/gradient`` (added to what is there) and returns the batch's
    /// loss: the shards' losses weighted by their rows. A non-finite loss is returned
    /// without a backward pass for its shard.
    ///
    /// Shard 0 draws its noise from `generator`, shard s > 0 from a stream split off it
    /// before the step (in shard order), so the draws depend on the seed and the batch only.
    ///
    /// At most `threads` threads run the shards (default: as many as there are shards, up
    /// to ``Engine/workerCount``); on a serial thread (``Engine/onOneThread(_:)``) every
    /// shard, and a lone shard's ops, stay on this one.
    func lossAndGradients(
        inputs: Tensor, targets: Tensor, rows: [Int], parameters: [Parameter], generator: inout RandomGenerator,
        threads: Int? = nil,
        loss: (_ inputs: Tensor, _ targets: Tensor, _ noise: inout RandomGenerator) -> Tensor
    ) -> Float {
        if count == 1 {
            // One shard: its ops split over the threads, or (on a serial thread, see
            // Trainer) all stay on this one. The same bits either way: every op that
            // splits computes each element the same way however it is split
            // (BatchShardsTests.testUnshardedBatchesGiveTheSameBitsOnOneAndTwoThreads).
            let (x, y) = Self.gather(inputs, targets, rows: rows)
            let value = loss(x, y, &generator)
            let scalar = value.item
            if scalar.isFinite { value.backward() }
            return scalar
        }
        for p in parameters { p.prepareShards(count) }
        var streams = [generator] + (1..<count).map { _ in generator.split() }
        var losses = [Float](repeating: .nan, count: count)
        let n = Float(rows.count)
        let available = Swift.min(Engine.workerCount, count)
        let workers = Swift.min(available, threads ?? available)
        BLAS.useThreads(1)  // each shard's GEMMs stay on its thread
        streams.withUnsafeMutableBufferPointer { streams in
            losses.withUnsafeMutableBufferPointer { losses in
                // One part per shard, claimed by whichever thread is free (Team.c).
                Engine.parallelChunks(count, threads: workers) { s in
                    let serial = latent_thread_set_serial(1)
                    defer { latent_thread_set_serial(serial) }
                    let shard = latent_thread_set_shard(Int32(s))
                    defer { latent_thread_set_shard(shard) }
                    let part = Array(rows[ranges[s]])
                    let (x, y) = Self.gather(inputs, targets, rows: part)
                    let value = loss(x, y, &streams[s])
                    losses[s] = value.item
                    if losses[s].isFinite {
                        value.backward(seed: Tensor(repeating: Float(part.count) / n, shape: value.shape))
                    }
                }
            }
        }
        generator = streams[0]
        for p in parameters { p.gatherShardGradients(count) }
        if let bad = losses.first(where: { !$0.isFinite }) { return bad }
        var total = 0.0
        for (s, l) in losses.enumerated() { total += Double(l) * Double(ranges[s].count) }
        return Float(total / Double(rows.count))
    }
}
