import CLatentKernels

/// Walks query windows in order and gives each its distance to the nearest reference
/// window — the discord score of the matrix-profile literature (Yeh et al. 2016), here
/// as an AB-join against the anomaly-free training part.
///
/// With `q` a query window, `r_j` reference window j, both of length m, per channel:
/// ```
/// QT_j        = Σ_t q[t] · r_j[t]                                  (dot product)
/// ρ_j         = (QT_j / m − μ_q μ_j) / (σ_q σ_j)                   (Pearson correlation)
/// z-distance  = sqrt(2 (1 − max_j mean_c ρ_{j,c}))      ∈ [0, 2]   (z-normalised, per √(2m))
/// raw-distance = sqrt(min_j Σ_c (Σq² + Σr_j² − 2 QT_j) / (m C))    (RMS, training std units)
/// ```
/// A flat window (σ below ``DiscordReference/flatStd``) correlates 0 with anything but
/// another flat window (1).
///
/// `QT` for window k+1 follows from window k in O(1) per reference window (STOMP):
/// `QT'_j = QT_{j−1} − q[k]·r[j−1] + q[k+m]·r[j+m−1]`. Every ``refreshInterval``
/// windows (counted from the first window of the input) it is recomputed directly, which
/// bounds the rounding drift and lets whole-file scoring split the windows into
/// independent chunks that compute exactly what a sequential stream computes.
final class DiscordCursor: @unchecked Sendable {
    let reference: DiscordReference
    /// Per channel c, the dot products of the current window with every reference window,
    /// at `qt[c * count ..< (c + 1) * count]`.
    private var qt: UnsafeMutablePointer<Double>
    /// The one-channel step writes the next dot products here, then the two swap.
    private var spare: UnsafeMutablePointer<Double>
    /// The first value of the previous window per channel (leaves the window next step).
    private var previousFirst: [Double]
    /// The index of the last window, for checking that recurrence steps are consecutive.
    private var lastIndex = -1
    /// Scratch, per reference window: Σ_c ρ and Σ_c squared distance.
    private let correlationSum: UnsafeMutablePointer<Double>
    private let squaredDistance: UnsafeMutablePointer<Double>

    /// Windows between direct recomputations of the dot products.
    static let refreshInterval = 1024

    /// A cursor over `reference`. It is used by one thread at a time (a cursor per chunk).
    init(reference: DiscordReference) {
        self.reference = reference
        let count = reference.count
        // Raw buffers: the inner loops run once per reference window per query window, and
        // array accesses on a class's properties would pay an exclusivity check each time.
        qt = .allocate(capacity: count * reference.channels)
        qt.initialize(repeating: 0, count: count * reference.channels)
        spare = .allocate(capacity: count * reference.channels)
        spare.initialize(repeating: 0, count: count * reference.channels)
        correlationSum = .allocate(capacity: count)
        squaredDistance = .allocate(capacity: count)
        previousFirst = [Double](repeating: 0, count: reference.channels)
    }

    deinit {
        qt.deallocate()
        spare.deallocate()
        correlationSum.deallocate()
        squaredDistance.deallocate()
    }

    /// The distances of window `index`, whose channel `c` is `window[c][0..<m]`.
    ///
    /// Window `index` is computed directly when `stride > 1` or `index` is a multiple of
    /// ``refreshInterval``; otherwise by the recurrence, which needs the previous call to
    /// have been window `index − 1`.
    func next(
        _ window: [UnsafeBufferPointer<Double>], index: Int, stride: Int = 1
    )
        -> (z: Double, raw: Double)
    {
        let m = reference.m
        let count = reference.count
        let channels = reference.channels
        let direct = stride > 1 || index % Self.refreshInterval == 0
        precondition(direct || index == lastIndex + 1, "recurrence needs consecutive windows")
        lastIndex = index
        if channels == 1, !direct { return nextSingleChannel(window[0]) }
        let rho = correlationSum
        let d2 = squaredDistance
        rho.update(repeating: 0, count: count)
        d2.update(repeating: 0, count: count)
        var queryFlat = true
        let invM = 1 / Double(m)
        for c in 0..<channels {
            let q = window[c]
            let (mu, sd, ss) = WindowMoments.moments(q)
            let invQ = sd > DiscordReference.flatStd ? 1 / sd : 0
            if invQ != 0 { queryFlat = false }
            let qt = self.qt + c * count
            let leaving = previousFirst[c]
            let entering = q[m - 1]
            reference.series[c].withUnsafeBufferPointer { r in
                if direct {
                    latent_sliding_dots(q.baseAddress!, m, r.baseAddress!, count, qt)
                } else {
                    var j = count - 1
                    while j >= 1 {
                        qt[j] = qt[j - 1] - leaving * r[j - 1] + entering * r[j + m - 1]
                        j -= 1
                    }
                    var s = 0.0
                    for t in 0..<m { s += q[t] * r[t] }
                    qt[0] = s
                }
            }
            reference.mean[c].withUnsafeBufferPointer { muR in
                reference.inverseStd[c].withUnsafeBufferPointer { invR in
                    reference.sumOfSquares[c].withUnsafeBufferPointer { ssR in
                        for j in 0..<count {
                            rho[j] += (qt[j] * invM - mu * muR[j]) * invQ * invR[j]
                            d2[j] += ss + ssR[j] - 2 * qt[j]
                        }
                    }
                }
            }
            previousFirst[c] = q[0]
        }
        var best = -Double.infinity
        var nearest = Double.infinity
        for j in 0..<count {
            best = max(best, rho[j])
            nearest = min(nearest, d2[j])
        }
        var meanRho = best / Double(channels)
        if queryFlat { meanRho = reference.hasFlatWindow ? 1 : 0 }
        let z = (2 * max(0, 1 - meanRho)).squareRoot()
        let raw = (max(0, nearest) / Double(m * channels)).squareRoot()
        return (z, raw)
    }

    /// One channel, recurrence step: the same arithmetic as the general path, fused into
    /// one pass over the reference (the hot loop of long univariate signals; C, vectorised
    /// over reference windows, with the same bits).
    private func nextSingleChannel(_ q: UnsafeBufferPointer<Double>) -> (z: Double, raw: Double) {
        let m = reference.m
        let count = reference.count
        let (mu, sd, ss) = WindowMoments.moments(q)
        let invQ = sd > DiscordReference.flatStd ? 1 / sd : 0
        let leaving = previousFirst[0]
        previousFirst[0] = q[0]
        var best = 0.0
        var nearest = 0.0
        reference.series[0].withUnsafeBufferPointer { r in
            var first = 0.0
            for t in 0..<m { first += q[t] * r[t] }
            reference.mean[0].withUnsafeBufferPointer { muR in
                reference.inverseStd[0].withUnsafeBufferPointer { invR in
                    reference.sumOfSquares[0].withUnsafeBufferPointer { ssR in
                        latent_discord_step(
                            qt, spare, r.baseAddress!, muR.baseAddress!, invR.baseAddress!, ssR.baseAddress!,
                            count, m, leaving, q[m - 1], first, mu, invQ, 1 / Double(m), ss, &best, &nearest)
                    }
                }
            }
        }
        swap(&qt, &spare)
        var meanRho = best
        if invQ == 0 { meanRho = reference.hasFlatWindow ? 1 : 0 }
        return ((2 * max(0, 1 - meanRho)).squareRoot(), (max(0, nearest) / Double(m)).squareRoot())
    }
}
