extension DetectorReport {
    /// The evaluation page: metrics at every threshold and at the saved one; the figures
    /// are added by ``DetectorEvaluation/write(to:source:)``.
    static func evaluation(_ e: DetectorEvaluation, source: String) -> HTMLReport {
        let d = e.detector
        let c = e.confusion
        let expected = d.falseAlarmEstimate
        var report = HTMLReport(
            title: "Detector evaluation",
            subtitle: "\(source) · \(d.plan.modelSummary) · threshold \(d.thresholdRule)")
        report.footer = "Written by Latent \(DetectorManifest.latentVersion)"
        let normals = e.isAnomaly.filter { !$0 }.count
        report.addParagraph(
            "\(e.scores.count) rows: \(normals) with the normal label and \(e.scores.count - normals) "
                + "with other labels (anomalies, the positive class). A row is flagged when its score "
                + "is above the saved threshold \(String(format: "%.5g", d.threshold)) (rule \(d.thresholdRule))."
        )
        if e.fittedOnCount > 0 {
            report.addWarning(
                "\(e.fittedOnCount) of the \(normals) normal rows were used to fit this detector (to "
                    + "train it, stop it or calibrate its threshold): their scores are optimistic, and "
                    + "the false-positive rate on them says nothing about new data. The rate on the "
                    + "\(e.unseenNormalCount) normal rows it never saw is shown apart; evaluate on a "
                    + "held-out file to measure the detector.")
        }
        var rows: [(String, MetricValue)] = []
        if let auroc = e.auroc { rows.append(("AUROC", .number(auroc))) }
        if let ap = e.averagePrecision { rows.append(("average precision", .number(ap))) }
        rows += [
            ("accuracy", .number(c.accuracy)), ("precision", .number(c.precision)),
            ("recall", .number(c.recall)), ("F1", .number(c.f1)),
            ("false-positive rate (normal rows)", .number(c.falsePositiveRate)),
        ]
        if e.fittedOnCount > 0 {
            rows.append(
                (
                    "false-positive rate (normal rows not fitted on)",
                    e.unseenFalsePositiveRate.map { .number($0) } ?? .text("undefined (none)")
                ))
        }
        rows += [
            (
                "expected false-positive rate",
                .text(String(format: "%.3f ± %.3f", expected.expectedRate, expected.spread))
            ),
            ("calibration rows", .integer(d.calibration.count)),
        ]
        report.addMetrics(rows, title: "Metrics")
        if e.roc == nil {
            report.addParagraph(
                "Only one class is present, so AUROC and average precision are undefined (null in metrics.json)."
            )
        }
        report.addMetrics(
            [
                ("true positives (anomalies flagged)", .integer(c.truePositives)),
                ("false positives (normal rows flagged)", .integer(c.falsePositives)),
                ("true negatives", .integer(c.trueNegatives)),
                ("false negatives (anomalies missed)", .integer(c.falseNegatives)),
            ], title: "Confusion matrix at the threshold")
        report.addSection("Figures")
        return report
    }
}
