import Foundation

/// The training choices a detector made, sized to its data, and what training then did.
///
/// Small data needs many epochs: the UCR ECG5000 training split has about 290 normal
/// rows, so at batch 512 twenty epochs are twenty optimizer steps, and the model stays
/// under-trained (AUROC 0.96 where a trained one reaches 0.99). So every `nil` field of
/// the ``DetectorConfiguration`` is filled in from the row count `n` and the feature
/// count `d`:
///
/// ```
/// model         = neighbours for tables (no training: the nearest training rows, see
///                          NeighbourReference), unless hidden, epochs, batch size or
///                          patience is given; dense for images
/// batch         = clamp(nearest power of two to n / 8, 16, 256), at most n
/// stepsPerEpoch = ⌈n / batch⌉
/// minimumEpochs = ⌈minimumSteps / stepsPerEpoch⌉          (≥ 1000 steps by default)
/// epochs        = min(2 · minimumEpochs, 10 000)          (an upper bound)
/// patience      = max(10, minimumEpochs / 5)
/// hidden        = 64, 32, … halving down to the code size,
///                 code = clamp(d / 8, 8, 16)      (6 features: 64-32-16-8; 140: 64-32-16)
/// scaler        = global   for images, and for rows of at least 64 features whose
///                          training ranges are all non-zero and within a factor 20 of
///                          each other (samples of one signal)
///                 per-feature otherwise (tables: each column weighs the same; a column
///                          constant in training gets scale 1000, see constantColumnScale)
/// ```
///
/// Why the scaler default depends on the data: min-max scaling per feature gives every
/// column the same weight in the score, which tables of mixed units (millimetres next to
/// ratios) need, or the small-unit columns would never matter. But on a signal, such as
/// a heartbeat sampled 140 times, it stretches the quiet time steps (small range over
/// the few training rows) as much as the loud ones and amplifies their noise; one global
/// range keeps the shape. On the UCR ECG5000 split, global scaling gives AUROC
/// 0.984–0.993 over three seeds, per-feature 0.981–0.987.
///
/// Training runs at least `minimumEpochs`, then stops once the loss on the early-stopping
/// rows (a slice of the normal rows apart from the calibration rows) has not improved
/// for `patience` epochs, and keeps the weights of the best epoch.
/// An explicit `epochs` caps the run (and the minimum) at that many epochs.
public struct TrainingPlan: Codable, Equatable, Sendable {
    /// The model: an autoencoder family, or nearest neighbours.
    public var model: DetectorConfiguration.ModelKind
    /// Nearest rows averaged (`neighbours` models only).
    public var neighbours: Int?
    /// Training rows remembered (`neighbours` models only; at most
    /// ``NeighbourReference/maximumRows``).
    public var referenceRows: Int?
    /// Encoder widths (conv: channels), mirrored by the decoder.
    public var hidden: [Int]
    /// Training loss and score.
    public var loss: DetectorConfiguration.ReconstructionLoss
    /// The scaler mode used.
    public var scaler: MinMaxScaler.Mode
    /// Rows per optimizer step.
    public var batchSize: Int
    /// Optimizer steps per epoch.
    public var stepsPerEpoch: Int
    /// Epochs always trained before early stopping may end the run.
    public var minimumEpochs: Int
    /// The most epochs trained.
    public var maximumEpochs: Int
    /// Epochs without improvement (after the minimum) before stopping, on the
    /// early-stopping rows.
    public var patience: Int
    /// Normal rows trained on.
    public var trainingRows: Int
    /// Normal rows held out to calibrate the threshold and p-values.
    public var calibrationRows: Int
    /// Normal rows held out to stop early and choose the best epoch.
    public var earlyStoppingRows: Int
    /// Adam's learning rate.
    public var learningRate: Float
    /// The seed of every random choice.
    public var seed: UInt64
    /// Why each choice was made, one sentence each, for the report.
    public var notes: [String] = []

    /// Epochs actually trained.
    public var epochsRun = 0
    /// The epoch whose weights were kept (lowest held-out loss).
    public var bestEpoch = 0
    /// Optimizer steps actually taken.
    public var stepsRun = 0
    /// Why training ended.
    public var stopReason = ""
    /// Set when the default threshold rule needed more calibration rows than there were
    /// and a looser one was used: which, and why.
    public var thresholdFallback: String?

