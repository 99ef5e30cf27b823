/// The normal windows a signal detector compares against: every window of length `m` of
/// the (scaled, block-averaged) training signal, with the statistics the distances need.
///
/// The windows are never copied out: a window is a start index into ``series``, and
/// ``DiscordCursor`` computes the dot products of a query window with all of them by a
/// sliding recurrence, so memory is O(rows), not O(rows × m).
struct DiscordReference: Sendable {
    /// The window length.
    let m: Int
    /// The number of channels.
    let channels: Int
    /// Channel-major reference series: `series[c][t]`.
    let series: [[Double]]
    /// Per channel and window: mean, 1/std (0 for a flat window), and Σ x².
    let mean: [[Double]], inverseStd: [[Double]], sumOfSquares: [[Double]]
    /// Whether any reference window is flat in every channel.
    let hasFlatWindow: Bool

    /// The number of reference windows.
    var count: Int { series[0].count - m + 1 }

    /// A window whose standard deviation is below this (in units of the training
    /// standard deviation, the signal being standardised) counts as flat.
    static let flatStd = 1e-6

    /// - Precondition: every channel holds at least `m` values.
    init(series: [[Double]], m: Int) {
        precondition(!series.isEmpty && series[0].count >= m && m >= 2)
        self.m = m
        self.channels = series.count
        self.series = series
        var mean: [[Double]] = []
        var inv: [[Double]] = []
        var squares: [[Double]] = []
        var flatEverywhere = [Bool](repeating: true, count: series[0].count - m + 1)
        for x in series {
            let s = WindowMoments(x, m: m)
            mean.append(s.mean)
            squares.append(s.sumOfSquares)
            inv.append(s.std.map { $0 > Self.flatStd ? 1 / $0 : 0 })
            for j in flatEverywhere.indices where s.std[j] > Self.flatStd { flatEverywhere[j] = false }
        }
        self.mean = mean
        self.inverseStd = inv
        self.sumOfSquares = squares
        self.hasFlatWindow = flatEverywhere.contains(true)
    }
}

/// Mean, standard deviation and Σ x² of every length-`m` window of a series, each summed
/// directly (not by running sums) so a window's moments do not depend on where the
/// series started: streaming and whole-file scoring agree bit for bit.
struct WindowMoments {
    var mean: [Double] = [], std: [Double] = [], sumOfSquares: [Double] = []

    init(_ x: [Double], m: Int) {
        let count = x.count - m + 1
        mean.reserveCapacity(count)
        std.reserveCapacity(count)
        sumOfSquares.reserveCapacity(count)
        x.withUnsafeBufferPointer { p in
            for j in 0..<count {
                let (mu, sd, ss) = Self.moments(UnsafeBufferPointer(rebasing: p[j..<(j + m)]))
                mean.append(mu)
                std.append(sd)
                sumOfSquares.append(ss)
            }
        }
    }

    /// The moments of one window: (mean, population std, Σ x²).
    static func moments(_ w: UnsafeBufferPointer<Double>) -> (Double, Double, Double) {
        var s = 0.0
        for v in w { s += v }
        let mu = s / Double(w.count)
        var v2 = 0.0
        var ss = 0.0
        for v in w {
            v2 += (v - mu) * (v - mu)
            ss += v * v
        }
        return (mu, (v2 / Double(w.count)).squareRoot(), ss)
    }
}
