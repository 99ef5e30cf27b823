/// What a signal detector's windows are cut from. Each view gets its own references at
/// every scale, its own calibration divisors, and adds its terms to a block's score.
public enum SignalView: String, Codable, Sendable, CaseIterable {
    /// The scaled, block-averaged signal itself.
    case level
    /// Its first difference, `d[k] = b[k] − b[k−1]` (`d[0] = 0`): the slope. A shape
    /// anomaly that bends a curve without moving it much — a smoothed, sharpened or
    /// time-warped beat, a single spike — stands out more in the slope than in the level
    /// (docs/signals.md has the measurements).
    case difference

    /// Each of `views` (once) of a channel-major block series.
    static func viewed(_ series: [[Double]], _ views: [SignalView]) -> [SignalView: [[Double]]] {
        var out: [SignalView: [[Double]]] = [:]
        for v in views where out[v] == nil { out[v] = v.apply(series) }
        return out
    }

    /// The view of a channel-major block series (a difference starts at 0).
    func apply(_ series: [[Double]]) -> [[Double]] {
        switch self {
        case .level:
            return series
        case .difference:
            return series.map { x in
                var d = [Double](repeating: 0, count: x.count)
                for k in x.indices.dropFirst() { d[k] = x[k] - x[k - 1] }
                return d
            }
        }
    }
}
