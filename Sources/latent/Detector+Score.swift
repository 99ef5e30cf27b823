import ArgumentParser
import Foundation
import Latent

extension LatentCommand.Detector {
    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score rows with a fitted detector: score, threshold, anomaly flag, p-value.",
            discussion: """
                Writes one record per input row, in input order: index, score, threshold, \
                anomaly (true/false), p_value, and with --explain K the K features with the \
                largest reconstruction errors. With --input - it streams: it reads CSV, TSV or \
                NDJSON rows ([1.0, 2.0, …] or {"features": […]}) from standard input and writes \
                each small batch as soon as it is scored, in constant memory. In streaming mode \
                CSV output has a last `error` column: a line that cannot be read gets an error \
                record naming its line and column, and scoring goes on (--strict stops instead).

                --rule RULE (or --fpr ALPHA [--confidence C]) uses another threshold rule for \
                this call only, computed from the stored calibration scores (`latent detector \
                threshold` saves one). --fdr Q adds a `discovery` column: the Benjamini–Hochberg \
                procedure at false discovery rate Q over the conformal p-values of the whole \
                input file; with --input - it runs over consecutive windows of --window N rows \
                (records are held back until their window is full, and the FDR guarantee holds \
                per window).
                """)

        @Argument(help: "The detector directory (written by `latent detector fit`).")
        var detector: String

        @Option(
            help: ArgumentHelp(
                "The rows to score, or - for standard input (streaming).", valueName: "file|-"))
        var input: String

        @Option(
            help: ArgumentHelp(
                "Where to write the records, or - for standard output.", valueName: "file|-"))
        var output: String = "-"

        @OptionGroup var file: DataFileOptions

        @Option(help: "Output records as csv or ndjson.")
        var outputFormat: ScoreRecordWriter.Format = .csv

        @Option(
            help: ArgumentHelp(
                "Also write the K features with the largest reconstruction error.", valueName: "K"))
        var explain: Int = 0

        @Flag(
            help: "Stop at the first bad input line (streaming) instead of writing an error record."
        )
        var strict = false

        @Option(
            help: ArgumentHelp(
                "The label column to skip: N (negative counts from the end), first, last, NAME or none (default: as in the training file, when the input has one more column).",
                valueName: "N|first|last|NAME|none"))
        var labelColumn: String?

        @Option(help: "Rows per scoring batch when streaming.")
        var batchSize: Int = ScoringBatches.streamRows

        @OptionGroup var rule: RuleOptions

        @Option(
            help: ArgumentHelp(
                "Add a discovery column: Benjamini–Hochberg at false discovery rate Q over the input's p-values.",
                valueName: "Q"))
        var fdr: Double?

        @Option(
            help: ArgumentHelp(
                "With --fdr and --input -: rows per Benjamini–Hochberg window.", valueName: "N"))
        var window: Int = 1000

        @OptionGroup(title: "Long signals") var signal: SignalInputOptions

        func validate() throws {
            if let fdr, !(fdr > 0 && fdr <= 1) {
                throw ValidationError("--fdr must be in (0, 1], not \(fdr).")
            }
            if window < 1 { throw ValidationError("--window must be at least 1, not \(window).") }
            if explain < 0 { throw ValidationError("--explain must be 0 or more, not \(explain).") }
            if batchSize < 1 {
                throw ValidationError("--batch-size must be at least 1, not \(batchSize).")
            }
            if input == "-" && (file.format == .npy || file.format == .npz || file.format == .idx) {
                throw ValidationError(
                    "--input - reads CSV, TSV or NDJSON rows; give npy, npz or idx data as a file.")
            }
        }

        @OptionGroup var quiet: QuietOption

        func run() throws {
            Engine.threadCount = max(1, file.threads)
            notesAreQuiet = quiet.quiet
            if SignalDetector.isSignalDetector(at: URL(fileURLWithPath: detector)) {
                return try runSignal()
            }
            var detector = try AnomalyDetector.load(from: URL(fileURLWithPath: self.detector))
            if let rule = try rule.parsed() {
                detector = try detector.rethresholded(rule)
            }
            let explain = min(self.explain, detector.schema.featureCount)
            let streaming = input == "-"
            var writer = ScoreRecordWriter(
                format: outputFormat, explain: explain, errorColumn: streaming,
                detector: detector)
            writer.discovery = fdr != nil
            let destination = try Destination(output)
            defer { destination.close() }
            if streaming {
                var stream = ScoreStream(detector: detector, writer: writer)
                stream.batchSize = batchSize
                stream.strict = strict
                stream.falseDiscoveryRate = fdr
                stream.fdrWindow = window
                stream.header = file.header
                if file.format == .tsv { stream.delimiter = UInt8(ascii: "\t") }
                if file.format == .csv { stream.delimiter = UInt8(ascii: ",") }
                let summary = try stream.run(input: STDIN_FILENO, output: destination.fd)
                try destination.commit()
                note(
                    "Scored \(summary.rows - summary.errors) of \(summary.rows) rows"
                        + (summary.skippedHeader ? " (header line skipped)" : "")
                        + "; \(summary.anomalies) anomalies, \(summary.errors) unreadable lines"
                        + (fdr.map { "; \(summary.discoveries) discoveries at FDR \($0) (windows of \(window) rows)" }
                            ?? "")
                        + ".")
                return
            }
            let data = try DetectorData.read(
                URL(fileURLWithPath: input), for: detector.schema, format: file.format,
                labelColumn: labelColumn.map(DetectorData.LabelColumn.init(parsing:)),
                header: file.headerChoice, skippingNonFiniteRows: file.skipNonFinite,
                arrayKeys: file.arrayKeys)
            note("Read \(data.summary).")
            var scoring = ScoreFile(detector: detector, writer: writer)
            scoring.falseDiscoveryRate = fdr
            let summary = try scoring.run(data.features, output: destination.fd)
            try destination.commit()
            let n = summary.rows
            note(
                "Scored \(n) rows; \(summary.anomalies) anomalies at threshold \(FitMessages.score(detector.threshold)) (\(detector.thresholdRule))"
                    + (fdr.map {
                        "; \(summary.discoveries) discoveries at false discovery rate \($0) (Benjamini–Hochberg over all \(n) rows)"
                    } ?? "") + ".")
        }
    }
}
