/// Rescales features to [0, 1] with the minimum and maximum seen in training data.
///
/// ```text
/// x' = (x − min) / (max − min)        per feature, or with one global min and max
/// x' = (x − min) · c                  for a constant feature (max = min): c = constantScale, 1 if unset
/// ```
///
/// Fit on training data only, then transform training, validation and test data with the
/// same scaler; values outside the training range map outside [0, 1] unless ``clips``.
/// A feature is everything after the first axis: for `[n, 140]` there are 140, for
/// `[n, 28, 28]` images 784 (per pixel). The scaler is `Codable`, so it can be saved as
/// JSON beside a model:
///
/// ```swift
/// let scaler = MinMaxScaler(fitting: train.features)
/// let x = scaler.transform(test.features)
/// try JSONEncoder().encode(scaler)
/// ```
public struct MinMaxScaler: Codable, Equatable, Sendable {
    /// Whether each feature gets its own range or all share one.
    public enum Mode: String, Codable, Sendable, CaseIterable {
        /// One min and max per feature (column): the usual choice for tabular data.
        case perFeature
        /// One min and max over all values: keeps relative scale, as for pixel intensities.
        case global
    }

    /// The mode the scaler was fitted in.
    public var mode: Mode
    /// The minimum of each feature (one value in `.global` mode).
    public var minimum: [Float]
    /// The maximum of each feature (one value in `.global` mode).
    public var maximum: [Float]
    /// Whether ``transform(_:)`` clips its output to [0, 1].
    public var clips: Bool
    /// The factor for features constant in the fitted data (`nil`: 1). A large one makes
    /// any value such a feature never took in training stand out, as a z-score with
    /// `std + ε` does (PyOD's AutoEncoder divides by `std + 1e-8`).
    public var constantScale: Float?

    /// Learns the range of `data` (`[n, …]`, n ≥ 1, finite values).
    public init(fitting data: Tensor, mode: Mode = .perFeature, clips: Bool = false) {
        precondition(
            data.rank >= 1 && data.shape[0] > 0,
            "MinMaxScaler needs at least one example to fit, not shape \(data.shape).")
        let features = data.count / data.shape[0]
        let width = mode == .global ? 1 : features
        var low = [Float](repeating: .infinity, count: width)
        var high = [Float](repeating: -.infinity, count: width)
        data.withUnsafeBufferPointer { x in
            for row in 0..<data.shape[0] {
                for j in 0..<features {
                    let v = x[row * features + j]
                    let k = mode == .global ? 0 : j
                    low[k] = min(low[k], v)
                    high[k] = max(high[k], v)
                }
            }
        }
        self.init(mode: mode, minimum: low, maximum: high, clips: clips)
    }

    /// A scaler with known ranges.
    public init(mode: Mode, minimum: [Float], maximum: [Float], clips: Bool = false) {
        precondition(minimum.count == maximum.count, "MinMaxScaler needs as many minima as maxima.")
        self.mode = mode
        self.minimum = minimum
        self.maximum = maximum
        self.clips = clips
    }

    /// `1 / (max − min)`, or ``constantScale`` (1 if unset) where the feature was constant.
    private var scale: [Float] {
        let constant = constantScale ?? 1
        return zip(minimum, maximum).map { low, high in high > low ? 1 / (high - low) : constant }
    }

    /// Maps `data` (`[n, …]` with the fitted feature count) into the training range.
    public func transform(_ data: Tensor) -> Tensor {
        let clips = self.clips
        return apply(
            data, offsets: minimum.map { -$0 }, factors: scale, afterwards: clips ? (0, 1) : nil)
    }

    /// Undoes ``transform(_:)`` (exactly, up to rounding, for unclipped values).
    public func inverseTransform(_ data: Tensor) -> Tensor {
        // x = y / s + min = (y + min·s) / s
        let scale = self.scale
        return apply(
            data, offsets: zip(minimum, scale).map { $0 * $1 }, factors: scale.map { 1 / $0 },
            afterwards: nil)
    }

    /// `(x + offset) · factor` per feature, optionally clipped.
    private func apply(
        _ data: Tensor, offsets: [Float], factors: [Float], afterwards clip: (Float, Float)?
    ) -> Tensor {
        let features = data.shape.dropFirst().reduce(1, *)
        precondition(
            data.rank >= 1 && (mode == .global || features == minimum.count),
            "MinMaxScaler was fitted on \(minimum.count) features but got shape \(data.shape).")
        let offsets = mode == .global ? [Float](repeating: offsets[0], count: features) : offsets
        let factors = mode == .global ? [Float](repeating: factors[0], count: features) : factors
        return data.withUnsafeBufferPointer { x in
            Tensor(shape: data.shape) { out in
                offsets.withUnsafeBufferPointer { o in
                    factors.withUnsafeBufferPointer { f in
                        for row in 0..<data.shape[0] {
                            let base = row * features
                            for j in 0..<features { out[base + j] = (x[base + j] + o[j]) * f[j] }
                            if let (low, high) = clip {
                                for j in 0..<features {
                                    out[base + j] = min(max(out[base + j], low), high)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
