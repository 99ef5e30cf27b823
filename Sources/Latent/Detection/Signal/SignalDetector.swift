import Foundation

/// A detector for one long signal: it learns the normal shapes of an anomaly-free stretch
/// and gives every later time step a score, so it can say **when** the signal went wrong.
///
/// A window's score is its distance to the nearest training window (the matrix-profile
/// discord, as an AB-join against the training part), at several window lengths around
/// the signal's period; a row's score combines the windows that cover it (see
/// ``SignalScoringStream``). Long signals are first averaged in blocks of
/// ``blockSize`` rows, so the cost is bounded (see ``blockSize(trainingRows:window:referenceBlocks:)``).
/// `docs/signals.md` records why this model and not a window autoencoder.
///
/// ```swift
/// let train = try Signal.read(url).signal.rows(0..<10_000)
/// let detector = try SignalDetector.fit(train)
/// let scores = detector.score(test)          // one per row of `test`
/// ```
public struct SignalDetector: Sendable {
    /// The divisors that put a scale's z and raw distances on a common footing.
    public struct Norm: Codable, Sendable, Equatable {
        public var z: Double
        public var raw: Double
    }

    /// The settings it was fitted with.
    public let configuration: SignalDetectorConfiguration
    /// Channel names of the training signal.
    public let channelNames: [String]
    /// How the base window was chosen.
    public let period: PeriodEstimate
    /// The base window in rows.
    public let window: Int
    /// The windows in blocks, one per scale (every view uses the same ones).
    public var windows: [Int] { model.references.prefix(configuration.scales.count).map(\.m) }
    /// Rows averaged into one block.
    public var blockSize: Int { model.blockSize }
    /// Rows of the training part.
    public let trainingRows: Int
    /// Per-block scores of the calibration windows, for p-values and thresholds.
    public let calibration: ConformalCalibration
    /// The current threshold on a row's score.
    public let threshold: Float
    let model: SignalScoringModel
    /// The reference series (scaled blocks, channel-major).
    let reference: [[Double]]

    /// A new stream that scores rows one at a time.
    public func stream() -> SignalScoringStream { SignalScoringStream(model: model) }

    /// Scores every row of `signal` (the same numbers the stream gives, computed in
    /// parallel chunks of windows).
    /// - Precondition: `signal.channels` matches the training signal.
    public func score(_ signal: Signal) -> [Float] {
        precondition(signal.channels == channelNames.count)
        return Self.scoreAll(signal, model: model)
    }

    /// The conformal p-value of a row score among the calibration scores.
    public func pValue(_ score: Float) -> Double { calibration.pValue(score) }

    /// The block size chosen when none is given:
    /// ```
    /// f = max(1, min(⌈trainingRows / referenceBlocks⌉, ⌊window / 16⌋))
    /// ```
    /// It keeps the reference within `referenceBlocks` blocks — the cost per scored row
    /// is proportional to the reference — but never shrinks the base window below 16
    /// blocks, where a shape could no longer be seen. When the second bound wins, the
    /// reference is the last `referenceBlocks` blocks of the training part.
    public static func blockSize(trainingRows: Int, window: Int, referenceBlocks: Int) -> Int {
        let bound = (trainingRows + referenceBlocks - 1) / referenceBlocks
        return max(1, min(bound, window / 16))
    }
}
