/// The settings of a ``SignalDetector``: how windows are cut from a long signal and how a
/// window's distance becomes a per-row score.
public struct SignalDetectorConfiguration: Codable, Sendable, Equatable {
    /// Which distance between a window and its nearest training window.
    public enum Distance: String, Codable, Sendable, CaseIterable {
        /// z-normalised Euclidean: shape only (each window standardised on its own).
        case znormalized
        /// Euclidean on the globally scaled signal: shape and level.
        case raw
        /// The sum of both, each divided by its calibration median.
        case both
    }

    /// How a row's score is made from the windows that cover it.
    public enum Aggregation: String, Codable, Sendable, CaseIterable {
        /// The mean distance of the covering windows.
        case mean
        /// The largest distance of the covering windows.
        case max
    }

    /// How each channel is scaled before windows are compared.
    public enum ChannelScaling: String, Codable, Sendable, CaseIterable {
        /// By its training standard deviation.
        case std
        /// By its training standard deviation times its persistence relative to the other
        /// channels, so slowly wandering channels do not outweigh fast ones (no effect on
        /// one channel). See ``SignalDetector/channelScales(_:std:rule:)``.
        case persistence
    }

    /// The base window length in rows; `nil` uses the estimated period.
    public var window: Int?
    /// The step between scored windows, in blocks (1: every window).
    public var stride = 1
    /// Window lengths as multiples of the base window (multi-scale ensemble). The quarter
    /// window sharpens where short anomalies peak; `docs/signals.md` has the measurements.
    public var scales: [Double] = [0.25, 0.5, 1, 2]
    /// What windows are cut from: the level, its first difference, or both (each at every
    /// scale, summed). Detectors saved before this setting used `[.level]`.
    public var views: [SignalView] = [.level, .difference]
    /// The window distance.
    public var distance: Distance = .both
    /// How channels are scaled (detectors saved before this setting used `.std`).
    public var channelScaling: ChannelScaling = .persistence
    /// The per-row rule.
    public var aggregation: Aggregation = .mean
    /// Rows averaged into one block before windowing; `nil` chooses it (see
    /// ``SignalDetector/blockSize(trainingRows:window:referenceBlocks:)``).
    public var blockSize: Int?
    /// The most training blocks kept as the reference (the last ones).
    public var referenceBlocks = 8_000
    /// The share of the reference whose windows calibrate p-values and the threshold.
    public var calibrationFraction = 0.2
    /// The threshold rule over per-row calibration scores.
    public var threshold: ThresholdRule = .falsePositiveRate(0.01)

    /// The default configuration.
    public init() {}

    /// - Throws: ``DetectorError/invalidConfiguration(_:)`` naming the flag at fault.
    public func validate() throws {
        func fail(_ m: String) -> DetectorError { .invalidConfiguration(m) }
        if let window, window < 4 { throw fail("--window must be at least 4 rows, not \(window)") }
        if stride < 1 { throw fail("--stride must be at least 1, not \(stride)") }
        if let blockSize, blockSize < 1 {
            throw fail("--block-size must be at least 1, not \(blockSize)")
        }
        if scales.isEmpty || scales.contains(where: { !($0 > 0 && $0 <= 16) }) {
            throw fail("--scales must be positive numbers up to 16, not \(scales)")
        }
        if views.isEmpty || Set(views).count != views.count {
            throw fail("--views must name level, difference or both, once each, not \(views.map(\.rawValue))")
        }
        if referenceBlocks < 64 {
            throw fail("the reference needs at least 64 blocks, not \(referenceBlocks)")
        }
        if !(calibrationFraction > 0 && calibrationFraction < 1) {
            throw fail("the calibration fraction must be in (0, 1), not \(calibrationFraction)")
        }
        try threshold.validate()
    }
}

extension SignalDetectorConfiguration {
    /// Decodes a saved configuration. Detectors saved before ``channelScaling`` or
    /// ``views`` existed lack the key; they scaled channels by their standard deviation
    /// and cut windows from the level only.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        window = try c.decodeIfPresent(Int.self, forKey: .window)
        stride = try c.decode(Int.self, forKey: .stride)
        scales = try c.decode([Double].self, forKey: .scales)
        views = try c.decodeIfPresent([SignalView].self, forKey: .views) ?? [.level]
        distance = try c.decode(Distance.self, forKey: .distance)
        channelScaling = try c.decodeIfPresent(ChannelScaling.self, forKey: .channelScaling) ?? .std
        aggregation = try c.decode(Aggregation.self, forKey: .aggregation)
        blockSize = try c.decodeIfPresent(Int.self, forKey: .blockSize)
        referenceBlocks = try c.decode(Int.self, forKey: .referenceBlocks)
        calibrationFraction = try c.decode(Double.self, forKey: .calibrationFraction)
        threshold = try c.decode(ThresholdRule.self, forKey: .threshold)
    }
}
