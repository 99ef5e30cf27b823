import Foundation

@testable import Latent

/// Synthetic signals for the signal-detector tests: a noisy periodic waveform with one
/// distorted stretch.
enum SignalTestData {
    /// `rows` samples of a two-harmonic wave with the given period and seeded noise; rows
    /// in `anomaly` get a doubled frequency (a shape change at the same level).
    static func wave(
        rows: Int, period: Int, anomaly: Range<Int>? = nil, noise: Double = 0.05, seed: UInt64 = 1
    ) -> [Float] {
        var random = DetectionTestRandom(seed: seed)
        return (0..<rows).map { t in
            var phase = 2 * Double.pi * Double(t) / Double(period)
            if let anomaly, anomaly.contains(t) { phase *= 2 }
            let clean = sin(phase) + 0.4 * sin(2 * phase + 0.3)
            return Float(clean + noise * (random.uniform() * 2 - 1))
        }
    }
}
