extension ThresholdRule {
    /// Computes the threshold from calibration scores; flag a sample when
    /// `score > threshold`.
    ///
    /// ```
    /// mean-std:K       t = x̄ + K · σ,   σ = sqrt(Σ (xᵢ − x̄)² / n)   (np.std, ddof = 0)
    /// percentile:Q     t = np.percentile(x, Q)                     (linear interpolation)
    /// contamination:P  t = np.percentile(x, 100 · (1 − P))         (PyOD's threshold_)
    /// fpr:ALPHA        t = ConformalCalibration(x).scoreCut(alpha: ALPHA)
    ///                  so  score > t  ⇔  p(score) ≤ ALPHA
    /// youden           t = ROCCurve(x, labels).youden.threshold
    /// fpr:ALPHA@C      t = ConformalCalibration(x).conditionalScoreCut(alpha: ALPHA, confidence: C)
    ///                  so  score > t  ⇔  conditional p(score) ≤ ALPHA
    /// ```
    ///
    /// Only `youden` reads the labels; every other rule treats all calibration scores as
    /// samples of the normal class (for `contamination`, as the training scores, which may
    /// hold the expected fraction `P` of anomalies).
    ///
    /// - Parameters:
    ///   - scores: calibration scores, finite; higher = more anomalous.
    ///   - labels: `true` marks an anomaly; required by `youden`, checked for length when given.
    /// - Returns: the threshold. For `fpr:ALPHA` with fewer than `1/ALPHA − 1` calibration
    ///   scores no p-value can reach `ALPHA`, and the threshold is `+∞` (nothing flagged).
    /// - Throws: ``DetectionError`` for a parameter out of range, an empty calibration set,
    ///   a NaN or infinite score, mismatched labels, or `youden` without labels of both classes.
    public func threshold(calibrationScores scores: [Float], labels: [Bool]? = nil) throws -> Float {
        try validate()
        try ScoreValidation.check(scores, requireFinite: true)
        if let labels, labels.count != scores.count {
            throw DetectionError.lengthMismatch(scores: scores.count, labels: labels.count)
        }
        switch self {
        case .meanStd(let k):
            let m = ScoreStatistics.mean(scores)
            return Float(m + k * ScoreStatistics.populationStandardDeviation(scores))
        case .percentile(let q):
            return Float(ScoreStatistics.percentile(sorted: scores.sorted(), q))
        case .contamination(let p):
            return Float(ScoreStatistics.percentile(sorted: scores.sorted(), 100 * (1 - p)))
        case .falsePositiveRate(let alpha):
            return try ConformalCalibration(scores: scores).scoreCut(alpha: alpha)
        case .conditionalFalsePositiveRate(let alpha, let confidence, let bound):
            return try ConformalCalibration(scores: scores).conditionalScoreCut(
                alpha: alpha, confidence: confidence, bound: bound)
        case .youden:
            guard let labels else { throw DetectionError.labelsRequired(rule: description) }
            return try ROCCurve(scores: scores, labels: labels).youden.threshold
        }
    }
}

extension ThresholdRule {
    /// The fewest calibration scores for which `fpr:ALPHA` can flag anything: the smallest
    /// conformal p-value, `1/(n + 1)`, must reach ALPHA, so `n ≥ ⌈1/ALPHA − 1⌉` (19 for 0.05).
    public static func calibrationRowsNeeded(falsePositiveRate alpha: Double) -> Int {
        Int((1 / alpha - 1 - 1e-9).rounded(.up))
    }

    /// The validation fraction (rounded up to hundredths, at most 0.99) that holds out
    /// `needed` of `normalRows` normal rows for calibration.
    public static func validationFraction(needed: Int, normalRows: Int) -> Double {
        guard normalRows > 0 else { return 0.99 }
        var fraction = (100 * Double(needed) / Double(normalRows)).rounded(.up) / 100
        // The split rounds fraction · n to the nearest row: step up until it gives enough.
        while fraction < 0.99 && Int((fraction * Double(normalRows)).rounded()) < needed {
            fraction += 0.01
        }
        return min(fraction, 0.99)
    }
}
