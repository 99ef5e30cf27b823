import Foundation

/// The false-alarm rate a threshold will realise on new normal data, and how much it
/// varies with the calibration set that chose it.
///
/// With `n` calibration scores of normal data and `k` of them above the threshold `t`
/// (which a conformal cut places at a calibration score), the share of new normal rows
/// scoring above `t` is, over draws of the calibration set,
///
/// ```
/// FPR ~ Beta(k + 1, n − k)
/// mean = (k + 1) / (n + 1)
/// sd   = sqrt(a · b / ((a + b)² · (a + b + 1))),   a = k + 1, b = n − k
/// ```
///
/// (the order statistics of uniform variables). For `fpr:0.05` this gives a mean of at
/// most 0.05 and a spread of about ±0.025 with 60 calibration rows, ±0.01 with 400. For
/// thresholds between calibration scores (mean-std, percentile) it is an approximation.
public struct FalseAlarmEstimate: Codable, Equatable, Sendable {
    /// Calibration scores, `n`.
    public var calibrationSize: Int
    /// Calibration scores above the threshold, `k`.
    public var calibrationAbove: Int
    /// Expected false-positive rate on new normal data, `(k + 1)/(n + 1)`.
    public var expectedRate: Double
    /// Standard deviation of the realised rate over calibration sets.
    public var spread: Double

    /// The estimate for `threshold` over `calibrationScores`.
    public init(threshold: Float, calibrationScores scores: [Float]) {
        let n = scores.count
        let k = scores.reduce(0) { $0 + ($1 > threshold ? 1 : 0) }
        let a = Double(k + 1)
        let b = Double(max(n - k, 0))
        calibrationSize = n
        calibrationAbove = k
        expectedRate = a / (a + b)
        spread = (a * b / ((a + b) * (a + b) * (a + b + 1))).squareRoot()
    }

    /// `0.034 ± 0.023 (2 of 58 calibration scores above the threshold)`.
    public var summary: String {
        String(format: "%.3f ± %.3f", expectedRate, spread)
            + " (\(calibrationAbove) of \(calibrationSize) calibration scores above the threshold)"
    }
}
