import Foundation

/// The HTML pages a detector writes: `report.html` beside the model after fitting (what
/// was chosen, the loss curves, the score histogram and the threshold) and the
/// evaluation report (see ``DetectorEvaluation``).
enum DetectorReport {
    /// The fit report of `detector`, saved into `directory`.
    static func fit(
        _ detector: AnomalyDetector, manifest: DetectorManifest, directory: URL
    )
        -> HTMLReport
    {
        let plan = detector.plan
        let estimate = detector.falseAlarmEstimate
        var report = HTMLReport(
            title: "Anomaly detector",
            subtitle:
                "\(plan.modelSummary) · threshold \(detector.thresholdRule)"
                + (manifest.data.source.isEmpty ? "" : " · \(manifest.data.source)"))
        report.footer =
            "Written by Latent \(DetectorManifest.latentVersion) · detector format "
            + "\(DetectorManifest.currentFormatVersion) · \(manifest.created)"
        report.addParagraph(
            "The autoencoder learned to reconstruct the \(plan.trainingRows) normal training rows. "
                + "A row's score is its mean \(plan.loss == .mae ? "absolute" : "squared") "
                + "reconstruction error after min-max scaling; higher is more anomalous. The "
                + "threshold was set by the rule \(detector.thresholdRule) on the scores of "
                + "\(detector.calibration.count) normal rows held out from training and from the "
                + "choice of epoch (the calibration set), which also give each new score its p-value."
        )
        report.addMetrics(
            [
                ("threshold", .number(Double(detector.threshold))),
                ("rule", .text(detector.thresholdRule.description)),
                ("calibration rows", .integer(detector.calibration.count)),
                (
                    "expected false-alarm rate",
                    .text(String(format: "%.3f ± %.3f", estimate.expectedRate, estimate.spread))
                ),
                ("features", .integer(detector.schema.featureCount)),
                ("rows in the file", .integer(manifest.data.rows)),
                ("normal rows", .integer(manifest.data.normalRows)),
                ("rows with other labels", .integer(manifest.data.anomalousRows)),
            ], title: "Detector")
        report.addParagraph(
            "Expected false-alarm rate on new normal data: \(estimate.summary). The realised rate "
                + "of one fitted detector varies with its calibration set: over calibration sets "
                + "of \(estimate.calibrationSize) rows it follows Beta(k + 1, n − k), a spread of "
                + String(format: "±%.3f", estimate.spread)
                + " (one standard deviation). More calibration rows narrow it: about ±0.025 with "
                + "60 rows, ±0.01 with 400.")

        report.addSection("Training")
        let scaling: String
        switch (plan.scaler, plan.model) {
        case (.global, _): scaling = "min-max, global"
        case (.perFeature, .neighbours): scaling = "min-max, per feature, then standardised"
        case (.perFeature, _): scaling = "min-max, per feature"
        }
        var choices: [(String, MetricValue)] = [("model", .text(plan.modelSummary)), ("scaler", .text(scaling))]
        if plan.model == .neighbours {
            choices.append(
                (
                    "rows: remembered / calibration",
                    .text("\(plan.referenceRows ?? plan.trainingRows) / \(plan.calibrationRows)")
                ))
        } else {
            choices += [
                ("batch size", .integer(plan.batchSize)),
                ("steps per epoch", .integer(plan.stepsPerEpoch)),
                (
                    "rows: training / early stopping / calibration",
                    .text("\(plan.trainingRows) / \(plan.earlyStoppingRows) / \(plan.calibrationRows)")
                ),
                ("epochs run", .integer(plan.epochsRun)),
                ("minimum / maximum epochs", .text("\(plan.minimumEpochs) / \(plan.maximumEpochs)")),
                ("optimizer steps", .integer(plan.stepsRun)),
                ("best epoch (weights kept)", .integer(plan.bestEpoch)),
                ("stopped because", .text(plan.stopReason)),
            ]
        }
        choices.append(("seed", .integer(Int(plan.seed))))
        report.addMetrics(choices, title: "Choices")
        for note in plan.notes { report.addParagraph(note) }
        if let diagnostics = detector.diagnostics {
            if !diagnostics.history.losses.isEmpty {
                var plot = LinePlot(
                    title: "Loss (\(plan.loss))", xLabel: "epoch", yLabel: plan.loss.rawValue,
                    logY: true)
                plot.add("training rows", y: diagnostics.history.losses)
                plot.add("early-stopping rows", y: diagnostics.history.validationLosses)
                report.addFigure(
                    svg: plot.svg(),
                    caption:
                        "Loss per epoch; the weights of epoch \(plan.bestEpoch) (lowest early-stopping loss) were kept."
                )
            }

            report.addSection("Scores")
            report.addFigure(
                svg: histogram(
                    diagnostics, threshold: detector.threshold, rule: detector.thresholdRule),
                caption: "Score histograms (fraction of each group per bin) and the threshold.")
            if !diagnostics.anomalyScores.isEmpty,
                let roc = try? ROCCurve(
                    scores: diagnostics.calibrationScores + diagnostics.anomalyScores,
                    labels: [Bool](repeating: false, count: diagnostics.calibrationScores.count)
                        + [Bool](repeating: true, count: diagnostics.anomalyScores.count))
            {
                let caught = diagnostics.anomalyScores.filter { $0 > detector.threshold }.count
                report.addMetrics(
                    [
                        ("AUROC (calibration rows vs other labels)", .number(roc.auc)),
                        (
                            "rows with other labels flagged",
                            .percent(Double(caught) / Double(diagnostics.anomalyScores.count))
                        ),
                    ], title: "Rows with other labels (never trained on)")
            }
        }
        let rules = detector.ruleThresholds.keys.sorted().map { key -> (String, MetricValue) in
            let t = detector.ruleThresholds[key]!
            let e = FalseAlarmEstimate(
                threshold: t, calibrationScores: detector.calibration.sortedScores)
            return (
                key,
                .text(String(format: "%.5g  (expected false-alarm rate %.3f)", t, e.expectedRate))
            )
        }
        report.addMetrics(rules, title: "Thresholds of other rules on the same calibration scores")

        report.addSection("Files")
        report.addPreformatted(
            [
                manifest.files.model, manifest.files.calibration, manifest.files.history,
                manifest.files.report,
                AnomalyDetector.manifestFileName,
            ].compactMap { $0 }.joined(separator: "\n"),
            title: directory.path)
        switch detector.scorer {
        case .autoencoder(let network):
            report.addPreformatted(
                network.model.summary(inputShape: network.modelInputShape), title: "Model")
        case .neighbours(let reference):
            report.addPreformatted(
                "nearest neighbours: the mean distance to the \(reference.k) nearest of "
                    + "\(reference.count) remembered training rows × \(reference.featureCount) features",
                title: "Model")
        }
        return report
    }

    /// Histograms of training, calibration and anomalous scores with the threshold line.
    static func histogram(
        _ diagnostics: FitDiagnostics, threshold: Float, rule: ThresholdRule
    )
        -> String
    {
        var plot = Histogram(
            title: "Scores", xLabel: "score", binCount: 50, normalization: .fraction)
        plot.add("training rows", values: diagnostics.trainingScores)
        plot.add("calibration rows (held out)", values: diagnostics.calibrationScores)
        if !diagnostics.anomalyScores.isEmpty {
            plot.add("rows with other labels", values: diagnostics.anomalyScores)
        }
        plot.addThreshold(Double(threshold), label: "threshold (\(rule))")
        return plot.svg()
    }
}
