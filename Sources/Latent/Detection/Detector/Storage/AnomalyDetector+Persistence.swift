import Foundation

extension AnomalyDetector {
    /// The manifest's file name inside a detector directory.
    public static let manifestFileName = "detector.json"

    /// The manifest describing this detector (as ``save(to:source:)`` writes it).
    public func manifest(source: String = "") -> DetectorManifest {
        let formatter = ISO8601DateFormatter()
        return DetectorManifest(
            format: DetectorManifest.formatName,
            formatVersion: DetectorManifest.currentFormatVersion,
            latentVersion: DetectorManifest.latentVersion, created: formatter.string(from: Date()),
            files: .init(
                model: scorer.reference == nil ? "model.json" : "neighbours.npy", calibration: "calibration.json",
                report: "report.html", history: diagnostics == nil ? nil : "history.csv",
                fingerprints: fingerprints == nil ? nil : "fingerprints.bin"),
            schema: schema, scaler: scaler,
            threshold: .init(rule: thresholdRule, value: threshold), ruleThresholds: ruleThresholds,
            calibration: .init(size: calibration.count, falseAlarmRate: falseAlarmEstimate),
            configuration: configuration, training: plan,
            data: .init(
                source: source, rows: diagnostics?.rows ?? 0,
                normalRows: diagnostics?.normalRows ?? 0,
                anomalousRows: diagnostics?.anomalousRows ?? 0),
            neighbourSpace: scorer.reference.map { .init(center: $0.center, spread: $0.spread) })
    }

    /// The false-alarm rate to expect on new normal data at ``threshold``.
    public var falseAlarmEstimate: FalseAlarmEstimate {
        FalseAlarmEstimate(threshold: threshold, calibrationScores: calibration.sortedScores)
    }

    /// Writes the detector directory atomically: a reader (or a crash) sees the old
    /// directory or the complete new one, never a half-written one.
    ///
    /// - Parameters:
    ///   - url: the directory; replaced if it exists.
    ///   - source: the training data's name, recorded in the manifest and report.
    /// - Throws: ``DetectorError/unusableDirectory(file:problem:)`` when `url` exists and is
    ///   neither empty nor a detector directory (it is never replaced then); file-system
    ///   errors naming the path.
    public func save(to url: URL, source: String = "") throws {
        try Self.checkReplaceable(url, marker: Self.manifestFileName, what: "a detector directory")
        let manifest = manifest(source: source)
        try AtomicFile.writeDirectory(at: url) { dir in
            switch scorer {
            case .autoencoder(let network):
                try ModelFile.save(
                    network.model, inputShape: network.modelInputShape,
                    metadata: [
                        "detector": .string(DetectorManifest.formatName),
                        "threshold": JSONValue(threshold), "rule": .string(thresholdRule.description),
                    ],
                    to: dir.appendingPathComponent(manifest.files.model))
            case .neighbours(let reference):
                try NPYFile.write(
                    Tensor(shape: [reference.count, reference.featureCount], scalars: reference.rows),
                    to: dir.appendingPathComponent(manifest.files.model))
            }
            let calibrationFile = CalibrationFile(
                count: calibration.count, scores: calibration.sortedScores,
                anomalyScores: anomalyScores.isEmpty ? nil : anomalyScores)
            try AtomicFile.write(
                try DetectorManifest.encoder().encode(calibrationFile),
                to: dir.appendingPathComponent(manifest.files.calibration))
            if let name = manifest.files.fingerprints, let fingerprints {
                try AtomicFile.write(fingerprints.data, to: dir.appendingPathComponent(name))
            }
            if let history = manifest.files.history, let diagnostics {
                try AtomicFile.write(
                    diagnostics.history.csv(), to: dir.appendingPathComponent(history))
            }
            try AtomicFile.write(
                try DetectorManifest.encoder().encode(manifest),
                to: dir.appendingPathComponent(Self.manifestFileName))
            let report = DetectorReport.fit(self, manifest: manifest, directory: url)
            try AtomicFile.write(
                report.html(), to: dir.appendingPathComponent(manifest.files.report))
        }
    }

