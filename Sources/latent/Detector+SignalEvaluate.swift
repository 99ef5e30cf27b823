import ArgumentParser
import Foundation
import Latent

/// `detector evaluate` on a signal detector: where the anomaly is.
struct SignalEvaluateOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Signal detectors: the labelled anomaly as 1-based inclusive rows BEGIN-END (the UCR file names' convention), instead of a label column.",
            valueName: "BEGIN-END"))
    var anomalyRows: String?

    func span(rows: Int) throws -> ClosedRange<Int>? {
        guard let anomalyRows else { return nil }
        let parts = anomalyRows.split(separator: "-").map { Int($0) }
        guard parts.count == 2, let b = parts[0], let e = parts[1], b >= 1, e >= b, e <= rows else {
            throw ValidationError(
                "--anomaly-rows must be BEGIN-END with 1 <= BEGIN <= END <= \(rows) (the rows of the file), not '\(anomalyRows)'."
            )
        }
        return (b - 1)...(e - 1)
    }
}

extension LatentCommand.Detector.Evaluate {
    /// Writes metrics.json, scores.csv, the figures and report.html; prints the metrics.
    func runSignal() throws {
        let directory = URL(fileURLWithPath: detector)
        let (detector, manifest) = try SignalDetector.load(from: directory)
        let file = try Signal.read(
            URL(fileURLWithPath: data), labelColumn: labels.labelColumn,
            ignoredColumns: signal.ignoreColumn)
        try SignalDetector.checkChannels(file.signal.names, manifest: manifest, source: data)
        let rows = file.signal.rows
        var labelled: [Bool]
        if let span = try signalLabels.span(rows: rows) {
            labelled = [Bool](repeating: false, count: rows)
            for i in span { labelled[i] = true }
        } else if let l = file.labels {
            labelled = l
        } else {
            throw ValidationError(
                "Evaluating a signal needs labels: --label-column NAME (0/1 per row) or --anomaly-rows BEGIN-END.")
        }
        let from = signal.fromRow ?? manifest.trainingRows
        let start = Date()
        let scores = detector.score(file.signal)
        let seconds = Date().timeIntervalSince(start)
        let evaluation: SignalEvaluation
        do {
            evaluation = try SignalEvaluation(
                scores: scores, labels: labelled, from: from, threshold: detector.threshold)
        } catch { throw ValidationError("\(data): \(error)") }
        let outURL = out.map { URL(fileURLWithPath: $0) } ?? directory.appendingPathComponent("evaluation")
        let figure = SignalScoreFigure(
            values: file.signal.channel(0), scores: scores, anomaly: evaluation.anomalySpan,
            topRow: evaluation.topRow, trainingEnd: from, threshold: detector.threshold)
        let whole = figure.svgs(0..<rows, title: "Whole signal (\(file.signal.names[0]))")
        let zoom = figure.svgs(figure.zoomRange, title: "Zoomed to the anomaly")
        var report = HTMLReport(title: "Signal detector evaluation", subtitle: data)
        report.addMetrics(
            [
                ("AUROC (point-wise)", .number(evaluation.auroc)),
                ("average precision", .number(evaluation.averagePrecision)),
                ("top-scoring row (0-based)", .integer(evaluation.topRow)),
                (
                    "labelled anomaly (0-based)",
                    .text(evaluation.anomalySpan.map { "\($0.lowerBound)–\($0.upperBound)" } ?? "none")
                ),
                ("solved (UCR rule, ±100 rows)", .text(evaluation.solved ? "yes" : "no")),
                ("F1 at the threshold", .number(evaluation.f1)),
                ("precision", .number(evaluation.precision)), ("recall", .number(evaluation.recall)),
                ("rows evaluated", .integer(evaluation.rows)),
                ("scoring seconds", .number(seconds)),
            ], title: "Metrics")
        report.addParagraph(
            "Window \(detector.window) rows (\(detector.period.method)); blocks of \(detector.blockSize) rows. Shaded: the labelled anomaly; black dot: the top-scoring row; dashed: where the training part ends."
        )
        report.addFigure(svg: whole.signal)
        report.addFigure(svg: whole.score)
        report.addFigure(svg: zoom.signal)
        report.addFigure(svg: zoom.score)
        var csv = "index,score,label\n"
        for i in 0..<rows { csv += "\(i),\(scores[i]),\(labelled[i] ? 1 : 0)\n" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let metrics = try encoder.encode(evaluation)
        try AtomicFile.writeDirectory(at: outURL) { dir in
            try AtomicFile.write(metrics, to: dir.appendingPathComponent("metrics.json"))
            try AtomicFile.write(csv, to: dir.appendingPathComponent("scores.csv"))
            try AtomicFile.write(whole.signal, to: dir.appendingPathComponent("signal.svg"))
            try AtomicFile.write(whole.score, to: dir.appendingPathComponent("score.svg"))
            try AtomicFile.write(zoom.signal, to: dir.appendingPathComponent("signal-zoom.svg"))
            try AtomicFile.write(zoom.score, to: dir.appendingPathComponent("score-zoom.svg"))
            try AtomicFile.write(report.html(), to: dir.appendingPathComponent("report.html"))
        }
        print(String(format: "auroc: %.4f", evaluation.auroc))
        print(String(format: "average_precision: %.4f", evaluation.averagePrecision))
        print("top_row: \(evaluation.topRow)")
        print("solved: \(evaluation.solved)")
        print(
            String(
                format: "f1: %.4f  precision: %.4f  recall: %.4f", evaluation.f1, evaluation.precision,
                evaluation.recall))
        print(String(format: "seconds_per_million_rows: %.2f", seconds * 1e6 / Double(rows)))
        print("Report: \(outURL.appendingPathComponent("report.html").path)")
    }
}
