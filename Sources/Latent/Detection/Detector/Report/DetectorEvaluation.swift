import Foundation

/// How well a detector separates labelled normal and anomalous rows, at every threshold
/// (AUROC, average precision) and at its own (the confusion matrix, anomaly = positive).
///
/// ```swift
/// let evaluation = try DetectorEvaluation(detector, rows: test.features, isNormal: isNormal)
/// evaluation.auroc               // area under the ROC curve (nil with one class)
/// evaluation.confusion.recall    // share of anomalies flagged at the saved threshold
/// try evaluation.write(to: URL(fileURLWithPath: "evaluation"), source: "test.csv")
/// ```
///
/// ### See Also
/// - ``ROCCurve``, ``PrecisionRecallCurve``, ``ConfusionMatrix``
public struct DetectorEvaluation {
    /// The detector evaluated.
    public let detector: AnomalyDetector
    /// The rows' scores.
    public let scores: [Float]
    /// `true` where a row is labelled anomalous (not the normal label).
    public let isAnomaly: [Bool]
    /// Counts at the detector's threshold, anomaly = positive.
    public let confusion: ConfusionMatrix
    /// The ROC curve, when both classes are present.
    public let roc: ROCCurve?
    /// The precision–recall curve, when both classes are present.
    public let precisionRecall: PrecisionRecallCurve?
    /// For each row, whether it is one of the normal rows the detector was fitted on
    /// (trained, stopped or calibrated on; see ``RowFingerprints``). All `false` for a
    /// detector without fingerprints.
    public let wasFittedOn: [Bool]
    /// The rows, scaled, with their reconstructions (for image grids).
    let scaled: Tensor
    let reconstruction: Tensor

    /// Scores `rows` and compares with the labels.
    /// - Throws: ``DetectorError/schemaMismatch(source:message:)`` for the wrong width,
    ///   ``DetectionError`` when the counts differ.
    public init(
        _ detector: AnomalyDetector, rows: Tensor, isNormal: [Bool], source: String = "the data"
    )
        throws
    {
        self.detector = detector
        scaled = try detector.prepare(rows, source: source)
        let result = detector.scorer.errors(scaled, loss: detector.plan.loss, keepFeatures: true)
        scores = result.scores
        reconstruction = result.reconstruction ?? scaled
        isAnomaly = isNormal.map { !$0 }
        wasFittedOn =
            detector.fingerprints?.contains(rowsOf: rows)
            ?? [Bool](repeating: false, count: isNormal.count)
        confusion = try ConfusionMatrix(
            scores: scores, labels: isAnomaly, threshold: detector.threshold)
        let bothClasses = isAnomaly.contains(true) && isAnomaly.contains(false)
        roc = bothClasses ? try ROCCurve(scores: scores, labels: isAnomaly) : nil
        precisionRecall =
            bothClasses ? try PrecisionRecallCurve(scores: scores, labels: isAnomaly) : nil
    }

    /// Area under the ROC curve, `nil` when only one class is present.
    public var auroc: Double? { roc?.auc }
    /// Average precision (anomaly = positive), `nil` when only one class is present.
    public var averagePrecision: Double? { precisionRecall?.averagePrecision }

    /// How many rows the detector was fitted on (all of them normal rows at fit time).
    public var fittedOnCount: Int { wasFittedOn.filter { $0 }.count }

    /// The normal rows the detector never saw: where a false-positive rate checks the
    /// guarantee.
    public var unseenNormalCount: Int {
        isAnomaly.indices.filter { !isAnomaly[$0] && !wasFittedOn[$0] }.count
    }

    /// The share of unseen normal rows above the threshold; `nil` when there are none.
    public var unseenFalsePositiveRate: Double? {
        let unseen = isAnomaly.indices.filter { !isAnomaly[$0] && !wasFittedOn[$0] }
        guard !unseen.isEmpty else { return nil }
        let flagged = unseen.filter { scores[$0] > detector.threshold }.count
        return Double(flagged) / Double(unseen.count)
    }

