import CLatentSystem
import Foundation

/// How ``Trainer/fit(inputs:targets:validation:options:generator:loss:)`` runs.
public struct TrainingOptions: Sendable {
    /// Passes over the training data (an upper bound when early stopping is on).
    public var epochs: Int
    /// Samples per gradient step (the last batch of an epoch may be smaller).
    public var batchSize: Int
    /// Reshuffle the training rows every epoch (from the run's generator).
    public var shuffle = true
    /// Stop after this many epochs without a better validation loss, then restore the
    /// best weights (those of the lowest validation loss). `nil` trains all epochs.
    public var earlyStoppingPatience: Int?
    /// With ``earlyStoppingPatience``: the relative fall below the last improvement that
    /// counts as a better validation loss, `v < v_last · (1 − tolerance)`; 0 (the default)
    /// counts any fall. Without one, a loss that creeps down by 0.01 % an epoch never lets
    /// training stop. The weights restored are still those of the lowest loss.
    public var earlyStoppingTolerance: Float = 0
    /// With ``earlyStoppingPatience``: epochs always trained before early stopping may end
    /// the run.
    public var earlyStoppingMinimumEpochs = 0
    /// Samples per batch when computing the validation loss.
    public var validationBatchSize = 1024
    public var progress = ProgressReporter()
    /// Write a checkpoint to ``checkpointDirectory`` every this many epochs (and after the last).
    public var checkpointEvery: Int?
    /// Where checkpoints go; with ``resume`` also where training continues from.
    public var checkpointDirectory: URL?
    /// Continue from the checkpoint in ``checkpointDirectory`` when there is one.
    public var resume = false
    /// Split each batch's rows into shards (two, or one per thread with more threads) that
    /// run forward and backward on their own threads, their gradients added in shard order
    /// (``BatchShards``): how training uses more than one core at small batch sizes. The
    /// result does not depend on the thread count (1 and 2 threads: the same bits).
    ///
    /// Each shard's loss is weighted by its share of the rows, which is exact for a loss
    /// that is a mean over the rows (every loss in Latent by default, and sums of such
    /// terms, such as a VAE's reconstruction + KL). Turn it off for a loss that sums over
    /// the rows (`reduction: .sum`) or couples them.
    public var dataParallel = true

    public init(
        epochs: Int, batchSize: Int, shuffle: Bool = true, earlyStoppingPatience: Int? = nil,
        progress: ProgressReporter = ProgressReporter()
    ) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.earlyStoppingPatience = earlyStoppingPatience
        self.progress = progress
    }
}

/// A Keras-style `fit` loop over mini-batches: shuffle, step, validate, report.
///
/// ```swift
/// let trainer = Trainer(model: model, optimizer: Adam())
/// let history = try trainer.fit(inputs: x, targets: x, validation: (xTest, xTest),
///                               options: TrainingOptions(epochs: 10, batchSize: 32),
///                               generator: &rng) { batch, target in
///     meanSquaredError(model(batch), target)
/// }
/// ```
public final class Trainer {
    public let model: Module
    public let optimizer: Optimizer
    /// Called after each epoch with its record; return `false` to stop training.
    public var onEpochEnd: ((EpochRecord) -> Bool)?
    /// Whether shards run side by side, from the steps timed so far; kept across fits.
    private var threadChoice = MeasuredThreadChoice(parallel: 1)

    public init(model: Module, optimizer: Optimizer) {
        self.model = model
        self.optimizer = optimizer
    }

    /// Trains `model` by minimising `loss(batchInputs, batchTargets)`.
    ///
    /// The loss closure computes the model's output itself, so any objective written with
    /// tensor expressions works (for example a VAE's reconstruction term plus a weighted KL
    /// term). Rows of `inputs` and `targets` correspond along the first axis.
    ///
    /// With ``TrainingOptions/dataParallel`` (the default) `loss` runs on several threads at
    /// once, one shard of the batch each: it must not mutate captured state. Stochastic
    /// losses take their noise from the generator passed to them (the other `fit`).
    ///
    /// - Throws: ``TrainingError/nonFiniteLoss(epoch:step:value:)`` as soon as a loss is NaN or
    ///   infinite, before the bad gradient reaches the weights.
    public func fit(
        inputs: Tensor, targets: Tensor, validation: (inputs: Tensor, targets: Tensor)? = nil,
        options: TrainingOptions, generator: inout RandomGenerator,
        loss: (_ inputs: Tensor, _ targets: Tensor) -> Tensor
    ) throws -> History {
        try fit(inputs: inputs, targets: targets, validation: validation, options: options, generator: &generator) {
            x, y, _ in loss(x, y)
        }
    }

