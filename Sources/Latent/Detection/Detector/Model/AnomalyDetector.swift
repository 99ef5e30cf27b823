/// An autoencoder anomaly detector for your own data, in the spirit of PyOD's
/// `BaseDetector`: fit on normal rows, then score any batch (higher = more anomalous),
/// flag scores above a calibrated threshold, and say how surprising each score is.
///
/// ```
/// x' = scaler(x)                              min-max, fitted on the training rows
/// score(x) = (1/d) Σⱼ |x'ⱼ − x̂'ⱼ|              (mae; (x'ⱼ − x̂'ⱼ)² for mse)
/// predict(x) = score(x) > threshold
/// p(x) = (1 + #{ calibration scores ≥ score(x) }) / (n + 1)
/// ```
///
/// The threshold and the p-values come from held-out normal rows the model never trained
/// on (the calibration set), so with `fpr:ALPHA` the false-alarm rate on new normal data
/// is at most `ALPHA` in expectation (split-conformal calibration).
///
/// | PyOD | Latent |
/// |---|---|
/// | `fit(X)` | ``fit(_:isNormal:schema:configuration:onEpoch:)`` |
/// | `decision_function(X)` | ``score(_:)`` |
/// | `predict(X)` | ``predict(_:)`` |
/// | `threshold_` | ``threshold`` |
/// | `decision_scores_` | ``trainingScores`` |
///
/// ```swift
/// var configuration = DetectorConfiguration()
/// configuration.threshold = .falsePositiveRate(0.05)
/// let detector = try AnomalyDetector.fit(table.features, isNormal: isNormal,
///                                        configuration: configuration)
/// let scores = try detector.score(newRows)           // [Float], one per row
/// let flags = try detector.predict(newRows)          // score > threshold
/// let p = try detector.pValues(newRows)              // conformal p-values
/// let why = try detector.explain(newRows, topK: 3)   // the worst-reconstructed features
/// try detector.save(to: URL(fileURLWithPath: "ecg-detector"))
/// let again = try AnomalyDetector.load(from: URL(fileURLWithPath: "ecg-detector"))
/// ```
///
/// Layout: a batch is `[n, …]` whose trailing axes hold ``DetectorSchema/featureCount``
/// values: `[n, d]` for tables, `[n, H, W, C]` (or `[n, H, W]`) for images.
public final class AnomalyDetector {
    /// The configuration it was fitted with.
    public let configuration: DetectorConfiguration
    /// The input it accepts.
    public let schema: DetectorSchema
    /// The min-max scaler fitted on the training rows.
    public let scaler: MinMaxScaler
    /// Flag a row when its score is above this.
    public let threshold: Float
    /// The held-out normal rows' scores, for p-values.
    public let calibration: ConformalCalibration
    /// What training chose and did.
    public let plan: TrainingPlan
    /// The threshold each common rule gives on the calibration scores, by rule
    /// (`"percentile:99"`, `"fpr:0.01"`, …), for comparison.
    public let ruleThresholds: [String: Float]
    /// The scores of the rows labelled anomalous at fit time (kept in `calibration.json`
    /// so that `youden` can be re-computed without retraining); empty when there were none.
    public let anomalyScores: [Float]
    /// What fitting measured (loss history, training and anomaly scores); `nil` for a
    /// loaded detector.
    public let diagnostics: FitDiagnostics?
    /// Hashes of the normal rows that trained, stopped and calibrated it (for spotting
    /// evaluation on those rows); `nil` for a detector saved before they were kept.
    public internal(set) var fingerprints: RowFingerprints?
    let scorer: DetectorScorer

    init(
        configuration: DetectorConfiguration, schema: DetectorSchema, scaler: MinMaxScaler,
        threshold: Float, calibration: ConformalCalibration, plan: TrainingPlan,
        ruleThresholds: [String: Float], anomalyScores: [Float] = [],
        diagnostics: FitDiagnostics?, scorer: DetectorScorer
    ) {
        self.anomalyScores = anomalyScores
        self.configuration = configuration
        self.schema = schema
        self.scaler = scaler
        self.threshold = threshold
        self.calibration = calibration
        self.plan = plan
        self.ruleThresholds = ruleThresholds
        self.diagnostics = diagnostics
        self.scorer = scorer
    }

    /// The trained autoencoder; `nil` for a `neighbours` detector, which trains none.
    public var model: (any Model)? { scorer.network?.model }
    /// The autoencoder, if the detector has one.
    var network: DetectorNetwork? { scorer.network }
    /// How the threshold was set.
    public var thresholdRule: ThresholdRule { configuration.threshold }
    /// The training rows' scores (PyOD's `decision_scores_`); empty for a loaded detector.
    public var trainingScores: [Float] { diagnostics?.trainingScores ?? [] }

