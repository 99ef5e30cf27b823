import Foundation

extension SignalDetector {
    /// The manifest's `format` value, telling a signal detector directory from a table one.
    public static let formatName = "latent-signal-detector"

    /// What `detector.json` holds: everything but the reference and calibration scores.
    public struct Manifest: Codable, Sendable {
        public var format: String
        public var formatVersion: Int
        public var created: String
        public var source: String
        public var configuration: SignalDetectorConfiguration
        public var channels: [String]
        /// The base window, and how it was estimated.
        public var period: PeriodEstimate
        public var window: Int
        public var blockSize: Int
        /// The windows per scale, in blocks and in rows.
        public var windowBlocks: [Int]
        public var windowRows: [Int]
        public var trainingRows: Int
        public var referenceBlocks: Int
        public var scalerMean: [Double]
        public var scalerStd: [Double]
        /// Per term (each view of ``SignalDetectorConfiguration/views`` at each window,
        /// view-major), the divisors of the z and raw distances.
        public var norms: [Norm]
        public var threshold: Float
        public var calibrationSize: Int
        /// How to read p-values when windows overlap (see docs/signals.md).
        public var pValueNote: String
    }

    /// The reference and calibration file.
    struct State: Codable {
        var reference: [[Double]]
        var calibration: [Float]
    }

    static let pValueNote =
        "p-values compare a row's score with the scores of held-out training blocks; they are valid one row at a time (a normal row of exchangeable data gets p <= alpha with probability <= alpha), but neighbouring rows share windows, so their p-values are strongly dependent: the expected share of flagged normal rows is at most alpha, the number of alarms in a stretch is not controlled"

    /// Writes the directory atomically: `detector.json` and `reference.json`.
    /// - Throws: ``DetectorError/unusableDirectory(file:problem:)`` when `url` exists and is
    ///   neither empty nor a detector directory.
    public func save(to url: URL, source: String = "") throws {
        try AnomalyDetector.checkReplaceable(
            url, marker: AnomalyDetector.manifestFileName, what: "a detector directory")
        let manifest = Manifest(
            format: Self.formatName, formatVersion: 1,
            created: ISO8601DateFormatter().string(from: Date()), source: source,
            configuration: configuration, channels: channelNames, period: period, window: window,
            blockSize: blockSize, windowBlocks: windows, windowRows: windows.map { $0 * blockSize },
            trainingRows: trainingRows, referenceBlocks: reference[0].count,
            scalerMean: model.mean, scalerStd: model.std, norms: model.norms,
            threshold: threshold, calibrationSize: calibration.count, pValueNote: Self.pValueNote)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let state = State(reference: reference, calibration: calibration.sortedScores)
        try AtomicFile.writeDirectory(at: url) { dir in
            try AtomicFile.write(
                try encoder.encode(manifest),
                to: dir.appendingPathComponent(AnomalyDetector.manifestFileName))
            try AtomicFile.write(
                try JSONEncoder().encode(state), to: dir.appendingPathComponent("reference.json"))
        }
    }

    /// Whether `url` holds a signal detector (its manifest says so).
    public static func isSignalDetector(at url: URL) -> Bool {
        let file = url.appendingPathComponent(AnomalyDetector.manifestFileName)
        guard let data = try? Data(contentsOf: file),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return false }
        return object["format"] as? String == formatName
    }

    /// Loads a directory written by ``save(to:source:)``.
    /// - Throws: ``DetectorError/unusableDirectory(file:problem:)`` naming the file at fault.
    public static func load(from url: URL) throws -> (SignalDetector, Manifest) {
        func read<T: Decodable>(_ name: String, _ type: T.Type) throws -> T {
            let file = url.appendingPathComponent(name)
            do {
                return try JSONDecoder().decode(type, from: Data(contentsOf: file))
            } catch {
                throw DetectorError.unusableDirectory(
                    file: file.path,
                    problem:
                        "it cannot be read (\(error is DecodingError ? describeDecodingError(error) : error.localizedDescription))"
                )
            }
        }
        let manifest = try read(AnomalyDetector.manifestFileName, Manifest.self)
        let state = try read("reference.json", State.self)
        let file = url.appendingPathComponent("reference.json").path
        let manifestFile = url.appendingPathComponent(AnomalyDetector.manifestFileName).path
        let channels = manifest.channels.count
        func positive(_ x: [Double]) -> Bool { x.allSatisfy { $0.isFinite && $0 > 0 } }
        guard manifest.format == formatName, manifest.formatVersion == 1, channels >= 1,
            (try? manifest.configuration.validate()) != nil,
            manifest.blockSize >= 1, manifest.blockSize <= 1 << 24,
            manifest.scalerMean.count == channels, manifest.scalerMean.allSatisfy(\.isFinite),
            manifest.scalerStd.count == channels, positive(manifest.scalerStd),
            manifest.configuration.scales.count == manifest.windowBlocks.count,
            manifest.windowBlocks.count * manifest.configuration.views.count == manifest.norms.count,
            positive(manifest.norms.flatMap { [$0.z, $0.raw] }), manifest.threshold.isFinite
        else {
            throw DetectorError.unusableDirectory(
                file: manifestFile,
                problem:
                    "its fields do not agree (format, channels, scaling, block size, windows, views, divisors or threshold)"
            )
        }
        guard state.reference.count == channels,
            state.reference.allSatisfy({ $0.count == state.reference[0].count && $0.allSatisfy(\.isFinite) }),
            manifest.windowBlocks.allSatisfy({ $0 >= 2 && $0 <= state.reference[0].count })
        else {
            throw DetectorError.unusableDirectory(
                file: file, problem: "it does not match detector.json (channels, windows or format)")
        }
        let model = SignalScoringModel(
            mean: manifest.scalerMean, std: manifest.scalerStd, blockSize: manifest.blockSize,
            stride: manifest.configuration.stride, distance: manifest.configuration.distance,
            aggregation: manifest.configuration.aggregation,
            viewed: SignalView.viewed(state.reference, manifest.configuration.views),
            views: manifest.configuration.views, windows: manifest.windowBlocks, norms: manifest.norms)
        let detector = SignalDetector(
            configuration: manifest.configuration, channelNames: manifest.channels,
            period: manifest.period, window: manifest.window, trainingRows: manifest.trainingRows,
            calibration: try ConformalCalibration(scores: state.calibration),
            threshold: manifest.threshold, model: model, reference: state.reference)
        return (detector, manifest)
    }
}