    /// Fills in every `nil` field of `configuration` for `trainingRows` rows of
    /// `exampleShape`.
    /// - Parameter featureRanges: `max − min` of each feature over the training rows,
    ///   for the automatic scaler choice (empty: tables scale per feature).
    public init(
        configuration c: DetectorConfiguration, exampleShape: [Int], trainingRows n: Int,
        earlyStoppingRows: Int, calibrationRows: Int, featureRanges: [Float] = []
    ) {
        let d = exampleShape.reduce(1, *)
        let isImage = exampleShape.count == 3
        let (model, modelNote) = TrainingPlan.model(for: c, exampleShape: exampleShape)
        self.model = model
        loss = c.loss
        learningRate = c.learningRate
        seed = c.seed
        trainingRows = n
        self.earlyStoppingRows = earlyStoppingRows
        self.calibrationRows = calibrationRows
        notes.append(modelNote)
        if model == .neighbours {
            let k = c.neighbours ?? NeighbourReference.defaultCount
            neighbours = k
            referenceRows = min(n, NeighbourReference.maximumRows)
            notes.append(
                "Normal rows: \(referenceRows!) remembered"
                    + (n > referenceRows! ? " (a seeded sample of \(n))" : "")
                    + ", \(calibrationRows) held out for calibration only (never remembered).")
        } else {
            notes.append(
                "Normal rows: \(n) to train on, \(earlyStoppingRows) to stop early, \(calibrationRows) "
                    + "held out for calibration only (never trained on nor used to choose an epoch).")
        }

        if model == .neighbours {
            self.hidden = []
        } else if let hidden = c.hidden {
            self.hidden = hidden
        } else if model == .conv {
            self.hidden = [16, 8]
            notes.append("Convolution channels 16, 8 (two stride-2 layers each way).")
        } else {
            self.hidden = TrainingPlan.defaultWidths(features: d)
            notes.append(
                "Hidden widths \(self.hidden.map(String.init).joined(separator: "-")) for \(d) "
                    + "features: 64 halving down to a code of clamp(d/8, \(TrainingPlan.smallestCode), 16) = \(self.hidden.last!)."
            )
        }

        switch c.scaler {
        case .perFeature: scaler = .perFeature
        case .global: scaler = .global
        case .automatic:
            let spread = TrainingPlan.rangeRatio(featureRanges)
            if isImage {
                scaler = .global
                notes.append("Global min-max scaling: pixels share one intensity scale.")
            } else if d >= TrainingPlan.signalLength && spread <= TrainingPlan.commensurableRangeRatio
                && !featureRanges.contains(0)
            {
                scaler = .global
                notes.append(
                    "Global min-max scaling: \(d) features whose training ranges are within a factor of "
                        + String(format: "%.1f", spread)
                        + " of each other look like samples of one signal, "
                        + "so a global range keeps their relative sizes.")
            } else {
                scaler = .perFeature
                notes.append(
                    "Per-feature min-max scaling: "
                        + (d < TrainingPlan.signalLength
                            ? "\(d) features are a table, not a signal (fewer than \(TrainingPlan.signalLength))"
                            : featureRanges.contains(0)
                                ? "\(featureRanges.filter { $0 == 0 }.count) features are constant in the training rows, "
                                    + "which a signal's samples are not"
                                : "the features' training ranges differ by a factor of "
                                    + (spread.isFinite ? String(format: "%.0f", spread) : "∞")
                                    + " (mixed units)")
                        + "; each column gets the same weight in the score.")
            }
        }

        if model == .neighbours {
            if scaler == .perFeature {
                notes.append(
                    "Then each feature is standardised by the training rows' mean and standard deviation "
                        + "(a column constant there gets spread 1/1000), so that distances weigh a rare value "
                        + "by how rare it is.")
            }
            (batchSize, stepsPerEpoch, minimumEpochs, maximumEpochs, patience) = (0, 0, 0, 0, 0)
            stopReason = "nothing to train: the nearest training rows are the model"
            return
        }
        let batch = c.batchSize ?? min(max(TrainingPlan.nearestPowerOfTwo(Double(n) / 8), 16), 256)
        batchSize = max(1, min(batch, n))
        stepsPerEpoch = max(1, (n + batchSize - 1) / batchSize)
        let sized = max(1, (c.minimumSteps + stepsPerEpoch - 1) / stepsPerEpoch)
        if let epochs = c.epochs {
            maximumEpochs = epochs
            minimumEpochs = min(sized, epochs)
            if epochs * stepsPerEpoch < c.minimumSteps {
                notes.append(
                    "Warning: \(epochs) epochs of \(stepsPerEpoch) steps is \(epochs * stepsPerEpoch) "
                        + "optimizer steps, fewer than the \(c.minimumSteps) recommended; the model "
                        + "may be under-trained (leave --epochs out to size it to the data).")
            }
        } else {
            minimumEpochs = min(sized, 10_000)
            maximumEpochs = min(2 * sized, 10_000)
        }
        patience = c.patience ?? max(10, minimumEpochs / 5)
        if c.batchSize == nil {
            notes.append("Batch size \(batchSize) for \(n) training rows (about n/8, 16…256).")
        }
        if c.epochs == nil {
            notes.append(
                "At least \(minimumEpochs) epochs × \(stepsPerEpoch) steps ≥ \(c.minimumSteps) optimizer "
                    + "steps, at most \(maximumEpochs) epochs; then early stopping with patience "
                    + "\(patience) on the early-stopping rows, keeping the best epoch's weights.")
        }
    }

