import Foundation

/// Calibration-conditional conformal p-values, the DKW form of Bates, Candès, Lei,
/// Romano and Sesia, "Testing for outliers with conformal p-values" (Ann. Statist. 2023).
///
/// The ordinary (marginal) p-value `p = j/(n+1)`, `j = 1 + #{cᵢ ≥ s}`, is super-uniform
/// *on average over calibration sets*: a given calibration set may be unlucky, and the
/// false-alarm rate it realises then sits above `α` for as long as the detector is used.
/// Given the calibration set, `P(p ≤ j/(n+1) | calibration) = U₍ⱼ₎`, the `j`-th smallest
/// of `n` uniform order statistics. The Dvoretzky–Kiefer–Wolfowitz inequality (Massart's
/// constant) bounds all of them at once: with probability at least `1 − δ`,
///
/// ```
/// U₍ⱼ₎ ≤ j/n + ε  for every j,      ε = sqrt(log(2/δ) / (2n))
/// ```
///
/// so the adjusted p-value
///
/// ```
/// p̃(s) = min(1, j/n + ε),   j = 1 + #{ cᵢ ≥ s }
/// ```
///
/// satisfies, with probability ≥ `1 − δ` over the calibration draw,
/// `P(p̃ ≤ t | calibration) ≤ t` for every `t` at once: flagging `p̃ ≤ α` keeps the
/// false-alarm rate of *this* detector at most `α`. The price is `ε`: no score can be
/// flagged unless `α > 1/n + ε`, i.e. about `n ≥ log(2/δ) / (2α²)` calibration scores
/// (639 for `α = 0.05`, `δ = 0.1`; 170 for `α = 0.1`): see
/// ``minimumConditionalCount(alpha:confidence:)``.
extension ConformalCalibration {
    /// The DKW margin `ε = sqrt(log(2/δ) / (2n))` for `δ = 1 − confidence`.
    public func dkwMargin(confidence: Double) -> Double {
        Self.dkwMargin(count: count, confidence: confidence)
    }

    /// The DKW margin for `count` calibration scores.
    public static func dkwMargin(count: Int, confidence: Double) -> Double {
        let delta = 1 - confidence
        return (log(2 / delta) / (2 * Double(count))).squareRoot()
    }

    /// The calibration-conditional p-value `min(1, j/n + ε)`, `j = 1 + #{cᵢ ≥ s}`;
    /// at least the marginal ``pValue(_:)``. NaN for a NaN score.
    public func conditionalPValue(_ score: Float, confidence: Double) -> Double {
        let p = pValue(score)
        if p.isNaN { return .nan }
        let n = Double(count)
        let j = (p * (n + 1)).rounded()
        return min(1, j / n + dkwMargin(confidence: confidence))
    }

    /// The calibration-conditional p-value of each score.
    public func conditionalPValues(_ scores: [Float], confidence: Double) -> [Double] {
        let epsilon = dkwMargin(confidence: confidence)
        let n = Double(count)
        return pValues(scores).map { p in
            p.isNaN ? .nan : min(1, (p * (n + 1)).rounded() / n + epsilon)
        }
    }

    /// The score cut equivalent to flagging `conditionalPValue ≤ alpha`:
    ///
    /// ```
    /// J = max{ j ∈ 1…n : j/n + ε ≤ α }
    /// cut = the J-th largest calibration score,   so   s > cut  ⇔  p̃(s) ≤ α
    /// ```
    ///
    /// `+∞` (nothing flagged) when no `j` qualifies: see
    /// ``minimumConditionalCount(alpha:confidence:)``.
    /// - Throws: ``DetectionError/invalidParameter(name:value:valid:)`` unless both
    ///   `alpha` and `confidence` are strictly between 0 and 1.
    public func conditionalScoreCut(alpha: Double, confidence: Double) throws -> Float {
        guard alpha > 0 && alpha < 1 else {
            throw DetectionError.invalidParameter(
                name: "fpr ALPHA", value: alpha, valid: "strictly between 0 and 1")
        }
        guard confidence > 0 && confidence < 1 else {
            throw DetectionError.invalidParameter(
                name: "CONFIDENCE", value: confidence, valid: "strictly between 0 and 1")
        }
        let n = count
        let epsilon = dkwMargin(confidence: confidence)
        func allowed(_ j: Int) -> Bool { Double(j) / Double(n) + epsilon <= alpha }
        var j = min(max(Int(((alpha - epsilon) * Double(n)).rounded(.down)), 0), n)
        while j + 1 <= n && allowed(j + 1) { j += 1 }
        while j >= 1 && !allowed(j) { j -= 1 }
        return j < 1 ? .infinity : sortedScores[n - j]
    }

    /// The fewest calibration scores for which `fpr:ALPHA@CONFIDENCE` can flag anything
    /// (`1/n + ε ≤ α`).
    public static func minimumConditionalCount(alpha: Double, confidence: Double) -> Int {
        guard alpha > 0 && alpha < 1 && confidence > 0 && confidence < 1 else { return .max }
        var n = max(1, Int((log(2 / (1 - confidence)) / (2 * alpha * alpha)).rounded(.down)))
        while 1 / Double(n) + dkwMargin(count: n, confidence: confidence) > alpha { n += 1 }
        return n
    }
}
