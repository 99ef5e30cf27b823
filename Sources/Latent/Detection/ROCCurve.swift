/// The receiver operating characteristic of a scorer: false and true positive rates at
/// every threshold, with the anomaly as the positive class and higher score = more
/// anomalous.
///
/// Point `i` classifies a sample as an anomaly when `score > thresholds[i]`, the same rule
/// a detector's `predict` uses:
///
/// ```
/// TPR(t) = #{anomalies with score > t} / #anomalies      (sensitivity, recall)
/// FPR(t) = #{normals   with score > t} / #normals        (1 − specificity)
/// ```
///
/// The thresholds are the distinct scores in decreasing order followed by `-∞`, so the
/// curve runs from (0, 0) (the highest score: nothing flagged) to (1, 1) (`-∞`: everything
/// flagged) with one point per distinct score; tied scores move the curve diagonally in
/// one step. scikit-learn's `roc_curve` reports the same points (without dropping
/// collinear ones) with thresholds shifted by one place, because it flags `score ≥ t`.
///
/// ```swift
/// let roc = try ROCCurve(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true])
/// roc.auc  // 0.75
/// ```
///
/// ### See Also
/// - ``PrecisionRecallCurve``
/// - ``ROCCurve/youden``
public struct ROCCurve: Sendable, Equatable {
    /// FPR at each point, non-decreasing from 0 to 1.
    public let falsePositiveRates: [Double]
    /// TPR at each point, non-decreasing from 0 to 1.
    public let truePositiveRates: [Double]
    /// Point `i` flags `score > thresholds[i]`; decreasing, last is `-Float.infinity`.
    public let thresholds: [Float]
    /// Area under the curve by the trapezoid rule.
    ///
    /// The trapezoid over tied steps counts half of each tied anomaly–normal pair, so the
    /// area equals the Mann–Whitney probability:
    ///
    /// ```
    /// AUC = P(s⁺ > s⁻) + ½ P(s⁺ = s⁻)
    ///     = Σᵢ (FPᵢ − FPᵢ₋₁)(TPᵢ + TPᵢ₋₁) / (2 · #anomalies · #normals)
    /// ```
    ///
    /// computed from the integer counts, so it is exact up to the final division.
    public let auc: Double
    /// Number of anomalies (positives) in the labels.
    public let anomalies: Int
    /// Number of normal samples (negatives) in the labels.
    public let normals: Int
    /// Anomalies and normal samples flagged at each point (the integer numerators).
    let flaggedAnomalies: [Int]
    let flaggedNormals: [Int]

    /// Builds the curve from scores and labels.
    /// - Parameters:
    ///   - scores: one score per sample; higher = more anomalous. Infinities are allowed.
    ///   - labels: `true` marks an anomaly (the positive class).
    /// - Throws: ``DetectionError`` when the lengths differ, there are no scores, a score
    ///   is NaN, or the labels hold only one class (the rates would divide by zero).
    public init(scores: [Float], labels: [Bool]) throws {
        let (p, n) = try ScoreValidation.check(scores, labels: labels)
        guard p > 0 && n > 0 else {
            throw DetectionError.singleClass(what: "ROC curve", anomalies: p, normals: n)
        }
        let sweep = ScoreSweep(scores: scores, labels: labels)
        // Flagging `score > distinctScores[i]` flags exactly the groups above i.
        let tp = [0] + sweep.anomaliesAtOrAbove
        let fp = [0] + sweep.normalsAtOrAbove
        truePositiveRates = tp.map { Double($0) / Double(p) }
        falsePositiveRates = fp.map { Double($0) / Double(n) }
        thresholds = sweep.distinctScores + [-Float.infinity]
        var twiceArea = 0  // Σ ΔFP · (TPᵢ + TPᵢ₋₁), an integer
        for i in 1..<tp.count {
            twiceArea += (fp[i] - fp[i - 1]) * (tp[i] + tp[i - 1])
        }
        auc = Double(twiceArea) / (2 * Double(p) * Double(n))
        anomalies = p
        normals = n
        flaggedAnomalies = tp
        flaggedNormals = fp
    }
}
