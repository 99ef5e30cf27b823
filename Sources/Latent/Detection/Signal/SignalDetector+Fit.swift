import Foundation

extension SignalDetector {
    /// Fits a detector on an anomaly-free training signal.
    ///
    /// Steps: per-channel scaling from `training` (see
    /// ``channelScales(_:std:rule:)``); the base window (the configured one or
    /// ``PeriodEstimate``); the block size; the reference (the last
    /// ``SignalDetectorConfiguration/referenceBlocks`` training blocks). The last
    /// ``SignalDetectorConfiguration/calibrationFraction`` of the reference (at least two
    /// longest windows) is held out: its windows are scored against the rest, and those
    /// scores give each scale's divisor (their median, see ``divisor(_:)``) and the
    /// calibration scores behind p-values and the threshold. Scoring then compares against
    /// the whole reference, so calibration scores are, if anything, larger than new normal
    /// scores: p-values err on the conservative side.
    ///
    /// - Throws: ``DetectorError/invalidConfiguration(_:)``, or
    ///   ``DetectorError/insufficientData(_:)`` when the training part is too short for
    ///   the window.
    public static func fit(
        _ training: Signal, configuration: SignalDetectorConfiguration = .init()
    ) throws -> SignalDetector {
        try configuration.validate()
        let n = training.rows
        let estimated: PeriodEstimate
        if let w = configuration.window {
            estimated = PeriodEstimate(period: w, autocorrelation: 0, method: "given by --window")
        } else {
            estimated = PeriodEstimate(training)
        }
        var period = estimated
        // The longest window must fit about three times in the training part (a reference
        // head, a calibration tail of two windows): cap the estimated period accordingly.
        let largest = configuration.scales.max()!
        let cap = Int(Double(n) / (3 * largest + 0.5))
        if configuration.window == nil, period.period > cap {
            period.method += "; capped at \(cap) = training rows / (3 × largest scale + 0.5) from \(period.period)"
            period.period = max(4, cap)
        }
        let window = period.period
        let f =
            configuration.blockSize
            ?? blockSize(
                trainingRows: n, window: window, referenceBlocks: configuration.referenceBlocks)
        let windows = configuration.scales.map { max(4, Int((Double(window) * $0 / Double(f)).rounded())) }
        let longest = windows.max()!
        let moments = training.values.withUnsafeBufferPointer {
            ColumnMoments(rowMajor: $0, rows: n, columns: training.channels)
        }
        let mean = moments.mean
        let plainStd = moments.standardDeviation.map { $0 > 0 ? $0 : 1 }
        let std = channelScales(
            training, std: plainStd, rule: configuration.channelScaling)
        let (allBlocks, _) = blocks(of: training, mean: mean, std: std, blockSize: f)
        let fullBlocks = n / f
        let referenceCount = min(fullBlocks, configuration.referenceBlocks)
        let tail = max(
            Int((Double(referenceCount) * configuration.calibrationFraction).rounded(.up)),
            2 * longest)
        let head = referenceCount - tail
        guard head >= longest + 1, tail >= longest else {
            let needed = (3 * longest + 1) * f
            throw DetectorError.insufficientData(
                "the training part has \(n) rows, but windows of \(longest * f) rows (base window \(window), scales \(configuration.scales)) need at least \(needed): give more --train-rows or a smaller --window"
            )
        }
        let reference = allBlocks.map { Array($0[(fullBlocks - referenceCount)..<fullBlocks]) }

        // One term per view and scale. A view is taken of the whole reference, then cut,
        // so the tail's first difference is the real one.
        let viewed = SignalView.viewed(reference, configuration.views)
        func cut(_ range: Range<Int>) -> [SignalView: [[Double]]] {
            viewed.mapValues { $0.map { Array($0[range]) } }
        }

        // Calibration: tail windows against the head, first raw distances for the norms.
        func model(
            _ viewed: [SignalView: [[Double]]], _ norms: [Norm], _ distance: SignalDetectorConfiguration.Distance
        ) -> SignalScoringModel {
            SignalScoringModel(
                mean: mean, std: std, blockSize: f, stride: configuration.stride,
                distance: distance, aggregation: configuration.aggregation,
                viewed: viewed, views: configuration.views, windows: windows, norms: norms)
        }
        let (headViews, tailViews) = (cut(0..<head), cut(head..<referenceCount))
        let terms = configuration.views.count * windows.count
        let probe = model(headViews, Array(repeating: Norm(z: 1, raw: 1), count: terms), .both)
        let norms = probe.references.indices.map { s -> Norm in
            let d = windowDistances(
                tailViews[probe.views[s]]!, reference: probe.references[s], stride: configuration.stride)
            return Norm(z: divisor(d.map(\.z)), raw: divisor(d.map(\.raw)))
        }
        let calibrationModel = model(headViews, norms, configuration.distance)
        let calibrationScores = blockScores(viewed: tailViews, model: calibrationModel).map { Float($0) }
        let calibration = try ConformalCalibration(scores: calibrationScores)
        let threshold = try configuration.threshold.threshold(calibrationScores: calibrationScores)
        return SignalDetector(
            configuration: configuration, channelNames: training.names, period: period,
            window: window, trainingRows: n, calibration: calibration, threshold: threshold,
            model: model(viewed, norms, configuration.distance), reference: reference)
    }

    /// A scale's divisor: the median calibration distance, or the mean when the median is
    /// an exact match (0 up to rounding). Repeated stretches — a flat line — can make over
    /// half the held-out windows match the head exactly, and a divisor near 0 would let that
    /// scale swamp the others.
    static func divisor(_ x: [Double]) -> Double {
        let exact = 1e-6
        let m = median(x)
        if m >= exact || x.isEmpty { return max(m, 1e-9) }
        return max(x.reduce(0, +) / Double(x.count), 1e-9)
    }

    static func median(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return 1 }
        let s = x.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