    /// Throws unless `url` is absent, an empty directory, or a directory holding `marker`
    /// (one this code wrote): a mistyped `--out ~/` must not replace someone's files.
    static func checkReplaceable(_ url: URL, marker: String, what: String) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return }
        let contents = isDirectory.boolValue ? (try? fm.contentsOfDirectory(atPath: url.path)) ?? [] : ["?"]
        guard contents.isEmpty || contents.contains(marker) else {
            throw DetectorError.unusableDirectory(
                file: url.path,
                problem: "it exists and is not \(what) (it has no \(marker)); it was left untouched. "
                    + "Choose a new directory, or remove this one first")
        }
    }

    /// Loads a detector directory written by ``save(to:source:)``, checking every file.
    ///
    /// - Throws: ``DetectorError/unusableDirectory(file:problem:)`` naming the file at
    ///   fault: a missing directory or file, a manifest that is not JSON or not a
    ///   detector's, a format version newer than this build reads, a file name that
    ///   leaves the directory (`../x`), a model whose input or kind disagrees with the
    ///   schema, a scaler or calibration set of the wrong size, a non-finite threshold.
    public static func load(from url: URL) throws -> AnomalyDetector {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw DetectorError.unusableDirectory(
                file: url.path,
                problem: "no such directory; give a directory written by `latent detector fit`")
        }
        let manifestURL = url.appendingPathComponent(manifestFileName)
        let manifest = try readManifest(manifestURL)
        func fail(_ problem: String, _ file: URL = manifestURL) -> DetectorError {
            .unusableDirectory(file: file.path, problem: problem)
        }
        func member(_ name: String, _ role: String) throws -> URL {
            guard !name.isEmpty, !name.contains("/"), !name.contains("\\"), name != ".",
                name != ".."
            else {
                throw fail(
                    "its \(role) file '\(name)' is outside the detector directory; "
                        + "only plain file names inside it are allowed")
            }
            let file = url.appendingPathComponent(name)
            guard fm.fileExists(atPath: file.path) else {
                throw fail(
                    "the \(role) file is missing (named by \(manifestFileName)); fit the detector again",
                    file)
            }
            return file
        }

        let modelURL = try member(manifest.files.model, "model")
        let calibrationURL = try member(manifest.files.calibration, "calibration")
        let schema = manifest.schema
        // The shape is untrusted: multiply with overflow checks (featureCount would trap).
        var (d, overflow) = (1, false)
        for size in schema.exampleShape where !overflow {
            (d, overflow) = d.multipliedReportingOverflow(by: size)
        }
        guard !overflow, d > 0, schema.exampleShape.allSatisfy({ $0 > 0 }) else {
            throw fail("its schema has an invalid example shape \(schema.exampleShape)")
        }
        if let names = schema.featureNames, names.count != d {
            throw fail(
                "its schema names \(names.count) features but the example shape \(schema.exampleShape) has \(d)"
            )
        }
        let scaler = manifest.scaler
        let scalerWidth = scaler.mode == .global ? 1 : d
        guard scaler.minimum.count == scalerWidth, scaler.maximum.count == scalerWidth,
            (scaler.minimum + scaler.maximum).allSatisfy(\.isFinite)
        else {
            throw fail(
                "its \(scaler.mode) scaler has \(scaler.minimum.count) ranges for \(d) features (or non-finite ones)"
            )
        }
        guard manifest.threshold.value.isFinite else {
            throw fail("its threshold is \(manifest.threshold.value); it must be a finite number")
        }

        let scorer: DetectorScorer
        if manifest.training.model == .neighbours {
            scorer = .neighbours(try loadReference(modelURL, manifest: manifest, features: d, manifestURL: manifestURL))
        } else {
            scorer = .autoencoder(try loadNetwork(modelURL, manifest: manifest, manifestURL: manifestURL))
        }

        let calibrationFile: CalibrationFile
        do {
            calibrationFile = try DetectorManifest.decoder().decode(
                CalibrationFile.self, from: try Data(contentsOf: calibrationURL))
        } catch {
            throw fail(
                "it is not a calibration score file (\(describeDecodingError(error)))",
                calibrationURL)
        }
        guard calibrationFile.count == calibrationFile.scores.count,
            calibrationFile.count == manifest.calibration.size, calibrationFile.count > 0
        else {
            throw fail(
                "it holds \(calibrationFile.scores.count) scores but \(manifestFileName) records "
                    + "\(manifest.calibration.size) calibration rows", calibrationURL)
        }
        guard calibrationFile.scores.allSatisfy(\.isFinite) else {
            throw fail("it holds a score that is not a finite number", calibrationURL)
        }
        let calibration = try ConformalCalibration(scores: calibrationFile.scores)
        let detector = AnomalyDetector(
            configuration: manifest.configuration, schema: schema, scaler: scaler,
            threshold: manifest.threshold.value, calibration: calibration, plan: manifest.training,
            ruleThresholds: manifest.ruleThresholds,
            anomalyScores: (calibrationFile.anomalyScores ?? []).filter(\.isFinite),
            diagnostics: nil, scorer: scorer)
        // Only a warning depends on them: a missing or damaged file is no reason to refuse.
        if let name = manifest.files.fingerprints, !name.contains("/"),
            let data = try? Data(contentsOf: url.appendingPathComponent(name))
        {
            detector.fingerprints = RowFingerprints(data: data)
        }
        return detector
    }

    /// The autoencoder of a detector directory, checked against its manifest.
    private static func loadNetwork(
        _ modelURL: URL, manifest: DetectorManifest, manifestURL: URL
    ) throws -> DetectorNetwork {
        func fail(_ problem: String, _ file: URL? = nil) -> DetectorError {
            .unusableDirectory(file: (file ?? manifestURL).path, problem: problem)
        }
        let schema = manifest.schema
        let loaded: (model: any Model, description: ModelFile.Description)
        do {
            loaded = try ModelFile.load(from: modelURL)
        } catch let error as ModelFileError {
            throw DetectorError.unusableDirectory(file: error.file, problem: error.problem)
        } catch {
            // A SafeTensorsError is a sentence of its own; the detector's message adds the stop.
            var text = "\(error)"
            while text.hasSuffix(".") { text.removeLast() }
            throw fail(text, modelURL)
        }
        let network = DetectorNetwork.wrap(
            loaded.model, kind: manifest.training.model,
            exampleShape: schema.exampleShape)
        guard loaded.description.inputShape == network.modelInputShape else {
            throw fail(
                "its schema's examples need model inputs of shape \(network.modelInputShape) "
                    + "but \(modelURL.lastPathComponent) takes \(loaded.description.inputShape)")
        }
        let kindMatches: Bool
        switch manifest.training.model {
        case .vae: kindMatches = loaded.model is VariationalAutoencoder
        case .dense, .conv: kindMatches = loaded.model is Autoencoder
        case .neighbours: kindMatches = false
        }
        guard kindMatches else {
            throw fail(
                "the model is not the \(manifest.training.model) autoencoder that \(manifestFileName) names",
                modelURL)
        }

        return network
    }

    /// The remembered rows of a `neighbours` detector, checked against its manifest.
    private static func loadReference(
        _ url: URL, manifest: DetectorManifest, features d: Int, manifestURL: URL
    ) throws -> NeighbourReference {
        func fail(_ problem: String, _ file: URL) -> DetectorError {
            .unusableDirectory(file: file.path, problem: problem)
        }
        guard let space = manifest.neighbourSpace else {
            throw fail(
                "it names a neighbours model but has no `neighbour_space` (centre and spread per feature)",
                manifestURL)
        }
        guard space.center.count == d, space.spread.count == d,
            space.center.allSatisfy(\.isFinite), space.spread.allSatisfy({ $0 > 0 && $0.isFinite })
        else {
            throw fail(
                "its `neighbour_space` has \(space.center.count) centres and \(space.spread.count) spreads "
                    + "for \(d) features (or non-finite or non-positive ones)",
                manifestURL)
        }
        let array: NPYArray
        do { array = try NPYFile.read(from: url) } catch { throw fail("\(error)", url) }
        guard array.shape.count == 2, array.shape[1] == d, array.shape[0] >= 1 else {
            throw fail(
                "it holds an array of shape \(array.shape), not the [rows, \(d)] remembered rows", url)
        }
        let rows = array.floats()
        guard rows.allSatisfy(\.isFinite) else { throw fail("it holds a value that is not a finite number", url) }
        return NeighbourReference(
            rows: rows, count: array.shape[0], center: space.center, spread: space.spread,
            k: manifest.training.neighbours ?? NeighbourReference.defaultCount)
    }

    /// Reads and checks `detector.json`: present, JSON, a detector's, a version this
    /// build reads.
    static func readManifest(_ url: URL) throws -> DetectorManifest {
        func fail(_ problem: String) -> DetectorError {
            .unusableDirectory(file: url.path, problem: problem)
        }
        guard FileManager.default.fileExists(atPath: url.path) else {
            if let lesson = lessonName(in: url.deletingLastPathComponent()) {
                throw DetectorError.unusableDirectory(
                    file: url.deletingLastPathComponent().path,
                    problem: "it is the output of the lesson \(lesson), not a detector: lessons "
                        + "write figures, metrics.json and a report, but no detector.json. Fit a "
                        + "detector with `latent detector fit --data FILE --label-column N "
                        + "--normal-label VALUE --out DIR`; for the ECG lesson's data, "
                        + "`latent datasets fetch ecg5000`, then `latent detector fit --data "
                        + "DATA_DIR/ecg5000/ecg.csv --label-column last --normal-label 1 --out ecg-detector`")
            }
            throw fail(
                "the file is missing; is \(url.deletingLastPathComponent().path) a directory written by `latent detector fit`?"
            )
        }
        let data = try Data(contentsOf: url)
        guard data.count <= 256 << 20 else { throw fail("the manifest is larger than 256 MB") }
        // Check format and version first, so a newer layout gets the version message
        // rather than a complaint about a field this build does not know.
        struct Header: Decodable {
            var format: String?
            var formatVersion: Int?
            var latentVersion: String?
        }
        guard let header = try? DetectorManifest.decoder().decode(Header.self, from: data) else {
            throw fail("it is not valid JSON")
        }
        guard header.format == DetectorManifest.formatName else {
            throw fail(
                "its format is '\(header.format ?? "missing")', not '\(DetectorManifest.formatName)'"
            )
        }
        guard let version = header.formatVersion, version >= 1,
            version <= DetectorManifest.currentFormatVersion
        else {
            throw fail(
                "it has detector format version \(header.formatVersion.map(String.init) ?? "missing") "
                    + "(written by Latent \(header.latentVersion ?? "unknown")); this build "
                    + "(Latent \(DetectorManifest.latentVersion)) reads version "
                    + "\(DetectorManifest.currentFormatVersion). Upgrade Latent or fit the detector again"
            )
        }
        do {
            return try DetectorManifest.decoder().decode(DetectorManifest.self, from: data)
        } catch {
            throw fail("it is not a valid detector manifest (\(describeDecodingError(error)))")
        }
    }
}

extension AnomalyDetector {
    /// The lesson whose run directory `directory` is (its `metrics.json` names it), if any.
    static func lessonName(in directory: URL) -> String? {
        let url = directory.appendingPathComponent("metrics.json")
        guard let data = try? Data(contentsOf: url), data.count < 1 << 20,
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let lesson = object["lesson"] as? String
        else { return nil }
        return lesson
    }
}

/// `calibration.json`: the sorted held-out normal scores.
struct CalibrationFile: Codable {
    var count: Int
    var scores: [Float]
    /// The scores of the rows labelled anomalous at fit time (for `youden`), if any.
    var anomalyScores: [Float]? = nil
}
