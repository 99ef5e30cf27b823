/// The Benjamini–Hochberg step-up procedure: which of `m` hypotheses to reject so that
/// the expected share of false discoveries among the discoveries is at most `q` (for
/// independent or positively dependent p-values, such as conformal p-values sharing one
/// calibration set).
///
/// ```
/// sort p₍₁₎ ≤ … ≤ p₍ₘ₎
/// k = max{ i : p₍ᵢ₎ ≤ (i / m) · q }
/// reject the hypotheses with the k smallest p-values (none if no such i)
/// ```
///
/// Tied p-values are rejected together. Compared with flagging `p ≤ q` one by one, this
/// controls false alarms across a whole batch of test samples.
///
/// ```swift
/// let discoveries = try benjaminiHochberg(conformal.pValues(testScores), falseDiscoveryRate: 0.1)
/// ```
///
/// - Parameters:
///   - pValues: one p-value per hypothesis, each in [0, 1].
///   - q: the target false discovery rate, in (0, 1].
/// - Returns: `true` where the hypothesis is rejected (a discovery), in input order.
/// - Throws: ``DetectionError/invalidParameter(name:value:valid:)`` for `q` outside (0, 1]
///   or a p-value outside [0, 1] (including NaN).
public func benjaminiHochberg(_ pValues: [Double], falseDiscoveryRate q: Double) throws -> [Bool] {
    guard q > 0 && q <= 1 else {
        throw DetectionError.invalidParameter(name: "false discovery rate q", value: q, valid: "in (0, 1]")
    }
    for p in pValues where !(p >= 0 && p <= 1) {
        throw DetectionError.invalidParameter(name: "a p-value", value: p, valid: "in [0, 1]")
    }
    let m = pValues.count
    let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
    var k = 0
    for (rank, i) in order.enumerated() where pValues[i] <= Double(rank + 1) / Double(m) * q {
        k = rank + 1
    }
    var discoveries = [Bool](repeating: false, count: m)
    for i in order.prefix(k) { discoveries[i] = true }
    return discoveries
}
