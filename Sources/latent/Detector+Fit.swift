import ArgumentParser
import Foundation
import Latent

extension LatentCommand.Detector {
    struct Fit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a detector on the normal rows of a file and write its directory.",
            discussion: """
                With a label column, trains on the rows whose label equals --normal-label and \
                keeps the other rows for the report; without one, every row is normal. Holds \
                out --validation-fraction of the normal rows for early stopping and to calibrate \
                the threshold. Unset training sizes (--epochs, --batch-size, --hidden) are sized \
                to the data and recorded in detector.json and report.html.
                """)

        @Option(help: "The training data (csv, tsv, npy, npz or idx).")
        var data: String

        @Option(help: "The detector directory to write (replaced atomically).")
        var out: String

        @OptionGroup var file: DataFileOptions
        @OptionGroup var labels: LabelOptions

        @Option(
            help: ArgumentHelp(
                "neighbours, dense, conv (images) or vae (default: neighbours for tables, dense for images).",
                discussion:
                    "neighbours trains nothing: a row's score is its mean distance to the nearest training rows, features standardised (docs/quality.md: it beats the autoencoders on the ADBench development sets). Giving --hidden, --epochs, --batch-size, --loss or --minimum-steps without --model trains a dense autoencoder."
            ))
        var model: DetectorConfiguration.ModelKind?

        @Option(help: "Nearest training rows a neighbours model averages (default: 5).")
        var neighbours: Int?

        @Option(
            help: ArgumentHelp(
                "Encoder widths, comma-separated (conv: channels).", valueName: "32,16,8"))
        var hidden: String?

        @Option(help: "An autoencoder's reconstruction error for training and scoring: mae or mse (default: mae).")
        var loss: DetectorConfiguration.ReconstructionLoss?

        @Option(
            help: "Most training epochs (default: sized to take at least --minimum-steps optimizer steps).")
        var epochs: Int?

        @Option(help: "Rows per optimizer step (default: about rows/8, between 16 and 256).")
        var batchSize: Int?

        @Option(help: "Seed for the split, the initial weights and the shuffling.")
        var seed: UInt64 = 0

        @Option(
            help: ArgumentHelp(
                "mean-std:K | percentile:Q | contamination:P | fpr:ALPHA | fpr:ALPHA@CONFIDENCE (calibration-conditional) | youden (default: fpr:0.05; with fewer than 19 calibration rows, the strictest fpr rule they support, said in the output).",
                discussion:
                    "contamination:P is PyOD's: the share P of the training data taken as anomalous, on an unlabelled file. With --normal-label the calibration rows are normal only, and it flags a share P of normal rows (= percentile:100(1-P)); docs/thresholds.md.",
                valueName: "rule"))
        var threshold: String?

        @Option(
            help: ArgumentHelp(
                "Share of the normal rows held out to calibrate the threshold and p-values.",
                discussion:
                    "They are used for nothing else; a further 10 % of the other normal rows stops training early."
            ))
        var validationFraction: Double = 0.2

        @Option(
            help:
                "Min-max scaling: automatic (global for images and signals of 64+ samples in one unit, per-feature for other tables), per-feature or global."
        )
        var scaler: DetectorConfiguration.ScalerChoice = .automatic

        @Option(
            help: ArgumentHelp(
                "Scale of features constant in the training rows: a value they never took there counts as S training ranges (1: no more than any column).",
                valueName: "S"))
        var constantScale: Float?

        @Option(
            help:
                "The fewest optimizer steps a sized training run takes (default: \(DetectorConfiguration().minimumSteps))."
        )
        var minimumSteps: Int?

        @Flag(help: "Print nothing but errors and the detector's path (no plan, no progress).")
        var quiet = false

        @OptionGroup(title: "Long signals") var signal: SignalFitOptions

        func validate() throws {
            do { _ = try configuration() } catch let error as DetectorError {
                throw ValidationError(CommandLineWords.describe(error))
            } catch {
                throw ValidationError("\(error)")
            }
            if !signal.signal, labels.column != nil || labels.labels != nil, labels.normalLabel == nil,
                labels.column != DetectorData.LabelColumn.none
            {
                throw ValidationError(
                    "--label-column and --labels need --normal-label to say which rows are normal.")
            }
        }

        func configuration() throws -> DetectorConfiguration {
            var c = DetectorConfiguration()
            c.model = model
            // Autoencoder-only choices ask for an autoencoder when no model is named.
            if model == nil, loss != nil || minimumSteps != nil { c.model = .dense }
            c.neighbours = neighbours
            if let loss { c.loss = loss }
            c.epochs = epochs
            c.batchSize = batchSize
            c.seed = seed
            c.validationFraction = validationFraction
            c.scaler = scaler
            c.constantColumnScale = constantScale
            if let minimumSteps { c.minimumSteps = minimumSteps }
            if let hidden {
                let widths = hidden.split(separator: ",").map {
                    Int($0.trimmingCharacters(in: .whitespaces))
                }
                guard !widths.isEmpty, widths.allSatisfy({ $0 != nil }) else {
                    throw ValidationError(
                        "--hidden must be comma-separated integers such as 32,16,8, not '\(hidden)'."
                    )
                }
                c.hidden = widths.map { $0! }
            }
            do {
                if let threshold {
                    c.threshold = try ThresholdRule(parsing: threshold)
                    c.thresholdIsRequired = true
                }
            } catch {
                throw ValidationError("--threshold: \(error)")
            }
            try c.validate()
            return c
        }

        func run() throws {
            Engine.threadCount = max(1, file.threads)
            notesAreQuiet = quiet
            if signal.signal { return try runSignal() }
            let url = URL(fileURLWithPath: data)
            let table = try DetectorData.read(
                url, format: file.format, labelColumn: labels.column, header: file.headerChoice,
                labelsFile: labels.labelsURL, skippingNonFiniteRows: file.skipNonFinite,
                arrayKeys: file.arrayKeys)
            note("Read \(table.summary).")
            if labels.column == nil, labels.labels == nil,
                let suspect = table.suspectedLabelColumn()
            {
                let text = FitMessages.forgottenLabel(suspect, rows: table.features.shape[0])
                // Two values is how labels look; with more, or among columns of whole numbers
                // (pixels, counts), a feature is as likely, so fitting goes on with a warning
                // (shown even with --quiet).
                guard suspect.values.count > 2 || suspect.amongWholeNumbers else { throw CommandLineError(text) }
                FileHandle.standardError.write(Data(("Warning: " + text + "\n").utf8))
            }
            var isNormal: [Bool]? = nil
            let normalLabel = labels.normalLabel ?? table.defaultNormalLabel
            if let normalLabel {
                isNormal = try table.isNormal(normalLabel: normalLabel)
                let count = isNormal!.filter { $0 }.count
                note("Normal rows (label \(normalLabel)): \(count) of \(isNormal!.count).")
            } else if table.labels != nil {
                note("Label column found but no --normal-label: every row is taken as normal.")
            }
            let configuration = try configuration()
            if case .contamination(let p) = configuration.threshold, isNormal != nil {
                note(
                    "contamination:\(p) on labelled data flags a share \(p) of the normal "
                        + "calibration rows (as percentile:\(100 * (1 - p)) would); on an unlabelled "
                        + "file it is PyOD's share of the training data. fpr:\(p) guarantees that rate.")
            }
            let progress = quiet ? ProgressReporter.silent : ProgressReporter()
            let detector = try AnomalyDetector.fit(
                table.features, isNormal: isNormal,
                schema: table.schema(normalLabel: normalLabel),
                configuration: configuration,
                onPlan: { plan in FitMessages.plan(plan).forEach(note) }
            ) { record, plan in
                progress.epochEnded(
                    record, of: plan.maximumEpochs, steps: plan.stepsPerEpoch,
                    mayStopEarly: plan.maximumEpochs > plan.minimumEpochs)
            }
            progress.finish()
            let outURL = URL(fileURLWithPath: out)
            try detector.save(to: outURL, source: table.source)
            let plan = detector.plan
            let estimate = detector.falseAlarmEstimate
            if plan.model != .neighbours { note(FitMessages.ending(plan)) }
            if let warning = FitMessages.epochCap(plan, history: detector.diagnostics?.history) {
                note(warning)
            }
            let result =
                "Detector: \(outURL.path) (report: \(outURL.appendingPathComponent("report.html").path))"
            guard !quiet else { return print(result) }
            if plan.model == .neighbours {
                print("Model: \(plan.modelSummary) (nothing to train).")
            } else {
                print(
                    "Trained \(plan.model) \(plan.hidden.map(String.init).joined(separator: "-")) on \(plan.trainingRows) rows: "
                        + "\(plan.epochsRun) epochs × \(plan.stepsPerEpoch) steps (batch \(plan.batchSize)), best epoch \(plan.bestEpoch)."
                )
            }
            print(
                "Threshold \(detector.thresholdRule) = \(FitMessages.score(detector.threshold)) from \(detector.calibration.count) calibration rows (held-out normal); "
                    + String(
                        format: "expected false-alarm rate %.3f ± %.3f.", estimate.expectedRate,
                        estimate.spread))
            if let fallback = plan.thresholdFallback { print(fallback) }
            if let diagnostics = detector.diagnostics, !diagnostics.anomalyScores.isEmpty {
                let flagged = diagnostics.anomalyScores.filter { $0 > detector.threshold }.count
                print(
                    "Rows with other labels flagged: \(flagged) of \(diagnostics.anomalyScores.count)."
                )
            }
            print(result)
        }
    }
}