    /// Trains with a stochastic loss that draws from its own random stream (for example a
    /// VAE's reparameterisation noise). The stream is derived from `generator` and saved in
    /// checkpoints, so resumed runs draw the same noise; validation draws from a copy and
    /// leaves the stream untouched.
    public func fit(
        inputs: Tensor, targets: Tensor, validation: (inputs: Tensor, targets: Tensor)? = nil,
        options: TrainingOptions, generator: inout RandomGenerator,
        loss: (_ inputs: Tensor, _ targets: Tensor, _ noise: inout RandomGenerator) -> Tensor
    ) throws -> History {
        let n = inputs.shape.first ?? 0
        guard n > 0 else { throw TrainingError.invalidData("there are no training rows.") }
        guard targets.shape.first == n else {
            throw TrainingError.invalidData("\(n) input rows but \(targets.shape.first ?? 0) target rows.")
        }
        guard options.batchSize > 0, options.epochs >= 0 else {
            throw TrainingError.invalidData("batch size must be positive and epochs non-negative.")
        }
        if let v = validation, v.inputs.shape.first != v.targets.shape.first {
            throw TrainingError.invalidData("validation inputs and targets have different row counts.")
        }
        return try Engine.withDenormalsFlushedToZero {
            try train(
                inputs: inputs, targets: targets, validation: validation, options: options, generator: &generator,
                loss: loss)
        }
    }

