import ArgumentParser
import Foundation
import Latent

extension LatentCommand.Detector {
    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Measure a detector on labelled rows: metrics.json, ROC and PR curves, histograms, report.",
            discussion: """
                Rows whose label is not --normal-label are anomalies (the positive class). \
                Writes metrics.json (auroc, average_precision, accuracy, precision, recall, f1, \
                confusion_matrix at the saved threshold, false_positive_rate on the normal rows), \
                roc.svg with the operating point, precision-recall.svg, score-histogram.svg, \
                examples.png for images, scores.csv and report.html.
                """)

        @Argument(help: "The detector directory (written by `latent detector fit`).")
        var detector: String

        @Option(help: "The labelled rows to evaluate on.")
        var data: String

        @OptionGroup var labels: LabelOptions
        @OptionGroup var file: DataFileOptions

        @Option(
            help: "Where to write the evaluation (default: DIR/evaluation; replaced atomically).")
        var out: String?

        @OptionGroup(title: "Long signals") var signal: SignalInputOptions
        @OptionGroup(title: "Long signals") var signalLabels: SignalEvaluateOptions
        @OptionGroup var quiet: QuietOption

        func run() throws {
            notesAreQuiet = quiet.quiet
            Engine.threadCount = max(1, file.threads)
            if SignalDetector.isSignalDetector(at: URL(fileURLWithPath: detector)) {
                return try runSignal()
            }
            let directory = URL(fileURLWithPath: detector)
            let detector = try AnomalyDetector.load(from: directory)
            // The label fit was told, as the label column is reused below.
            let givenLabel = labels.normalLabel ?? detector.schema.normalLabel
            if labels.normalLabel == nil, let givenLabel {
                note("No --normal-label given: using \(givenLabel), the label fit took as normal.")
            }
            var column = labels.column
            if column == nil, labels.labels == nil, file.format != .tsv,
                !data.lowercased().hasSuffix(".tsv"),
                let index = detector.schema.labelColumnIndex
            {
                column = .index(index)
                note(
                    "No --label-column given: using column \(index), the training file's label column."
                )
            }
            let table = try DetectorData.read(
                URL(fileURLWithPath: data), format: file.format, labelColumn: column,
                header: file.headerChoice, labelsFile: labels.labelsURL,
                skippingNonFiniteRows: file.skipNonFinite, arrayKeys: file.arrayKeys)
            note("Read \(table.summary).")
            // An npz archive's y array has its own default (0 = normal).
            guard let normalLabel = givenLabel ?? table.defaultNormalLabel else {
                throw CommandLineError(
                    "evaluate needs --normal-label (and a label column or --labels) to tell normal "
                        + "rows from anomalies; this detector was fitted without one.")
            }
            let isNormal = try table.isNormal(normalLabel: normalLabel)
            let evaluation = try DetectorEvaluation(
                detector, rows: table.features, isNormal: isNormal, source: table.source)
            if evaluation.fittedOnCount > 0 {
                note(
                    "Warning: \(evaluation.fittedOnCount) of the \(isNormal.filter { $0 }.count) normal "
                        + "rows were used to fit this detector (to train it, stop it or calibrate its "
                        + "threshold), so their false-positive rate says nothing about new data. "
                        + "false_positive_rate_unseen leaves them out; evaluate on rows the detector "
                        + "has not seen (a held-out test file).")
            }
            let outURL =
                out.map { URL(fileURLWithPath: $0) }
                ?? directory.appendingPathComponent("evaluation")
            try evaluation.write(to: outURL, source: table.source)
            let c = evaluation.confusion
            func show(_ x: Double?) -> String {
                x.map { String(format: "%.4f", $0) } ?? "undefined (one class)"
            }
            print("auroc: \(show(evaluation.auroc))")
            print("average_precision: \(show(evaluation.averagePrecision))")
            print(
                String(
                    format: "accuracy: %.4f\nprecision: %.4f\nrecall: %.4f\nf1: %.4f", c.accuracy,
                    c.precision, c.recall, c.f1))
            let expected = String(
                format: "expected %.3f ± %.3f", detector.falseAlarmEstimate.expectedRate,
                detector.falseAlarmEstimate.spread)
            if evaluation.fittedOnCount > 0 {
                print(
                    String(
                        format: "false_positive_rate: %.4f (all %d normal rows, %d of them fitted on)",
                        c.falsePositiveRate, isNormal.filter { $0 }.count, evaluation.fittedOnCount))
                print(
                    "false_positive_rate_unseen: "
                        + (evaluation.unseenFalsePositiveRate.map { String(format: "%.4f", $0) }
                            ?? "undefined")
                        + " (\(evaluation.unseenNormalCount) unseen normal rows; \(expected))")
            } else {
                print(
                    String(format: "false_positive_rate: %.4f", c.falsePositiveRate) + " (\(expected))")
            }
            print(
                "confusion_matrix: tp \(c.truePositives)  fp \(c.falsePositives)  tn \(c.trueNegatives)  fn \(c.falseNegatives)"
            )
            print("Report: \(outURL.appendingPathComponent("report.html").path)")
        }
    }
}
