/// Precision and recall of a scorer at every threshold, with the anomaly as the positive
/// class and higher score = more anomalous, and the average precision summarising it.
///
/// Point `i` flags a sample as an anomaly when `score > thresholds[i]`:
///
/// ```
/// precision(t) = TP(t) / (TP(t) + FP(t))
/// recall(t)    = TP(t) / #anomalies
/// ```
///
/// There is one point per distinct score, in decreasing order of threshold (so recall
/// rises to 1); the thresholds are the distinct scores shifted by one place, ending at
/// `-∞`. The point that flags nothing has no precision and is left out; plots usually
/// start the curve at (recall 0, precision 1).
///
/// ```swift
/// let pr = try PrecisionRecallCurve(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true])
/// pr.averagePrecision  // 0.8333…
/// ```
///
/// ### See Also
/// - ``ROCCurve``
public struct PrecisionRecallCurve: Sendable, Equatable {
    /// Precision at each point, in (0, 1].
    public let precisions: [Double]
    /// Recall at each point, non-decreasing, ending at 1.
    public let recalls: [Double]
    /// Point `i` flags `score > thresholds[i]`; decreasing, last is `-Float.infinity`.
    public let thresholds: [Float]
    /// Average precision, scikit-learn's `average_precision_score`: precision weighted by
    /// the recall gained at each step, without interpolation,
    ///
    /// ```
    /// AP = Σₙ (Rₙ − Rₙ₋₁) · Pₙ,   R₋₁ = 0
    /// ```
    ///
    /// A perfect ranking scores 1; a random one scores about the anomaly fraction.
    public let averagePrecision: Double

    /// Builds the curve from scores and labels.
    /// - Parameters:
    ///   - scores: one score per sample; higher = more anomalous.
    ///   - labels: `true` marks an anomaly (the positive class).
    /// - Throws: ``DetectionError`` when the lengths differ, there are no scores, a score
    ///   is NaN, or there are no anomalies (recall would divide by zero).
    public init(scores: [Float], labels: [Bool]) throws {
        let (p, n) = try ScoreValidation.check(scores, labels: labels)
        guard p > 0 else {
            throw DetectionError.singleClass(what: "precision–recall curve", anomalies: p, normals: n)
        }
        let sweep = ScoreSweep(scores: scores, labels: labels)
        let tp = sweep.anomaliesAtOrAbove
        let fp = sweep.normalsAtOrAbove
        // Every point flags at least its own score group, so TP + FP > 0.
        precisions = zip(tp, fp).map { Double($0) / Double($0 + $1) }
        recalls = tp.map { Double($0) / Double(p) }
        thresholds = Array(sweep.distinctScores.dropFirst()) + [-Float.infinity]
        var ap = 0.0
        var previousRecall = 0.0
        for (r, pr) in zip(recalls, precisions) {
            ap += (r - previousRecall) * pr
            previousRecall = r
        }
        averagePrecision = ap
    }
}
