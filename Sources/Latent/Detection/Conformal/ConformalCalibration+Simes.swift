import Foundation

/// The Simes form of the calibration-conditional p-values of Bates et al. (2023): tighter
/// than the DKW form (``conditionalPValue(_:confidence:)``) in the upper tail that anomaly
/// detection uses, at the same guarantee.
///
/// With `V₍₁₎ ≤ … ≤ V₍ₙ₎` the order statistics of `n` uniforms, the generalised Simes
/// inequality (of order `k`) gives `P(V₍ᵢ₎ ≥ aᵢ for all i) ≥ 1 − δ` for
///
/// ```
/// aᵢ = 0                                                   i < k
/// aᵢ = ( δ · Πₗ₌ᵢ₋ₖ₊₁…ᵢ l  /  Πₗ₌ₙ₋ₖ₊₁…ₙ l )^(1/k)          i ≥ k
/// ```
///
/// and the adjusted p-value of a score with `j = 1 + #{cᵢ ≥ s}` is
/// `p̃ = 1 − a₍ₙ₊₁₋ⱼ₎` (`1` when `j = n + 1`). Given the calibration set,
/// `P(p̃ ≤ t) ≤ t` for every `t` at once, with probability at least `1 − δ`. The order
/// `k` trades the tail against the middle; `n/3` (the default) is the authors' choice.
extension ConformalCalibration {
    /// `b₁ … bₙ` with `bⱼ = 1 − a₍ₙ₊₁₋ⱼ₎`: the Simes-adjusted p-value of a score with
    /// `j − 1` calibration scores at or above it.
    public func simesBounds(confidence: Double, order k: Int? = nil) -> [Double] {
        Self.simesBounds(count: count, confidence: confidence, order: k)
    }

    /// ``simesBounds(confidence:order:)`` for `n` calibration scores.
    public static func simesBounds(
        count n: Int, confidence: Double, order k: Int? = nil
    )
        -> [Double]
    {
        let k = min(max(k ?? n / 3, 1), n)
        let delta = 1 - confidence
        var logFactorial = [Double](repeating: 0, count: n + 1)
        for l in stride(from: 1, through: n, by: 1) {
            logFactorial[l] = logFactorial[l - 1] + log(Double(l))
        }
        let top = logFactorial[n] - logFactorial[n - k]
        var a = [Double](repeating: 0, count: n + 1)  // a[i], i = 1…n
        for i in stride(from: k, through: n, by: 1) {
            a[i] = exp((logFactorial[i] - logFactorial[i - k] + log(delta) - top) / Double(k))
        }
        return (1...n).map { j in min(1, max(0, 1 - a[n + 1 - j])) }
    }

    /// The Simes-adjusted calibration-conditional p-value of each score.
    public func simesPValues(
        _ scores: [Float], confidence: Double, order k: Int? = nil
    )
        -> [Double]
    {
        let b = simesBounds(confidence: confidence, order: k)
        let n = Double(count)
        return pValues(scores).map { p in
            if p.isNaN { return .nan }
            let j = Int((p * (n + 1)).rounded())
            return j <= count ? b[j - 1] : 1
        }
    }

    /// The score cut equivalent to flagging a Simes-adjusted p-value `≤ alpha`: the
    /// `J`-th largest calibration score, `J = max{ j : bⱼ ≤ α }`; `+∞` if none.
    public func simesScoreCut(alpha: Double, confidence: Double, order k: Int? = nil) -> Float {
        let b = simesBounds(confidence: confidence, order: k)
        var j = 0
        while j < count && b[j] <= alpha { j += 1 }
        return j < 1 ? .infinity : sortedScores[count - j]
    }
}