    /// `metrics.json`: `auroc`, `average_precision`, `accuracy`, `precision`, `recall`,
    /// `f1`, `confusion_matrix`, `false_positive_rate` (on the normal rows),
    /// `false_positive_rate_unseen` (on the normal rows the detector was not fitted on),
    /// `rows_fitted_on`, `unseen_normal_rows`, and the threshold, rule, counts and expected
    /// false-alarm rate. Undefined values are `null`.
    public var metrics: JSONValue {
        let c = confusion
        let expected = detector.falseAlarmEstimate
        var m: [String: JSONValue] = [:]
        m["auroc"] = auroc.map { JSONValue($0) } ?? .null
        m["average_precision"] = averagePrecision.map { JSONValue($0) } ?? .null
        m["accuracy"] = JSONValue(c.accuracy)
        m["precision"] = JSONValue(c.precision)
        m["recall"] = JSONValue(c.recall)
        m["f1"] = JSONValue(c.f1)
        m["confusion_matrix"] = .object([
            "true_positives": JSONValue(c.truePositives),
            "false_positives": JSONValue(c.falsePositives),
            "true_negatives": JSONValue(c.trueNegatives),
            "false_negatives": JSONValue(c.falseNegatives),
            "positive_class": .string("anomaly"),
        ])
        m["false_positive_rate"] = JSONValue(c.falsePositiveRate)
        m["rows_fitted_on"] = JSONValue(fittedOnCount)
        m["false_positive_rate_unseen"] = unseenFalsePositiveRate.map { JSONValue($0) } ?? .null
        m["unseen_normal_rows"] = JSONValue(unseenNormalCount)
        m["expected_false_positive_rate"] = JSONValue(expected.expectedRate)
        m["expected_false_positive_rate_spread"] = JSONValue(expected.spread)
        m["threshold"] = JSONValue(detector.threshold)
        m["rule"] = .string(detector.thresholdRule.description)
        m["calibration_size"] = JSONValue(detector.calibration.count)
        m["rows"] = JSONValue(scores.count)
        m["normal_rows"] = JSONValue(isAnomaly.filter { !$0 }.count)
        m["anomalous_rows"] = JSONValue(isAnomaly.filter { $0 }.count)
        return .object(m)
    }

    /// Writes `metrics.json`, `scores.csv`, the figures (`roc.svg`, `precision-recall.svg`,
    /// `score-histogram.svg`, and `examples.png` for images) and `report.html` into a
    /// directory, atomically. An existing directory is replaced only if it is empty or
    /// holds a `metrics.json` (an earlier evaluation).
    public func write(to url: URL, source: String) throws {
        try AnomalyDetector.checkReplaceable(url, marker: "metrics.json", what: "an evaluation directory")
        try AtomicFile.writeDirectory(at: url) { dir in
            var report = DetectorReport.evaluation(self, source: source)
            try AtomicFile.write(
                try metrics.encodedPretty(), to: dir.appendingPathComponent("metrics.json"))
            var csv = "index,score,label,anomaly\n"
            for i in scores.indices {
                csv +=
                    "\(i),\(scores[i]),\(isAnomaly[i] ? "anomaly" : "normal"),\(scores[i] > detector.threshold)\n"
            }
            try AtomicFile.write(csv, to: dir.appendingPathComponent("scores.csv"))
            for (name, svg, caption) in figures() {
                try AtomicFile.write(svg, to: dir.appendingPathComponent("\(name).svg"))
                report.addFigure(svg: svg, caption: caption, width: .half)
            }
            if let (grid, errorRange) = exampleGrid() {
                let png = grid.pngData()
                try AtomicFile.write(png, to: dir.appendingPathComponent("examples.png"))
                report.addSection("Examples")
                report.addFigure(
                    png: png,
                    caption: "Top to bottom: inputs, reconstructions, per-pixel error (magma, one "
                        + "shared scale); left half normal rows, right half anomalous rows.")
                report.addFigure(
                    svg: HeatMap.colorBarSVG(range: errorRange, label: "per-pixel error |x − x̂| (bottom row)"),
                    caption: "The error row's colour scale.")
            }
            try AtomicFile.write(report.html(), to: dir.appendingPathComponent("report.html"))
        }
    }

