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

/// Whether notes are silenced (`--quiet`): only errors and the result are shown.
nonisolated(unsafe) var notesAreQuiet = false

/// Writes a line to standard error, unless `--quiet`.
func note(_ text: String) {
    guard !notesAreQuiet else { return }
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
