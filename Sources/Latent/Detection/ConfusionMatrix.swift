/// Which class counts as "positive" when reporting precision and recall.
///
/// Detectors report with `.anomaly` positive (recall = share of anomalies caught). Some
/// lessons, like the ECG autoencoder tutorial, report with `.normal` positive (precision
/// = share of samples called normal that are normal). Predictions and labels are always
/// given as "is an anomaly"; the choice only swaps the roles of the two classes.
public enum PositiveClass: String, Sendable, Codable, CaseIterable {
    case anomaly
    case normal
}

/// Counts of a binary classification against the truth, and the rates derived from them.
///
/// ```
///                  truth positive   truth negative
/// predicted pos.        TP               FP
/// predicted neg.        FN               TN
///
/// accuracy    = (TP + TN) / (TP + FP + TN + FN)
/// precision   = TP / (TP + FP)
/// recall      = TP / (TP + FN)        (sensitivity, true positive rate)
/// specificity = TN / (TN + FP)        (true negative rate)
/// FPR         = FP / (FP + TN)        (= 1 − specificity)
/// F1          = 2 · precision · recall / (precision + recall)
/// ```
///
/// A rate whose denominator is zero is reported as 0 (scikit-learn's `zero_division=0`),
/// so a table of metrics never holds NaN; check the counts when that matters.
///
/// ```swift
/// let m = try ConfusionMatrix(scores: scores, labels: isAnomaly, threshold: cut)
/// print(m.precision, m.recall, m.f1)
/// ```
public struct ConfusionMatrix: Sendable, Equatable, Hashable, Codable {
    public var truePositives: Int
    public var falsePositives: Int
    public var trueNegatives: Int
    public var falseNegatives: Int

    /// Creates a matrix from its four counts.
    public init(truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }

    /// Counts predictions against labels.
    /// - Parameters:
    ///   - predictions: `true` where a sample was predicted to be an anomaly.
    ///   - labels: `true` where a sample is an anomaly.
    ///   - positiveClass: the class that counts as positive.
    /// - Throws: ``DetectionError/lengthMismatch(scores:labels:)`` when the counts differ.
    public init(predictions: [Bool], labels: [Bool], positiveClass: PositiveClass = .anomaly) throws {
        guard predictions.count == labels.count else {
            throw DetectionError.lengthMismatch(scores: predictions.count, labels: labels.count)
        }
        self.init(truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0)
        let flip = positiveClass == .normal
        for (predicted, truth) in zip(predictions, labels) {
            switch (predicted != flip, truth != flip) {
            case (true, true): truePositives += 1
            case (true, false): falsePositives += 1
            case (false, false): trueNegatives += 1
            case (false, true): falseNegatives += 1
            }
        }
    }

    /// Thresholds scores (`score > threshold` is an anomaly) and counts against labels.
    /// - Throws: ``DetectionError`` when the lengths differ, there are no scores or a
    ///   score is NaN.
    public init(
        scores: [Float], labels: [Bool], threshold: Float, positiveClass: PositiveClass = .anomaly
    ) throws {
        try ScoreValidation.check(scores, labels: labels)
        try self.init(predictions: scores.map { $0 > threshold }, labels: labels, positiveClass: positiveClass)
    }

    /// Number of samples counted.
    public var count: Int { truePositives + falsePositives + trueNegatives + falseNegatives }
    /// Share of samples classified correctly.
    public var accuracy: Double { ratio(truePositives + trueNegatives, count) }
    /// Share of predicted positives that are positive.
    public var precision: Double { ratio(truePositives, truePositives + falsePositives) }
    /// Share of positives predicted positive (sensitivity, true positive rate).
    public var recall: Double { ratio(truePositives, truePositives + falseNegatives) }
    /// Share of negatives predicted negative (true negative rate).
    public var specificity: Double { ratio(trueNegatives, trueNegatives + falsePositives) }
    /// Share of negatives predicted positive (1 − specificity).
    public var falsePositiveRate: Double { ratio(falsePositives, falsePositives + trueNegatives) }
    /// Harmonic mean of precision and recall, `2TP / (2TP + FP + FN)`.
    public var f1: Double { ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives) }

    private func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
}