    /// The model in a few words, for messages and reports: `dense autoencoder 64-32-16-8,
    /// mae score` or `nearest neighbours: mean distance to 5 of 1200 remembered rows`.
    public var modelSummary: String {
        if model == .neighbours {
            return "nearest neighbours: mean distance to \(neighbours ?? NeighbourReference.defaultCount) of "
                + "\(referenceRows ?? trainingRows) remembered rows"
        }
        return "\(model) autoencoder \(hidden.map(String.init).joined(separator: "-")), \(loss) score"
    }

    /// The model `configuration` asks for, or chooses for examples of `exampleShape`, and a
    /// note saying why.
    public static func model(
        for c: DetectorConfiguration, exampleShape: [Int]
    ) -> (DetectorConfiguration.ModelKind, String) {
        if let model = c.model { return (model, "Model: \(model), as configured.") }
        if exampleShape.count == 3 {
            return (.dense, "Model: a dense autoencoder (images).")
        }
        if c.hidden != nil || c.epochs != nil || c.batchSize != nil || c.patience != nil {
            return (.dense, "Model: a dense autoencoder, since its training was configured.")
        }
        let k = c.neighbours ?? NeighbourReference.defaultCount
        return (
            .neighbours,
            "Model: nearest neighbours (the default for tables): a row's score is its mean distance to "
                + "the \(k) nearest training rows, nothing is trained; on the benchmark tables of "
                + "docs/quality.md it beats the autoencoders. --model dense trains an autoencoder instead."
        )
    }

    /// Largest over smallest non-zero feature range up to which features count as one
    /// unit and are scaled globally.
    public static let commensurableRangeRatio: Double = 20

    /// The fewest features a table needs to be taken for a sampled signal (and scaled
    /// globally when its ranges agree); shorter rows are tables of separate measurements.
    public static let signalLength = 64

    /// The relative fall of the early-stopping loss that counts as an improvement: training
    /// stops after `patience` epochs without one.
    public static let improvementTolerance: Float = 0.01

    /// The smallest code the default widths use.
    static let smallestCode = 8

    /// Largest over smallest non-zero range (`∞` when there are none).
    static func rangeRatio(_ ranges: [Float]) -> Double {
        let positive = ranges.filter { $0 > 0 && $0.isFinite }
        guard let low = positive.min(), let high = positive.max() else { return .infinity }
        return Double(high) / Double(low)
    }

    /// Default encoder widths for `d` features: `64, 32, …` halving down to a code of
    /// `clamp(d/8, 8, 16)`: 64-32-16-8 below 72 features, 64-32-16 from 128.
    static func defaultWidths(features d: Int) -> [Int] {
        let code = min(max(d / 8, smallestCode), 16)
        var width = 64
        var widths: [Int] = []
        while width > code {
            widths.append(width)
            width /= 2
        }
        widths.append(code)
        return widths
    }

    /// The power of two nearest to `x` (on a log scale), at least 1.
    static func nearestPowerOfTwo(_ x: Double) -> Int {
        guard x > 1 else { return 1 }
        return 1 << Int(Foundation.log2(x).rounded())
    }
}
