import ArgumentParser
import Foundation
import Latent

// The option groups that several commands share, declared once: each command takes them
// with `@OptionGroup`, so a flag reads and behaves the same everywhere it appears.

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

    @Flag(
        help:
            "Skip rows that hold NaN or ±Inf (they are counted and reported) instead of stopping at the first.")
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

/// `--quiet`, for commands whose notes go to standard error.
struct QuietOption: ParsableArguments {
    @Flag(help: "Print nothing but errors and the result.")
    var quiet = false
}

/// `--rule RULE`, or `--fpr ALPHA [--confidence C]`: a threshold rule chosen on the
/// command line.
struct RuleOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The threshold rule: \(ThresholdRule.validForms).", valueName: "rule"))
    var rule: String?

    @Option(
        help: ArgumentHelp(
            "Shorthand for --rule fpr:ALPHA: flag rows whose conformal p-value is ≤ ALPHA.",
            valueName: "ALPHA"))
    var fpr: Double?

    @Option(
        help: ArgumentHelp(
            "With --fpr: make the false-alarm rate ≤ ALPHA with this probability (1 − DELTA) over the calibration draw, not only on average (--rule fpr:ALPHA@C; DKW-adjusted p-values, see docs/thresholds.md).",
            valueName: "C"))
    var confidence: Double?

    @Option(
        help: ArgumentHelp(
            "With --confidence: the simultaneous bound, dkw (default) or simes (tighter in the tail; --rule fpr:ALPHA@C:simes).",
            valueName: "dkw|simes"))
    var bound: String?

    func validate() throws { _ = try parsed() }

    /// The rule given, or `nil`.
    func parsed() throws -> ThresholdRule? {
        if confidence != nil && fpr == nil {
            throw ValidationError("--confidence goes with --fpr ALPHA (e.g. --fpr 0.05 --confidence 0.9).")
        }
        if bound != nil && confidence == nil {
            throw ValidationError("--bound goes with --fpr ALPHA --confidence C.")
        }
        if rule != nil && fpr != nil {
            throw ValidationError("Give either --rule or --fpr, not both.")
        }
        let text: String
        if let fpr {
            text = "fpr:\(fpr)" + (confidence.map { "@\($0)" } ?? "") + (bound.map { ":\($0)" } ?? "")
        } else if let rule {
            text = rule
        } else {
            return nil
        }
        do {
            return try ThresholdRule(parsing: text)
        } catch {
            throw ValidationError("\(fpr == nil ? "--rule" : "--fpr/--confidence"): \(error)")
        }
    }
}

/// `detector score` and `detector evaluate` on a signal detector.
struct SignalInputOptions: ParsableArguments {
    @Option(
        help: "Signal detectors: the first row to write a score for; earlier rows only fill the windows (default: 0).")
    var fromRow: Int?

    @Option(help: "Signal detectors: a column that is neither a channel nor the label (repeatable).")
    var ignoreColumn: [String] = []
}

/// `--data-dir DIR`: where the lessons' datasets live (`latent datasets list|fetch`).
struct DataRootOption: ParsableArguments {
    @Option(help: "Data root (default: $LATENT_DATA, else ~/.cache/latent).")
    var dataDir: String?

    var url: URL? { dataDir.map { URL(fileURLWithPath: $0) } }
}

/// Options every example shares.
struct ExampleOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Directory holding mnist/, fashion-mnist/ and ecg5000/.",
            discussion: "Default: $LATENT_DATA, else ~/.cache/latent (see `latent datasets fetch`)."))
    var dataDir: String?

    @Option(help: "Directory for the run's files (default: runs/NAME-<timestamp>).")
    var out: String?

    @Option(help: "Seed for every random choice (splits, initial weights, shuffling, noise).")
    var seed: UInt64 = 0

    @Option(help: "Override the lesson's number of training epochs.")
    var epochs: Int?

    @Flag(help: "A reduced run that finishes in seconds.")
    var quick = false

    @Flag(help: "Print nothing but errors and the results (no progress, no model summaries).")
    var quiet = false

    @Option(help: "Save a training checkpoint every N epochs (under checkpoints/ in the output directory).")
    var checkpointEvery: Int?

    @Option(
        help: ArgumentHelp(
            "Continue an interrupted run: the output directory of that run.",
            discussion: "Give the same seed and options; every training resumes from its last checkpoint."))
    var resume: String?

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1.") }
        if let checkpointEvery, checkpointEvery < 1 { throw ValidationError("--checkpoint-every must be at least 1.") }
        if resume != nil, out != nil { throw ValidationError("--resume names the run's directory; leave out --out.") }
        if let resume,
            !FileManager.default.fileExists(
                atPath: URL(fileURLWithPath: resume).appendingPathComponent("checkpoints").path)
        {
            throw ValidationError(
                "\(resume) holds no checkpoints/ to resume from (was the run started with --checkpoint-every?).")
        }
    }

    func settings(for lesson: Lesson) -> LessonSettings {
        var settings = LessonSettings(
            dataDirectory: dataDir.map { URL(fileURLWithPath: $0) },
            outputDirectory: (resume ?? out).map { URL(fileURLWithPath: $0) }
                ?? LessonSettings.defaultOutputDirectory(for: lesson.rawValue),
            seed: seed, epochs: epochs, quick: quick,
            progress: quiet ? .silent : ProgressReporter())
        settings.checkpointEvery = checkpointEvery ?? (resume != nil ? 1 : nil)
        settings.resume = resume != nil
        return settings
    }
}
