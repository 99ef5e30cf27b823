extension SignalDetector {
    /// Per-channel divisors for the scaled signal: the training standard deviation, times
    /// the channel's persistence relative to the least persistent channel under
    /// ``SignalDetectorConfiguration/ChannelScaling/persistence``.
    ///
    /// ```
    /// persistence_c = max(1, std(x_c) / (std(x_c[t+1] − x_c[t]) / √2))   (≈ 1 for white noise)
    /// scale_c       = std_c · persistence_c / min_k persistence_k
    /// ```
    ///
    /// A channel that wanders slowly (a temperature) covers only a fraction of its normal
    /// range in a short training part, so its training standard deviation understates how
    /// far normal values go, and in the raw distance it would outweigh the fast channels
    /// that carry the anomaly. One channel is never rescaled (its scale cancels in the
    /// calibration divisor anyway). `docs/signals.md` has the SKAB measurements.
    static func channelScales(
        _ training: Signal, std: [Double],
        rule: SignalDetectorConfiguration.ChannelScaling
    ) -> [Double] {
        let channels = training.channels
        guard rule == .persistence, channels > 1, training.rows > 2 else { return std }
        let steps = Double(training.rows - 1)
        let persistence = (0..<channels).map { c -> Double in
            func step(_ t: Int) -> Double {
                Double(training.values[t * channels + c])
                    - Double(training.values[(t - 1) * channels + c])
            }
            // The spread of the steps around their mean: a steady trend is not noise.
            let drift = (1..<training.rows).reduce(0.0) { $0 + step($1) } / steps
            let squares = (1..<training.rows).reduce(0.0) {
                let d = step($1) - drift
                return $0 + d * d
            }
            let shortTerm = (squares / steps / 2).squareRoot()
            // A constant channel (std fallback 1, no steps) is not persistent.
            guard shortTerm > 0 else { return 1 }
            return max(1, std[c] / shortTerm)
        }
        let least = persistence.min()!
        return (0..<channels).map { std[$0] * persistence[$0] / least }
    }
}
