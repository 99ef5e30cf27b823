/// The dominant period of a signal, estimated from its autocorrelation; the default
/// window length of a signal detector.
///
/// ```
/// r(k) = Σ_c Σ_t (x_c[t] − x̄_c)(x_c[t+k] − x̄_c) / Σ_c Σ_t (x_c[t] − x̄_c)²
/// period = argmax_{k ∈ [z, K]} r(k),  z = the first lag where r(k) < 0 (at least minimumLag)
/// ```
///
/// Skipping the lags before the first zero crossing skips the trivial peak at k = 0.
/// When r never turns negative (a trend, no rhythm), or its highest peak is below
/// ``minimumAutocorrelation`` (noise, or a rhythm too irregular to repeat), there is no
/// period and the window falls back to ``fallbackWindow``. Only the last
/// ``maximumRows`` rows are used, so the cost is bounded on a long training part.
public struct PeriodEstimate: Codable, Sendable, Equatable {
    /// The estimated period in rows, or the fallback window.
    public var period: Int
    /// The autocorrelation at `period` (0 for the fallback).
    public var autocorrelation: Double
    /// How it was found, in words, for the output and `detector.json`.
    public var method: String

    /// The smallest lag considered.
    public static let minimumLag = 4
    /// The largest lag considered (also bounded by a third of the rows).
    public static let maximumLag = 2000
    /// The rows used at most (the last ones).
    public static let maximumRows = 50_000
    /// The window when no period is found.
    public static let fallbackWindow = 100
    /// The weakest autocorrelation peak taken as a period. Measured on the development
    /// series (docs/signals.md): peaks below it were noise-level (SKAB, 0.08–0.17) or
    /// irregular rhythms whose "period" of up to 1,600 rows solved fewer UCR series than
    /// the fallback window.
    public static let minimumAutocorrelation = 0.2

    /// Estimates the period of `signal`.
    public init(_ signal: Signal) {
        let n = min(signal.rows, Self.maximumRows)
        let start = signal.rows - n
        let maxLag = min(Self.maximumLag, n / 3)
        var r = [Double](repeating: 0, count: maxLag + 1)
        if maxLag > Self.minimumLag {
            for c in 0..<signal.channels {
                var x = (0..<n).map { Double(signal.values[(start + $0) * signal.channels + c]) }
                let mean = x.reduce(0, +) / Double(n)
                for i in x.indices { x[i] -= mean }
                x.withUnsafeBufferPointer { p in
                    for k in 0...maxLag {
                        var s = 0.0
                        for t in 0..<(n - k) { s += p[t] * p[t + k] }
                        r[k] += s
                    }
                }
            }
        }
        guard maxLag > Self.minimumLag, r[0] > 0,
            let zero = (1...maxLag).first(where: { r[$0] < 0 })
        else {
            self.init(
                period: min(Self.fallbackWindow, max(2, signal.rows / 4)), autocorrelation: 0,
                method: "no period found in the autocorrelation of the last \(n) training rows; fallback window")
            return
        }
        let from = max(zero, Self.minimumLag)
        guard from < maxLag else {
            self.init(
                period: min(Self.fallbackWindow, max(2, signal.rows / 4)), autocorrelation: 0,
                method:
                    "the autocorrelation of the last \(n) training rows crosses zero only after lag \(maxLag); fallback window"
            )
            return
        }
        let best = (from...maxLag).max { r[$0] < r[$1] }!
        guard r[best] / r[0] >= Self.minimumAutocorrelation else {
            self.init(
                period: min(Self.fallbackWindow, max(2, signal.rows / 4)), autocorrelation: 0,
                method: String(
                    format:
                        "the highest autocorrelation peak of the last %d training rows (lag %d, r = %.2f) is below %.2f: no clear period; fallback window",
                    n, best, r[best] / r[0], Self.minimumAutocorrelation))
            return
        }
        self.init(
            period: best, autocorrelation: r[best] / r[0],
            method:
                "highest autocorrelation peak after its first zero crossing (lags \(from)–\(maxLag), last \(n) training rows)"
        )
    }

    /// A period given directly.
    public init(period: Int, autocorrelation: Double, method: String) {
        self.period = period
        self.autocorrelation = autocorrelation
        self.method = method
    }
}
