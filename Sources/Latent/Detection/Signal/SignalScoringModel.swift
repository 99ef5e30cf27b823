/// The fitted numbers a ``SignalScoringStream`` needs: scaling, block size, one discord
/// reference per window scale and the calibration medians that put the scales on one
/// footing.
struct SignalScoringModel: Sendable {
    /// Per channel: the training mean and standard deviation (1 for a constant channel).
    let mean: [Double], std: [Double]
    /// Rows averaged into one block.
    let blockSize: Int
    /// Blocks between scored windows.
    let stride: Int
    let distance: SignalDetectorConfiguration.Distance
    let aggregation: SignalDetectorConfiguration.Aggregation
    /// One reference per scale (its `m` is that scale's window in blocks).
    let references: [DiscordReference]
    /// Per scale, the divisors of the z and raw distances (calibration medians).
    let norms: [SignalDetector.Norm]

    /// The longest window, in blocks.
    var longestWindow: Int { references.map(\.m).max()! }

    /// A window's score at scale `s`.
    func windowScore(_ d: (z: Double, raw: Double), scale s: Int) -> Double {
        switch distance {
        case .znormalized: return d.z / norms[s].z
        case .raw: return d.raw / norms[s].raw
        case .both: return d.z / norms[s].z + d.raw / norms[s].raw
        }
    }
}
