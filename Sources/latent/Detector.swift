import ArgumentParser
import Foundation
import Latent

extension DetectorData.Format: ExpressibleByArgument {}
extension DetectorConfiguration.ModelKind: ExpressibleByArgument {}
extension DetectorConfiguration.ReconstructionLoss: ExpressibleByArgument {}
extension DetectorConfiguration.ScalerChoice: ExpressibleByArgument {}
extension ScoreRecordWriter.Format: ExpressibleByArgument {}

extension LatentCommand {
    struct Detector: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit an anomaly detector on your own data, score new rows, evaluate it.",
            discussion: """
                A detector is an autoencoder trained on normal rows, with a threshold calibrated \
                on normal rows it did not train on. Scores are mean reconstruction errors \
                (higher = more anomalous); p-values say how unusual a score is among the \
                calibration scores.

                  latent detector fit --data train.csv --label-column 140 --normal-label 1 --out det
                  latent detector score det --input new.csv
                  tail -f rows.csv | latent detector score det --input - --output-format ndjson
                  latent detector evaluate det --data test.csv --label-column 140 --normal-label 1
                  latent detector threshold det --rule percentile:99     # re-set, no retraining
                """,
            subcommands: [Fit.self, Score.self, Evaluate.self, Threshold.self])
    }
}

/// How a data file is read: its format and header.
struct DataFileOptions: ParsableArguments {
    @Option(
        help:
            "File format: csv, tsv (UCR layout: class in column 0), npy, npz or idx (default: from the extension)."
    )
    var format: DetectorData.Format?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Whether the first row of a CSV/TSV file is a header (default: detected, and the choice is reported)."
    )
    var header: Bool?

    @Flag(help: "Skip CSV/TSV rows that hold NaN or ±Inf (they are counted and reported) instead of stopping at the first.")
    var skipNonFinite = false

    @Option(help: ArgumentHelp("The array of an npz archive that holds the rows.", valueName: "KEY"))
    var featuresKey: String = "X"

    @Option(
        help: ArgumentHelp(
            "The array of an npz archive that holds the labels (default: y, when there is one; its normal label is 0 unless --normal-label says otherwise).",
            valueName: "KEY"))
    var labelsKey: String?

    @Option(help: "Threads for training and scoring.")
    var threads: Int = Engine.threadCount

    var arrayKeys: DetectorData.ArrayKeys {
        DetectorData.ArrayKeys(features: featuresKey, labels: labelsKey)
    }

    var headerChoice: CSVOptions.Header {
        header.map { $0 ? .present : .absent } ?? .automatic
    }
}

/// Which rows are normal.
struct LabelOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The label column: a zero-based index N (negative counts from the end: --label-column=-1), first, last, a header NAME, or none.",
            discussion:
                "Default: none for csv and npy, column 0 for tsv (the UCR layout), the y array for npz. `fit` refuses a table whose first or last column looks like a label (a few whole-number values) until you give --label-column, or none to train on it.",
            valueName: "N|first|last|NAME|none"))
    var labelColumn: String?

    @Option(help: "The label value of normal rows (numbers compare numerically: 1 matches 1.0).")
    var normalLabel: String?

    @Option(
        help:
            "Labels in a separate file, one per row (npy, idx or one-column csv), e.g. for images.")
    var labels: String?

    var column: DetectorData.LabelColumn? {
        labelColumn.map(DetectorData.LabelColumn.init(parsing:))
    }
    var labelsURL: URL? { labels.map { URL(fileURLWithPath: $0) } }
}

/// Whether notes are silenced (`--quiet`): only errors and the result are shown.
nonisolated(unsafe) var notesAreQuiet = false

/// Writes a line to standard error, unless `--quiet`.
func note(_ text: String) {
    guard !notesAreQuiet else { return }
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// `--quiet`, for commands whose notes go to standard error.
struct QuietOption: ParsableArguments {
    @Flag(help: "Print nothing but errors and the result.")
    var quiet = false
}
