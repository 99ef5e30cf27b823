/// Split-conformal p-values from a held-out set of calibration scores of normal data.
///
/// For a new score `s`, with `n` calibration scores `c₁ … cₙ`:
///
/// ```
/// p(s) = (1 + #{ i : cᵢ ≥ s }) / (n + 1)
/// ```
///
/// If the new sample and the calibration samples are exchangeable (drawn the same way,
/// e.g. i.i.d. normal data), `p` is super-uniform: `P(p ≤ α) ≤ α` for every `α`, with
/// ties in the scores only making it more conservative. Flagging `p ≤ α` therefore keeps
/// the false positive rate at most `α` on normal data, without any assumption about the
/// score distribution. The calibration scores must not be the detector's training
/// scores (those are optimistically low); hold out part of the normal data.
///
/// ```swift
/// let conformal = try ConformalCalibration(scores: heldOutNormalScores)
/// let flagged = conformal.pValues(testScores).map { $0 <= 0.05 }
/// ```
///
/// ### See Also
/// - ``ThresholdRule/falsePositiveRate(_:)``
/// - ``benjaminiHochberg(_:falseDiscoveryRate:)``
public struct ConformalCalibration: Sendable, Equatable {
    /// The calibration scores in ascending order.
    public let sortedScores: [Float]

    /// Sorts and stores the calibration scores.
    /// - Throws: ``DetectionError/emptyScores`` or ``DetectionError/nanScore(index:)``.
    public init(scores: [Float]) throws {
        try ScoreValidation.check(scores)
        sortedScores = scores.sorted()
    }

    /// Number of calibration scores, `n`.
    public var count: Int { sortedScores.count }

    /// The conformal p-value of one score, in `[1/(n+1), 1]`, by binary search
    /// (O(log n)). A NaN score has a NaN p-value, which no `p ≤ α` test flags: check
    /// scores for NaN before trusting a decision.
    public func pValue(_ score: Float) -> Double {
        if score.isNaN { return .nan }
        // First index whose score is ≥ `score`; everything from there on counts.
        var lo = 0
        var hi = sortedScores.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sortedScores[mid] < score { lo = mid + 1 } else { hi = mid }
        }
        return Double(1 + sortedScores.count - lo) / Double(sortedScores.count + 1)
    }

    /// The conformal p-value of each score.
    public func pValues(_ scores: [Float]) -> [Double] {
        scores.map(pValue)
    }

    /// The score cut equivalent to flagging `p ≤ alpha`:
    ///
    /// ```
    /// k = max{ c ∈ 0…n−1 : (1 + c)/(n + 1) ≤ α }       (the most calibration scores
    ///                                                   allowed at or above s)
    /// cut = c₍n−k₎  (the (n−k)-th smallest),   so   s > cut  ⇔  p(s) ≤ α
    /// ```
    ///
    /// When even `k = 0` fails (`α < 1/(n+1)`), nothing can be flagged and the cut is `+∞`.
    /// - Throws: ``DetectionError/invalidParameter(name:value:valid:)`` unless `0 < alpha < 1`.
    public func scoreCut(alpha: Double) throws -> Float {
        guard alpha > 0 && alpha < 1 else {
            throw DetectionError.invalidParameter(
                name: "fpr ALPHA", value: alpha, valid: "strictly between 0 and 1")
        }
        let n = sortedScores.count
        func allowed(_ c: Int) -> Bool { Double(1 + c) / Double(n + 1) <= alpha }
        // Start from the closed form, then step so the cut agrees with pValue's rounding.
        var k = min(max(Int((alpha * Double(n + 1)).rounded(.down)) - 1, -1), n - 1)
        while k + 1 <= n - 1 && allowed(k + 1) { k += 1 }
        while k >= 0 && !allowed(k) { k -= 1 }
        return k < 0 ? .infinity : sortedScores[n - 1 - k]
    }
}

extension ConformalCalibration: Codable {
    /// Decodes the stored scores, re-checking and re-sorting them.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(scores: try container.decode([Float].self))
    }

    /// Encodes the sorted scores as an array of numbers.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(sortedScores)
    }
}
