/// The sampling noise of a false-alarm rate measured by pooling `tests` new scores per
/// calibration set over `calibrations` independent sets of `n` exchangeable continuous
/// scores, for the conformal rule at `alpha`. Tolerances in the conformal tests are derived
/// from it rather than picked: a fixed 0.006 was 1.4 standard deviations at α = 0.5 and
/// failed for about one seed in six.
///
/// With k = ⌊α(n+1)⌋, the rule's realised false-alarm rate R of one calibration set (the
/// mass above the (n+1−k)-th order statistic of n uniforms) follows Beta(k, n+1−k). The
/// pooled rate is the mean over sets of Binomial(tests, R)/tests, so its variance is
/// Var(R)/calibrations + E[R(1−R)]/(tests · calibrations).
struct ConformalRateNoise {
    /// E[R] = k/(n+1): the exact expected rate.
    let expectedRate: Double
    /// The pooled rate's standard deviation.
    let standardDeviation: Double

    init(n: Int, alpha: Double, calibrations: Int, tests: Int) {
        let k = (alpha * Double(n + 1)).rounded(.down)
        let a = k
        let b = Double(n + 1) - k
        let mean = a / (a + b)
        let variance = a * b / ((a + b) * (a + b) * (a + b + 1))
        let withinSet = mean * (1 - mean) - variance  // E[R(1−R)]
        expectedRate = mean
        standardDeviation = (variance / Double(calibrations) + withinSet / Double(tests * calibrations)).squareRoot()
    }

    /// Four standard deviations: a correct rule fails the check for about 1 seed in 16,000.
    var tolerance: Double { 4 * standardDeviation }
}
