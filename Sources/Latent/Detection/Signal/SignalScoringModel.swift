/// The fitted numbers a ``SignalScoringStream`` needs: scaling, block size, one discord
/// reference per term (a view at a window scale, view-major) and the calibration medians
/// that put the terms on one footing.
struct SignalScoringModel: Sendable {
    /// Per channel: the training mean and standard deviation (1 for a constant channel).
    let mean: [Double], std: [Double]
    /// Rows averaged into one block.
    let blockSize: Int
    /// Blocks between scored windows.
    let stride: Int
    let distance: SignalDetectorConfiguration.Distance
    let aggregation: SignalDetectorConfiguration.Aggregation
    /// One reference per term (its `m` is that scale's window in blocks), built on the
    /// term's view of the reference series.
    let references: [DiscordReference]
    /// Per term, the view its windows are cut from.
    let views: [SignalView]
    /// Per term, the divisors of the z and raw distances (calibration medians).
    let norms: [SignalDetector.Norm]

    /// The terms of `views` × `windows`, view-major, each reference built on its view in
    /// `viewed`.
    init(
        mean: [Double], std: [Double], blockSize: Int, stride: Int,
        distance: SignalDetectorConfiguration.Distance, aggregation: SignalDetectorConfiguration.Aggregation,
        viewed: [SignalView: [[Double]]], views: [SignalView], windows: [Int], norms: [SignalDetector.Norm]
    ) {
        self.mean = mean
        self.std = std
        self.blockSize = blockSize
        self.stride = stride
        self.distance = distance
        self.aggregation = aggregation
        references = views.flatMap { v in windows.map { DiscordReference(series: viewed[v]!, m: $0) } }
        self.views = views.flatMap { v in windows.map { _ in v } }
        self.norms = norms
    }

    /// Whether some term needs the first difference.
    var usesDifference: Bool { views.contains(.difference) }

    /// The longest window, in blocks.
    var longestWindow: Int { references.map(\.m).max()! }

    /// A window's score in term `s`.
    func windowScore(_ d: (z: Double, raw: Double), term s: Int) -> Double {
        switch distance {
        case .znormalized: return d.z / norms[s].z
        case .raw: return d.raw / norms[s].raw
        case .both: return d.z / norms[s].z + d.raw / norms[s].raw
        }
    }
}