    private func train(
        inputs: Tensor, targets: Tensor, validation: (inputs: Tensor, targets: Tensor)?,
        options: TrainingOptions, generator: inout RandomGenerator,
        loss: (_ inputs: Tensor, _ targets: Tensor, _ noise: inout RandomGenerator) -> Tensor
    ) throws -> History {
        let n = inputs.shape.first ?? 0
        var history = History()
        let steps = (n + options.batchSize - 1) / options.batchSize
        var best: (loss: Float, epoch: Int, weights: [String: Tensor])?
        // The last validation loss lower than the one before by more than the tolerance.
        var improved: (epoch: Int, loss: Float)?
        var lossGenerator = generator.split()
        var firstEpoch = 1
        if options.resume, let directory = options.checkpointDirectory, TrainingCheckpoint.exists(in: directory) {
            let (checkpoint, bestWeights) = try TrainingCheckpoint.restore(
                from: directory, model: model, optimizer: optimizer)
            generator = checkpoint.generator
            lossGenerator = checkpoint.lossGenerator
            history = checkpoint.history
            if let e = checkpoint.bestEpoch, let l = checkpoint.bestLoss, let w = bestWeights { best = (l, e, w) }
            if let e = history.improvedEpoch, let v = history.epochs.first(where: { $0.epoch == e })?.validationLoss {
                improved = (e, v)
            } else if let e = checkpoint.bestEpoch, let l = checkpoint.bestLoss {
                // A checkpoint from before the tolerance: without one, the last improvement is the best.
                improved = (e, l)
                history.improvedEpoch = e
            }
            firstEpoch = checkpoint.epoch + 1
            options.progress.message("Resuming after epoch \(checkpoint.epoch) from \(directory.path).")
            if history.stopReason != nil { firstEpoch = options.epochs + 1 }
        }
        func evaluationLoss(_ x: Tensor, _ y: Tensor) -> Tensor {
            var copy = lossGenerator
            return loss(x, y, &copy)
        }
        // Reflection finds the parameters in microseconds per layer: once per fit, not per step.
        let parameters = model.namedParameters().map(\.parameter)
        func zeroGradients() { for p in parameters { p.zeroGradient() } }
        let parallel = Swift.min(Engine.threadCount, BatchShards.perBatch)
        if threadChoice.parallel != parallel { threadChoice = MeasuredThreadChoice(parallel: parallel) }
        // The first batch's forward pass, counted once: heavy rows may be cut into smaller
        // shards. A whole batch, as a step sees it (a loss may need more than one row).
        let probeRows = Array(0..<Swift.min(n, options.batchSize))
        let forwardFLOPsPerRow = BatchShards.forwardFLOPsPerRow(rows: probeRows.count) {
            let (x, y) = BatchShards.gather(inputs, targets, rows: probeRows)
            _ = evaluationLoss(x, y)
        }
        for epoch in stride(from: firstEpoch, through: options.epochs, by: 1) {
            // Each epoch's order comes from the generator alone, so a checkpoint of the
            // generator is enough to replay it.
            var order = Array(0..<n)
            if options.shuffle { order.shuffle(using: &generator) }
            let start = DispatchTime.now().uptimeNanoseconds
            var total: Double = 0
            for step in 0..<steps {
                let range = (step * options.batchSize)..<min(n, (step + 1) * options.batchSize)
                let rows = Array(order[range])
                zeroGradients()
                // The whole step (shards, gradients, optimizer) runs on the threads the
                // measured choice gives, and is timed for it: on one thread no job reaches
                // the team, so its helpers park rather than spin beside this thread (in runs
                // where two threads did not pay, helpers kept spinning by Adam's jobs held
                // fashion-ae's one-thread steps to half speed: 54k samples/s against 106k).
                let threads = parallel > 1 ? threadChoice.next : 1
                let started = DispatchTime.now().uptimeNanoseconds
                func onChosenThreads<R>(_ body: () throws -> R) rethrows -> R {
                    parallel > 1 && threads == 1 ? try Engine.onOneThread(body) : try body()
                }
                let scalar = onChosenThreads {
                    BatchShards(
                        rows: rows.count, dataParallel: options.dataParallel, forwardFLOPsPerRow: forwardFLOPsPerRow
                    ).lossAndGradients(
                        inputs: inputs, targets: targets, rows: rows, parameters: parameters,
                        generator: &lossGenerator, threads: threads, loss: loss)
                }
                guard scalar.isFinite else {
                    throw TrainingError.nonFiniteLoss(epoch: epoch, step: step + 1, value: scalar)
                }
                onChosenThreads { optimizer.step(model) }
                if parallel > 1 {
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                    threadChoice.record(threads: threads, rows: rows.count, seconds: seconds)
                    latent_count_shard_step(threads > 1 ? 1 : 0)
                }
                total += Double(scalar) * Double(rows.count)
                options.progress.step(
                    epoch: epoch, of: options.epochs, step: step + 1, of: steps,
                    loss: Float(total / Double(range.upperBound)))
            }
            zeroGradients()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let validationLoss = validation.map {
                evaluate(
                    inputs: $0.inputs, targets: $0.targets, batchSize: options.validationBatchSize, loss: evaluationLoss
                )
            }
            let record = EpochRecord(
                epoch: epoch, loss: Float(total / Double(n)), validationLoss: validationLoss,
                seconds: seconds, samplesPerSecond: Double(n) / max(seconds, 1e-9))
            history.epochs.append(record)
            options.progress.epochEnded(record, of: options.epochs, steps: steps)

            if let patience = options.earlyStoppingPatience, let v = validationLoss {
                if best == nil || v < best!.loss {
                    best = (v, epoch, model.parameters().mapValues { $0.copied() })
                }
                if improved == nil || v < improved!.loss * (1 - options.earlyStoppingTolerance) {
                    improved = (epoch, v)
                    history.improvedEpoch = epoch
                } else if epoch >= options.earlyStoppingMinimumEpochs, epoch - improved!.epoch >= patience {
                    history.stopReason = "validation loss did not improve for \(patience) epochs"
                }
            }
            if let every = options.checkpointEvery, let directory = options.checkpointDirectory,
                epoch % every == 0 || epoch == options.epochs || history.stopReason != nil
            {
                try TrainingCheckpoint(
                    epoch: epoch, generator: generator, lossGenerator: lossGenerator, history: history,
                    bestEpoch: best?.epoch, bestLoss: best?.loss,
                    parameterNames: model.namedParameters().map(\.name)
                )
                .write(model: model, optimizer: optimizer, best: best?.weights, to: directory)
            }
            // A callback's stop comes after the checkpoint: resuming continues the run.
            if let onEpochEnd, !onEpochEnd(record) {
                history.stopReason = history.stopReason ?? "stopped by callback"
            }
            if history.stopReason != nil { break }
        }
        if let best, best.epoch != history.epochs.last?.epoch {
            try model.load(parameters: best.weights)
            history.restoredEpoch = best.epoch
            options.progress.message(
                "Restored the weights of epoch \(best.epoch) (val_loss \(ProgressReporter.loss(best.loss))).")
        } else if let best {
            history.restoredEpoch = best.epoch
        }
        return history
    }

    /// The mean of `loss` over `inputs` in batches, without recording gradients.
    public func evaluate(
        inputs: Tensor, targets: Tensor, batchSize: Int = 1024,
        loss: (_ inputs: Tensor, _ targets: Tensor) -> Tensor
    ) -> Float {
        let n = inputs.shape.first ?? 0
        guard n > 0 else { return .nan }
        return withoutGradients {
            var total: Double = 0
            var start = 0
            while start < n {
                let end = min(n, start + batchSize)
                total += Double(loss(inputs.rows(start..<end), targets.rows(start..<end)).item) * Double(end - start)
                start = end
            }
            return Float(total / Double(n))
        }
    }
}
