import Foundation

/// ECG5000 heartbeats, as in TensorFlow's "Intro to Autoencoders": 4998 beats of 140
/// samples each, labelled 1 (normal, 2919 beats) or 0 (abnormal, 2079 beats).
///
/// Features load as `[4998, 140]`, unscaled; labels as 1 or 0. The usual anomaly
/// detection setup trains on normal beats only:
///
/// ```swift
/// let ecg = try ECG5000.bundled()
/// let normal = ecg.filter { $0 == ECG5000.normalLabel }
/// ```
public enum ECG5000 {
    /// The dataset's directory name and ``RemoteDataset`` name.
    public static let name = "ecg5000"
    /// The file name in the dataset directory (`ecg.csv.gz` is accepted too).
    public static let fileName = "ecg.csv"
    /// Samples per beat.
    public static let length = 140
    /// The label of normal beats.
    public static let normalLabel = 1
    /// The label of abnormal beats.
    public static let abnormalLabel = 0

    /// Loads `ecg.csv` (or `ecg.csv.gz`) from `directory` (default: resolved by
    /// ``DataDirectory``).
    public static func load(from directory: URL? = nil) throws -> Dataset {
        let dir = DataDirectory.url(for: name, explicit: directory)
        let compressed = dir.appendingPathComponent(fileName + ".gz")
        if !FileManager.default.fileExists(atPath: dir.appendingPathComponent(fileName).path),
            FileManager.default.fileExists(atPath: compressed.path)
        {
            return try read(compressed)
        }
        return try read(DataDirectory.existingFile(fileName, dataset: name, in: directory))
    }

    /// The copy bundled with Latent as a package resource (`ecg5000/ecg.csv.gz`), if present.
    public static var bundledURL: URL? {
        Bundle.module.url(forResource: fileName, withExtension: "gz", subdirectory: name)
    }

    /// Loads the copy bundled with Latent, which needs no download.
    public static func bundled() throws -> Dataset {
        guard let url = bundledURL else {
            throw DataError(
                .fileNotFound, file: "Latent resources/\(name)/\(fileName).gz",
                message: "the bundled ECG5000 file is missing from the package resources",
                remedy: "Rebuild Latent, or use ECG5000.load(from:) with a downloaded ecg.csv.")
        }
        return try read(url)
    }

    /// Reads a file in the `ecg.csv` layout (140 values then a 1.0/0.0 label, no header),
    /// plain or gzip.
    /// - Throws: ``DataError`` from the CSV reader, or `.mismatch` when the file does not
    ///   have 140 features and 0/1 labels.
    public static func read(_ url: URL) throws -> Dataset {
        let table = try CSVFile.read(
            from: url, options: CSVOptions(delimiter: .comma, header: .absent, labelColumn: .last))
        guard table.featureCount == length else {
            throw DataError(
                .mismatch, file: table.source,
                message:
                    "expected \(length) samples and a label per row, found \(table.featureCount) samples",
                remedy: "Give the ecg.csv file of TensorFlow's autoencoder tutorial.")
        }
        let labels = try table.integerLabels()
        if let row = labels.firstIndex(where: { $0 != normalLabel && $0 != abnormalLabel }) {
            throw DataError(
                .mismatch, file: table.source,
                location: .cell(line: table.lineNumbers[row], column: length + 1, name: nil),
                message: "label \(labels[row]) is neither 1 (normal) nor 0 (abnormal)",
                remedy: "Give the ecg.csv file of TensorFlow's autoencoder tutorial.")
        }
        return Dataset(features: table.features, labels: labels)
    }
}
