/// Summary statistics of calibration scores, computed in `Double` and matching numpy's
/// conventions so thresholds agree with Python reference code.
enum ScoreStatistics {
    /// Arithmetic mean, `Σ xᵢ / n`.
    static func mean(_ x: [Float]) -> Double {
        x.reduce(0.0) { $0 + Double($1) } / Double(x.count)
    }

    /// Population standard deviation, like numpy's `np.std` (`ddof=0`):
    ///
    /// ```
    /// σ = sqrt( Σ (xᵢ − x̄)² / n )
    /// ```
    ///
    /// (two passes, so no cancellation from `E[x²] − x̄²`).
    static func populationStandardDeviation(_ x: [Float]) -> Double {
        let m = mean(x)
        let ss = x.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) }
        return (ss / Double(x.count)).squareRoot()
    }

    /// The `q`-th percentile (`q` in 0…100) by linear interpolation between the two
    /// nearest ranks, numpy's default `method="linear"`:
    ///
    /// ```
    /// h = (n − 1) · q / 100,   lo = ⌊h⌋,   hi = min(lo + 1, n − 1)
    /// Q = x₍lo₎ + (h − lo) · (x₍hi₎ − x₍lo₎)
    /// ```
    ///
    /// - Precondition: `sorted` is non-empty and sorted ascending; `q` in 0…100.
    static func percentile(sorted x: [Float], _ q: Double) -> Double {
        precondition(!x.isEmpty, "A percentile needs at least one value.")
        let h = Double(x.count - 1) * (q / 100)
        let lo = min(Int(h.rounded(.down)), x.count - 1)
        let hi = min(lo + 1, x.count - 1)
        let t = h - Double(lo)
        let a = Double(x[lo])
        let b = Double(x[hi])
        // numpy's _lerp: interpolate from the nearer end, so t = 1 returns b exactly.
        return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t)
    }
}
