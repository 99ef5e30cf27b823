import Foundation

/// Which simultaneous bound adjusts calibration-conditional p-values (Bates et al. 2023).
///
/// | Bound | CLI | Adjusted p-value of a score with `j − 1` calibration scores at or above it |
/// |---|---|---|
/// | ``dkw`` | `fpr:ALPHA@C` | `min(1, j/n + sqrt(log(2/δ)/(2n)))` |
/// | ``simes`` | `fpr:ALPHA@C:simes` | `1 − a₍ₙ₊₁₋ⱼ₎`, the generalised Simes bound of order `n/3` |
///
/// Both hold with probability ≥ `1 − δ = C` over the calibration draw; Simes is tighter in
/// the upper tail (smaller thresholds cost fewer calibration rows), DKW is simpler.
public enum ConditionalBound: String, Sendable, Hashable, CaseIterable, Codable {
    case dkw, simes
}

extension ConformalCalibration {
    /// `b₁ … bₙ`: the adjusted p-value of a score with `j − 1` calibration scores at or
    /// above it (`j = n + 1`, every calibration score at or above it, gives 1).
    public static func conditionalBounds(
        count n: Int, confidence: Double, bound: ConditionalBound
    ) -> [Double] {
        switch bound {
        case .dkw:
            let epsilon = dkwMargin(count: n, confidence: confidence)
            return (1...n).map { min(1, Double($0) / Double(n) + epsilon) }
        case .simes:
            return simesBounds(count: n, confidence: confidence)
        }
    }

    /// The score cut of flagging an adjusted p-value `≤ alpha`: the `J`-th largest
    /// calibration score, `J = max{ j : bⱼ ≤ α }`; `+∞` when none.
    public func conditionalScoreCut(
        alpha: Double, confidence: Double, bound: ConditionalBound
    )
        throws -> Float
    {
        switch bound {
        case .dkw: return try conditionalScoreCut(alpha: alpha, confidence: confidence)
        case .simes:
            guard alpha > 0 && alpha < 1, confidence > 0 && confidence < 1 else {
                throw DetectionError.invalidParameter(
                    name: "fpr ALPHA or CONFIDENCE", value: alpha < 0 || alpha >= 1 ? alpha : confidence,
                    valid: "strictly between 0 and 1")
            }
            return simesScoreCut(alpha: alpha, confidence: confidence)
        }
    }

    /// Whether `n` calibration scores let the rule flag anything (`b₁ ≤ alpha`).
    public static func conditionalRuleCanFlag(
        count n: Int, alpha: Double, confidence: Double, bound: ConditionalBound
    ) -> Bool {
        guard n > 0 else { return false }
        return conditionalBounds(count: n, confidence: confidence, bound: bound)[0] <= alpha
    }
}
