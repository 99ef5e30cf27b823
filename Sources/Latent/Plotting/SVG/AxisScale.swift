import Foundation

/// How data values map to positions along an axis.
///
/// ```
/// linear: position ∝ v
/// log:    position ∝ log₁₀ v      (v ≤ 0 cannot be shown and is skipped)
/// ```
public enum AxisScale: Sendable {
    case linear
    case log

    /// The value in the axis's linear space, or `nil` if it cannot be drawn (NaN, ±∞, or
    /// non-positive on a log axis).
    func transform(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        switch self {
        case .linear: return v
        case .log: return v > 0 ? log10(v) : nil
        }
    }

    /// Inverse of `transform`.
    func inverse(_ t: Double) -> Double {
        switch self {
        case .linear: t
        case .log: pow(10, t)
        }
    }
}
