import Foundation

extension AnomalyDetector {
    /// The same detector with its threshold re-set by `rule` from the stored calibration
    /// scores, without retraining: the weights, scaler and calibration set are shared, and
    /// ``ruleThresholds`` gains the new rule's value.
    ///
    /// ```swift
    /// let strict = try detector.rethresholded(.falsePositiveRate(0.01))
    /// let flags = try strict.predict(rows)
    /// ```
    ///
    /// - Throws: ``DetectorError/insufficientData(_:)`` when the rule gives no finite
    ///   threshold on this calibration set (e.g. `fpr:0.001` on 200 scores), or for
    ///   `youden` when no anomaly scores were stored at fit time.
    public func rethresholded(_ rule: ThresholdRule) throws -> AnomalyDetector {
        try rule.validate()
        if rule.needsLabels && anomalyScores.isEmpty {
            throw DetectorError.insufficientData(
                "the youden rule needs the scores of rows labelled anomalous, and this detector "
                    + "stored none (fit it with --label-column and --normal-label on data that "
                    + "holds anomalies); choose another rule")
        }
        let value = try Self.calibrate(
            rule, normal: calibration.sortedScores, anomalies: anomalyScores)
        var configuration = self.configuration
        configuration.threshold = rule
        var thresholds = ruleThresholds
        thresholds[rule.description] = value
        return AnomalyDetector(
            configuration: configuration, schema: schema, scaler: scaler, threshold: value,
            calibration: calibration, plan: plan, ruleThresholds: thresholds,
            anomalyScores: anomalyScores, diagnostics: diagnostics, network: network)
    }

    /// Re-sets the rule of the detector directory at `url` from its stored calibration
    /// scores and rewrites the directory atomically (a reader sees the old directory or the
    /// new one, never a mix). The model, calibration scores and loss history are kept;
    /// `detector.json` records the new rule, its value, every rule computed so far and the
    /// rule it replaced; `report.html` is regenerated (without the loss curves, which need
    /// the training run).
    ///
    /// - Returns: the re-thresholded detector and the manifest written.
    /// - Throws: what ``load(from:)`` and ``rethresholded(_:)`` throw; file-system errors.
    @discardableResult
    public static func rethreshold(at url: URL, rule: ThresholdRule) throws
        -> (detector: AnomalyDetector, manifest: DetectorManifest)
    {
        let old = try load(from: url)
        let oldManifest = try readManifest(url.appendingPathComponent(manifestFileName))
        let detector = try old.rethresholded(rule)
        var manifest = oldManifest
        manifest.threshold = .init(rule: rule, value: detector.threshold)
        manifest.ruleThresholds = detector.ruleThresholds
        manifest.configuration = detector.configuration
        manifest.calibration.falseAlarmRate = detector.falseAlarmEstimate
        manifest.rethresholded = .init(
            date: ISO8601DateFormatter().string(from: Date()),
            previousRule: oldManifest.threshold.rule, previousValue: oldManifest.threshold.value)
        try AtomicFile.writeDirectory(at: url) { dir in
            try ModelFile.save(
                detector.model, inputShape: detector.network.modelInputShape,
                metadata: [
                    "detector": .string(DetectorManifest.formatName),
                    "threshold": JSONValue(detector.threshold),
                    "rule": .string(rule.description),
                ],
                to: dir.appendingPathComponent(manifest.files.model))
            let calibrationFile = CalibrationFile(
                count: detector.calibration.count, scores: detector.calibration.sortedScores,
                anomalyScores: detector.anomalyScores.isEmpty ? nil : detector.anomalyScores)
            try AtomicFile.write(
                try DetectorManifest.encoder().encode(calibrationFile),
                to: dir.appendingPathComponent(manifest.files.calibration))
            if let history = manifest.files.history {
                let source = url.appendingPathComponent(history)
                if FileManager.default.fileExists(atPath: source.path) {
                    try FileManager.default.copyItem(
                        at: source, to: dir.appendingPathComponent(history))
                } else {
                    manifest.files.history = nil
                }
            }
            try AtomicFile.write(
                try DetectorManifest.encoder().encode(manifest),
                to: dir.appendingPathComponent(manifestFileName))
            let report = DetectorReport.fit(detector, manifest: manifest, directory: url)
            try AtomicFile.write(
                report.html(), to: dir.appendingPathComponent(manifest.files.report))
        }
        return (detector, manifest)
    }
}
