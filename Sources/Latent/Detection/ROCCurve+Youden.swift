/// The ROC point that maximises Youden's J statistic.
public struct YoudenPoint: Sendable, Equatable {
    /// Flag a sample as an anomaly when `score > threshold`.
    public let threshold: Float
    /// True positive rate (recall of anomalies) at the threshold.
    public let sensitivity: Double
    /// True negative rate (1 − FPR) at the threshold.
    public let specificity: Double
    /// `sensitivity + specificity − 1`, in [-1, 1].
    public var j: Double { sensitivity + specificity - 1 }
}

extension ROCCurve {
    /// The threshold maximising Youden's J, the balanced choice when missing an anomaly
    /// and raising a false alarm cost the same:
    ///
    /// ```
    /// J(t) = sensitivity(t) + specificity(t) − 1 = TPR(t) − FPR(t)
    /// ```
    ///
    /// Among ties in J the highest threshold wins (fewest alarms). The threshold is one of
    /// the calibration scores (the highest score classified normal), never `-∞`: flagging
    /// everything has J = 0, which the first point (flagging nothing) already reaches.
    ///
    /// ```swift
    /// let cut = try ROCCurve(scores: validationScores, labels: isAnomaly).youden.threshold
    /// ```
    public var youden: YoudenPoint {
        // J·P·N = TP·N − FP·P compares exactly in integers, so equal J values tie exactly.
        func scaledJ(_ i: Int) -> Int { flaggedAnomalies[i] * normals - flaggedNormals[i] * anomalies }
        var best = 0
        for i in thresholds.indices where scaledJ(i) > scaledJ(best) { best = i }
        return YoudenPoint(
            threshold: thresholds[best],
            sensitivity: truePositiveRates[best],
            specificity: 1 - falsePositiveRates[best])
    }
}
