import Foundation

/// `detector.json`: everything about a saved detector except the weights and the
/// calibration scores, which live in the files it names.
///
/// ```text
/// DIR/
///   detector.json        this manifest (format, schema, scaler, threshold, training choices)
///   model.json           the architecture   ┐ ModelFile
///   model.safetensors    the weights        ┘
///   neighbours.npy       instead of the model: the remembered rows of a neighbours detector
///   calibration.json     the held-out normal rows' scores (for p-values)
///   history.csv          loss per epoch
///   report.html          loss curves, score histogram, threshold, calibration size
/// ```
///
/// Keys are snake_case. Every file is named relative to the directory and must be a
/// plain file name: a manifest naming `../elsewhere` is refused.
public struct DetectorManifest: Codable, Equatable, Sendable {
    /// `"latent-detector"`.
    public var format: String
    /// The layout version; this build writes and reads ``currentFormatVersion``.
    public var formatVersion: Int
    /// The Latent version that wrote it.
    public var latentVersion: String
    /// When it was written (ISO 8601).
    public var created: String
    /// The files of the detector, by role.
    public var files: Files
    /// The input the detector accepts.
    public var schema: DetectorSchema
    /// The fitted min-max scaler.
    public var scaler: MinMaxScaler
    /// The threshold rule and its value.
    public var threshold: Threshold
    /// The common rules' thresholds on the same calibration scores.
    public var ruleThresholds: [String: Float]
    /// The calibration set and the false-alarm rate to expect.
    public var calibration: Calibration
    /// The configuration as given.
    public var configuration: DetectorConfiguration
    /// The training choices made and what training did.
    public var training: TrainingPlan
    /// Where the training data came from and its row counts.
    public var data: DataSummary
    /// When `latent detector threshold` last re-set the rule (ISO 8601), and from what;
    /// `nil` if the threshold is the one fitting chose.
    public var rethresholded: Rethreshold? = nil
    /// A `neighbours` detector's space: each min-max-scaled feature's centre and spread
    /// (the remembered rows, already in that space, are the model file).
    public var neighbourSpace: NeighbourSpace? = nil

    /// `z = (x' − center) / spread`, per feature (``NeighbourReference``).
    public struct NeighbourSpace: Codable, Equatable, Sendable {
        public var center: [Float]
        public var spread: [Float]
    }

    /// A re-set of the threshold without retraining.
    public struct Rethreshold: Codable, Equatable, Sendable {
        /// When (ISO 8601).
        public var date: String
        /// The rule and value it replaced.
        public var previousRule: ThresholdRule
        public var previousValue: Float
    }

    /// The files, named relative to the detector directory.
    public struct Files: Codable, Equatable, Sendable {
        /// The model's JSON half (`model.json`), whose weights file is named inside it;
        /// for a `neighbours` detector, the remembered rows (`neighbours.npy`, `[rows, d]`
        /// float32, in the neighbour space).
        public var model: String
        /// The calibration scores (`calibration.json`).
        public var calibration: String
        /// The HTML report.
        public var report: String
        /// The loss history CSV, if written.
        public var history: String?
        /// Hashes of the rows it was fitted on (``RowFingerprints``), if written.
        public var fingerprints: String? = nil
    }

    /// The threshold and how it was chosen.
    public struct Threshold: Codable, Equatable, Sendable {
        /// The rule, in its CLI form (`fpr:0.05`).
        public var rule: ThresholdRule
        /// Flag a score above this.
        public var value: Float
    }

    /// The calibration set.
    public struct Calibration: Codable, Equatable, Sendable {
        /// Number of held-out normal rows scored.
        public var size: Int
        /// The false-alarm rate to expect at the threshold, and its spread.
        public var falseAlarmRate: FalseAlarmEstimate
    }

    /// The training data.
    public struct DataSummary: Codable, Equatable, Sendable {
        /// The file (or a description) it came from.
        public var source: String
        /// Rows, normal rows, rows with other labels.
        public var rows: Int, normalRows: Int, anomalousRows: Int
    }

    /// The manifest format name.
    public static let formatName = "latent-detector"
    /// The manifest version this build writes and the newest it reads.
    public static let currentFormatVersion = 1
    /// The Latent version written into manifests.
    public static let latentVersion = "0.1.0"

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}