    /// The SVG figures with their file names and captions.
    func figures() -> [(String, String, String)] {
        var result: [(String, String, String)] = []
        let c = confusion
        if let roc {
            var plot = ROCPlot(title: "ROC (anomaly = positive)")
            plot.add(
                String(format: "detector (AUC %.3f)", roc.auc),
                falsePositiveRate: roc.falsePositiveRates, truePositiveRate: roc.truePositiveRates)
            plot.addOperatingPoint(
                falsePositiveRate: c.falsePositiveRate, truePositiveRate: c.recall,
                label: "threshold (\(detector.thresholdRule))")
            result.append(("roc", plot.svg(), "ROC curve; the point marks the saved threshold."))
        }
        if let pr = precisionRecall {
            var plot = PrecisionRecallPlot(title: "Precision–recall (anomaly = positive)")
            plot.add(
                String(format: "detector (AP %.3f)", pr.averagePrecision), recall: pr.recalls,
                precision: pr.precisions)
            plot.addBaseline(
                positiveFraction: Double(pr.recalls.isEmpty ? 0 : isAnomaly.filter { $0 }.count)
                    / Double(isAnomaly.count))
            if c.truePositives + c.falsePositives > 0 {
                plot.addOperatingPoint(recall: c.recall, precision: c.precision, label: "threshold")
            }
            result.append(
                (
                    "precision-recall", plot.svg(),
                    "Precision against recall; dashed: a random detector."
                ))
        }
        var histogram = Histogram(
            title: "Scores by label", xLabel: "score", binCount: 50, normalization: .fraction)
        histogram.add("normal rows", values: zip(scores, isAnomaly).filter { !$0.1 }.map(\.0))
        if isAnomaly.contains(true) {
            histogram.add("anomalous rows", values: zip(scores, isAnomaly).filter { $0.1 }.map(\.0))
        }
        histogram.addThreshold(Double(detector.threshold), label: "threshold")
        result.append(
            (
                "score-histogram", histogram.svg(),
                "Scores of normal and anomalous rows (fraction per bin) and the threshold."
            ))
        return result
    }

    /// For images: inputs, reconstructions and error heat maps of up to 8 normal and 8
    /// anomalous rows.
    func exampleGrid() -> (image: PNGImage, errorRange: ClosedRange<Float>)? {
        guard detector.schema.isImage else { return nil }
        let shape = detector.schema.exampleShape
        let (h, w, channels) = (shape[0], shape[1], shape[2])
        let d = h * w * channels
        let picked =
            Array(isAnomaly.indices.filter { !isAnomaly[$0] }.prefix(8))
            + Array(isAnomaly.indices.filter { isAnomaly[$0] }.prefix(8))
        guard !picked.isEmpty else { return nil }
        let x = scaled.scalars
        let xHat = reconstruction.scalars
        func gray(_ values: ArraySlice<Float>) -> [Float] {
            let v = Array(values)
            return (0..<(h * w)).map { p in
                (0..<channels).reduce(Float(0)) { $0 + v[p * channels + $1] } / Float(channels)
            }
        }
        let inputs = picked.map { gray(x[($0 * d)..<(($0 + 1) * d)]) }
        let outputs = picked.map { gray(xHat[($0 * d)..<(($0 + 1) * d)]) }
        let errors = zip(inputs, outputs).map { a, b in zip(a, b).map { Swift.abs($0 - $1) } }
        let top = max(errors.flatMap { $0 }.max() ?? 1, 1e-6)
        let tiles =
            inputs.map { PNGImage(grayscale: $0.map { min(max($0, 0), 1) }, width: w, height: h) }
            + outputs.map {
                PNGImage(grayscale: $0.map { min(max($0, 0), 1) }, width: w, height: h)
            }
            + errors.map { HeatMap.image(values: $0, width: w, height: h, range: 0...top) }
        let grid = ImageGrid.compose(
            tiles: tiles, columns: picked.count, padding: 2, scale: max(1, 84 / max(h, w)))
        return (grid, 0...top)
    }
}
