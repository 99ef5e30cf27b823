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
                    + "stored none (fit it with `isNormal` false for the anomalies of data that "
                    + "holds some); choose another rule")
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
            anomalyScores: anomalyScores, diagnostics: diagnostics, scorer: scorer)
    }

    /// Re-sets the rule of the detector directory at `url` from its stored calibration
    /// scores by rewriting `detector.json` in one atomic rename (a concurrent reader sees the
    /// old rule or the new one, never a mix or a missing file). The model, calibration scores
    /// and loss history are untouched (`model.json`'s metadata keeps the rule it was fitted
    /// with); `detector.json` records the new rule, its value, every rule computed so far and
    /// the rule it replaced; `report.html` is regenerated afterwards (without the loss
    /// curves, which need the training run).
    ///
    /// - Returns: the re-thresholded detector and the manifest written.
    /// - Throws: what ``load(from:)`` and ``rethresholded(_:)`` throw; file-system errors.
    @discardableResult
    public static func rethreshold(
        at url: URL, rule: ThresholdRule
    ) throws
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
        // Only the manifest changes: model.json (which checksums the weights), the weights
        // and calibration.json stay byte for byte, and nothing references the manifest. So
        // one atomic rename of detector.json is the whole update: a `score` starting at any
        // moment reads the old manifest or the new one, always beside the same files. (The
        // directory swap used before left an instant with no directory at `url`.)
        if let history = manifest.files.history,
            !FileManager.default.fileExists(atPath: url.appendingPathComponent(history).path)
        {
            manifest.files.history = nil
        }
        try AtomicFile.write(
            try DetectorManifest.encoder().encode(manifest),
            to: url.appendingPathComponent(manifestFileName))
        // The report is for people and nothing loads it; it follows in its own rename.
        let report = DetectorReport.fit(detector, manifest: manifest, directory: url)
        try AtomicFile.write(report.html(), to: url.appendingPathComponent(manifest.files.report))
        return (detector, manifest)
    }
}
