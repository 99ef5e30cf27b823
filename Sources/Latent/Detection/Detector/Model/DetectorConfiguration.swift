/// What an ``AnomalyDetector`` is built and trained from. Every field has a default that
/// works on small tables; `nil` sizes that choice to the data (see ``TrainingPlan``).
///
/// ```swift
/// var configuration = DetectorConfiguration()
/// configuration.threshold = .falsePositiveRate(0.01)
/// configuration.hidden = [64, 32, 16]
/// let detector = try AnomalyDetector.fit(normalRows, configuration: configuration)
/// ```
///
/// ### See Also
/// - ``TrainingPlan`` for how `nil` fields are filled in.
public struct DetectorConfiguration: Codable, Equatable, Sendable {
    /// The autoencoder family.
    public enum ModelKind: String, Codable, CaseIterable, Sendable {
        /// Dense layers down to a code and back (any input; images are flattened).
        case dense
        /// Strided convolutions (images `[H, W, C]` with H and W multiples of 4).
        case conv
        /// A dense variational autoencoder; scored by the reconstruction of the mean code.
        case vae
        /// No training: the mean distance to the nearest training rows
        /// (``NeighbourReference``), the default for tables.
        case neighbours
    }

    /// The reconstruction error used both as the training loss and as the score.
    public enum ReconstructionLoss: String, Codable, CaseIterable, Sendable {
        /// Mean absolute error, `mean |x − x̂|` (robust to a few badly reconstructed features).
        case mae
        /// Mean squared error, `mean (x − x̂)²` (weights large deviations more).
        case mse
    }

    /// How features are min-max scaled (always fitted on the training rows only).
    public enum ScalerChoice: String, Codable, CaseIterable, Sendable {
        /// `global` for images and for rows of at least 64 features whose training ranges
        /// are non-zero and within a factor 20 (samples of one signal), `perFeature` for
        /// every other table (the default; see ``TrainingPlan``).
        case automatic
        /// One range per feature column.
        case perFeature = "per-feature"
        /// One range for all values.
        case global
    }

    /// The model; `nil` (the default) chooses: `.neighbours` for tables, unless an
    /// autoencoder's training is configured (`hidden`, `epochs`, `batchSize` or
    /// `patience`), and `.dense` for images (see ``TrainingPlan``).
    public var model: ModelKind?
    /// Nearest training rows averaged by a `.neighbours` model; `nil`: 5.
    public var neighbours: Int?
    /// Encoder widths (dense, vae: units; conv: channels), mirrored by the decoder; `nil`
    /// sizes them to the feature count.
    public var hidden: [Int]?
    /// Training loss and score; `.mae` by default.
    public var loss: ReconstructionLoss = .mae
    /// Most training epochs; `nil` sizes them so training takes at least
    /// ``minimumSteps`` optimizer steps.
    public var epochs: Int?
    /// Rows per optimizer step; `nil` sizes it to the number of training rows.
    public var batchSize: Int?
    /// Seed for the split, the initial weights and the shuffling.
    public var seed: UInt64 = 0
    /// How the threshold is set from the calibration scores; `fpr:0.05` by default. When
    /// the default cannot be met with the calibration rows there are (fewer than 19) and
    /// ``thresholdIsRequired`` is not `true`, fitting uses the strictest `fpr` rule they
    /// support and says so (``TrainingPlan/thresholdFallback``).
    public var threshold: ThresholdRule = .falsePositiveRate(0.05)
    /// `true`: a rule the calibration rows cannot meet is an error, even the default one
    /// (the CLI sets it when `--threshold` is given).
    public var thresholdIsRequired: Bool?
    /// Share of the normal rows held out to calibrate the threshold and p-values; 0.2 by
    /// default. These rows are used for nothing else: not for training, not for early
    /// stopping, so their scores are exchangeable with new normal rows' scores.
    public var validationFraction: Double = 0.2
    /// Share of the other normal rows held out to stop training early and pick the best
    /// epoch; 0.1 by default (at least 2 rows).
    public var earlyStoppingFraction: Double = 0.1
    /// Min-max scaling per feature or global; `.automatic` by default.
    public var scaler: ScalerChoice = .automatic
    /// The fewest optimizer steps a sized training run takes (1000 by default): on a few
    /// hundred rows, an epoch is only a handful of steps. (3000 gave 0.003 more mean AUROC
    /// on the ADBench development sets for 3 times the training time: docs/quality.md.)
    public var minimumSteps: Int = 1000
    /// Epochs without a better held-out loss before training stops (after the minimum
    /// steps); `nil` sizes it.
    public var patience: Int?
    /// The scale of features that are constant in the training rows (`nil`: 1000): a
    /// value they never took there counts as that many training ranges (see
    /// ``MinMaxScaler/constantScale``). `1` lets such a column weigh as little as any other.
    public var constantColumnScale: Float?
    /// Adam's learning rate.
    public var learningRate: Float = 1e-3
    /// Weight of the KL term in the VAE objective.
    public var klWeight: Float = 1e-3

    /// The defaults: nearest neighbours for tables, a dense MAE autoencoder sized to the data for images, `fpr:0.05`, 20 % held out.
    public init() {}

    /// The scale of training-constant features when ``constantColumnScale`` is `nil`.
    public static let defaultConstantColumnScale: Float = 1000

    /// Throws unless every given value is in range.
    /// - Throws: ``DetectorError/invalidConfiguration(_:)`` naming the field in backticks
    ///   (`` `validationFraction` ``), which the CLI turns into its flag.
    public func validate() throws {
        func require(_ ok: Bool, _ message: String) throws {
            if !ok { throw DetectorError.invalidConfiguration(message) }
        }
        if let hidden {
            try require(
                !hidden.isEmpty && hidden.allSatisfy { $0 > 0 },
                "`hidden` widths must be positive integers, such as 32,16,8 (got \(hidden))")
        }
        if let neighbours {
            try require(neighbours >= 1, "`neighbours` must be at least 1 (got \(neighbours))")
        }
        if let epochs { try require(epochs >= 1, "`epochs` must be at least 1 (got \(epochs))") }
        if let batchSize {
            try require(batchSize >= 1, "`batchSize` must be at least 1 (got \(batchSize))")
        }
        if let patience {
            try require(patience >= 1, "`patience` must be at least 1 (got \(patience))")
        }
        try require(
            validationFraction > 0 && validationFraction < 1,
            "`validationFraction` must be strictly between 0 and 1 (got \(validationFraction))")
        try require(
            earlyStoppingFraction > 0 && earlyStoppingFraction <= 0.5,
            "`earlyStoppingFraction` must be in (0, 0.5] (got \(earlyStoppingFraction))")
        try require(minimumSteps >= 0, "`minimumSteps` must not be negative (got \(minimumSteps))")
        try require(learningRate > 0 && learningRate.isFinite, "`learningRate` must be positive (got \(learningRate))")
        try require(klWeight >= 0 && klWeight.isFinite, "`klWeight` must not be negative (got \(klWeight))")
        if let constantColumnScale {
            try require(
                constantColumnScale > 0 && constantColumnScale.isFinite,
                "`constantColumnScale` must be a positive number (got \(constantColumnScale))")
        }
        do { try threshold.validate() } catch {
            throw DetectorError.invalidConfiguration("\(error)")
        }
    }
}