    // MARK: Scoring

    /// Anomaly scores, higher = more anomalous (PyOD's `decision_function`).
    /// - Parameter x: `[n, …]` with the schema's feature count per row.
    /// - Returns: one score per row: the mean reconstruction error of the scaled row.
    /// - Throws: ``DetectorError/schemaMismatch(source:message:)`` for the wrong width.
    public func score(_ x: Tensor) throws -> [Float] {
        try scorer.errors(prepare(x), loss: plan.loss, keepFeatures: false).scores
    }

    /// `score > threshold` for each row.
    public func predict(_ x: Tensor) throws -> [Bool] {
        try score(x).map { $0 > threshold }
    }

    /// The conformal p-value of each row's score against the calibration scores,
    /// `(1 + #{cᵢ ≥ s}) / (n + 1)`, in `[1/(n+1), 1]`; small = unusual.
    public func pValues(_ x: Tensor) throws -> [Double] {
        calibration.pValues(try score(x))
    }

    /// The reconstructions of the rows, in the scaled space, shape `[n, d]`.
    public func reconstruct(_ x: Tensor) throws -> Tensor {
        let scaled = try prepare(x)
        return scorer.errors(scaled, loss: plan.loss, keepFeatures: true).reconstruction
            ?? Tensor.zeros([0, schema.featureCount])
    }

    /// Everything scoring knows about each row: score, flag, p-value, and the `topK`
    /// features with the largest reconstruction error (none for `topK == 0`).
    public func evaluate(_ x: Tensor, topK: Int = 0) throws -> [RowScore] {
        let scaled = try prepare(x)
        let d = schema.featureCount
        let (scores, features, _) = scorer.errors(scaled, loss: plan.loss, keepFeatures: topK > 0)
        return scores.indices.map { i in
            var row = RowScore(
                score: scores[i], anomaly: scores[i] > threshold,
                pValue: calibration.pValue(scores[i]), explanation: [])
            if let features {
                row.explanation = topFeatures(features[(i * d)..<((i + 1) * d)], k: topK)
            }
            return row
        }
    }

    /// The `topK` features of each row with the largest reconstruction error, largest
    /// first: which columns (or pixels, or time steps) make the row look anomalous.
    public func explain(_ x: Tensor, topK: Int) throws -> [[FeatureError]] {
        try evaluate(x, topK: max(topK, 1)).map(\.explanation)
    }

    /// Checks the width, flattens to `[n, d]` and scales.
    func prepare(_ x: Tensor, source: String = "the input") throws -> Tensor {
        try schema.check(x, source: source)
        return scaler.transform(x.reshaped([x.shape[0], schema.featureCount]))
    }

    private func topFeatures(_ errors: ArraySlice<Float>, k: Int) -> [FeatureError] {
        let base = errors.startIndex
        let order = errors.indices.sorted {
            errors[$0] > errors[$1] || (errors[$0] == errors[$1] && $0 < $1)
        }
        return order.prefix(k).map { i in
            FeatureError(index: i - base, name: schema.featureName(i - base), error: errors[i])
        }
    }
}

/// One row's result from ``AnomalyDetector/evaluate(_:topK:)``.
public struct RowScore: Equatable, Sendable {
    /// The anomaly score (mean reconstruction error).
    public var score: Float
    /// Whether `score > threshold`.
    public var anomaly: Bool
    /// The conformal p-value of the score.
    public var pValue: Double
    /// The features with the largest errors, largest first.
    public var explanation: [FeatureError]
}

/// A feature's share of a row's reconstruction error.
public struct FeatureError: Equatable, Sendable, Codable {
    /// Zero-based position in the flattened row.
    public var index: Int
    /// Its column name, pixel `(y, x)`, or `f<index>`.
    public var name: String
    /// `|x'ⱼ − x̂'ⱼ|` (or its square for mse) in the scaled space.
    public var error: Float
}

/// What fitting measured, for the report and for inspection.
public struct FitDiagnostics: Sendable {
    /// Training and held-out loss per epoch.
    public var history: History
    /// Scores of the rows trained on (a `neighbours` model: of at most 10,000 remembered rows,
    /// each against the others).
    public var trainingScores: [Float]
    /// Scores of the held-out normal rows (the calibration set).
    public var calibrationScores: [Float]
    /// Scores of the rows labelled anomalous (kept out of training), if any.
    public var anomalyScores: [Float]
    /// Rows in the data, normal rows, anomalous rows.
    public var rows: Int, normalRows: Int, anomalousRows: Int
}
