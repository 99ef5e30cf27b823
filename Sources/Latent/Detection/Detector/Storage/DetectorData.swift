import Foundation

/// Rows for a detector read from a file: CSV/TSV tables, `.npy` arrays, `.npz` archives or
/// IDX files, with an optional label column (numbers or text) and the header decision
/// reported.
///
/// | format | rows | labels |
/// |---|---|---|
/// | `csv` | one row per line, comma-separated | `labelColumn`, none by default |
/// | `tsv` | tab-separated, as the UCR archive ships it | column 0 by default (the UCR class) |
/// | `npy` | `[n, d]` table, `[n, H, W]` or `[n, H, W, C]` images | a column of a `[n, d]` table, or a labels file |
/// | `npz` | the array `X` (or ``ArrayKeys/features``), shaped as for npy | the array `y` when there is one (or ``ArrayKeys/labels``); `0` = normal unless told |
/// | `idx` | `[n, H, W]` images (MNIST layout), `[n, d]` tables | a labels file (`…-labels-idx1-ubyte`) |
///
/// ```swift
/// let data = try DetectorData.read(url, labelColumn: .name("diagnosis"))
/// let isNormal = try data.isNormal(normalLabel: "benign")
/// ```
public struct DetectorData {
    /// A file format.
    public enum Format: String, CaseIterable, Sendable {
        case csv, tsv, npy, npz, idx
    }

    /// Which arrays of a `.npz` archive hold the rows and the labels.
    public struct ArrayKeys: Equatable, Sendable {
        /// The rows (`X` by default, as ADBench and scikit-learn name them).
        public var features: String
        /// The labels; `nil` reads `y` when the archive has it and no labels otherwise.
        public var labels: String?

        /// `X` and, when present, `y`.
        public init(features: String = "X", labels: String? = nil) {
            self.features = features
            self.labels = labels
        }
    }

    /// The label of normal rows when none is given: `0` for labels from a `.npz` archive
    /// (the ADBench and PyOD convention, 1 = anomaly); `nil` otherwise (it must be given).
    public var defaultNormalLabel: String?

    /// Which column holds the labels.
    public enum LabelColumn: Equatable, Sendable {
        /// No label column (every column is a feature).
        case none
        /// A zero-based column index; a negative one counts from the end (`-1` is the
        /// last column).
        case index(Int)
        /// The column with this header name.
        case name(String)

        /// The first column (`.index(0)`).
        public static let first = LabelColumn.index(0)
        /// The last column (`.index(-1)`).
        public static let last = LabelColumn.index(-1)

        /// Parses `N` (zero-based index; negative counts from the end), `first`, `last`,
        /// `none`, or a column name. The words win over a header name spelled the same.
        public init(parsing text: String) {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            switch trimmed.lowercased() {
            case "none": self = .none
            case "first": self = .first
            case "last": self = .last
            default: self = Int(trimmed).map(LabelColumn.index) ?? .name(trimmed)
            }
        }
    }

    /// The rows, `[n, …]`.
    public var features: Tensor
    /// Each row's label as written, when there is a label column or labels file.
    public var labels: [String]?
    /// Feature names from the header, when there is one.
    public var featureNames: [String]?
    /// The zero-based label column in the file's fields.
    public var labelColumnIndex: Int?
    /// The label column's header name.
    public var labelName: String?
    /// The file's path, for messages.
    public var source: String
    /// One line saying what was read, including whether a header was detected.
    public var summary: String

    /// The format implied by a file name: `.csv`/`.txt` → csv, `.tsv`/`.tab` → tsv,
    /// `.npy` → npy, `.npz` → npz, `.idx`/`-ubyte`/`.idx3-ubyte` … → idx (a trailing `.gz` is
    /// ignored).
    /// - Throws: ``DetectorError/schemaMismatch(source:message:)`` for an unknown extension.
    public static func format(of url: URL) throws -> Format {
        var name = url.lastPathComponent.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        if name.hasSuffix(".csv") || name.hasSuffix(".txt") { return .csv }
        if name.hasSuffix(".tsv") || name.hasSuffix(".tab") { return .tsv }
        if name.hasSuffix(".npy") { return .npy }
        if name.hasSuffix(".npz") { return .npz }
        if name.hasSuffix(".idx") || name.hasSuffix("-ubyte") || name.contains(".idx") {
            return .idx
        }
        throw DetectorError.schemaMismatch(
            source: url.path,
            message: "cannot tell the format from the file name; give --format csv, tsv, npy, npz or idx"
        )
    }

    /// Reads rows from `url`.
    /// - Parameters:
    ///   - format: `nil` picks it from the file name, and for text tables detects the
    ///     delimiter (comma, tab, semicolon or spaces) from the first lines. A given `csv`
    ///     or `tsv` whose delimiter leaves one field per line, where another splits them,
    ///     is an error that names the format to use.
    ///   - labelColumn: `nil` means none, except column 0 for `tsv` (the UCR layout).
    ///   - header: whether a CSV/TSV file has a header row (detected by default).
    ///   - labelsFile: labels in a separate file (npy, idx or a one-column csv), one per row.
    ///   - skippingNonFiniteRows: drop rows holding NaN or ±Inf (counted in the summary)
    ///     instead of refusing the file.
    ///   - arrayKeys: the arrays of a `.npz` archive to read (`X`, and `y` when present).
    /// - Throws: ``DataError`` naming the file, line and column of bad input;
    ///   ``DetectorError`` for label problems.
    public static func read(
        _ url: URL, format: Format? = nil, labelColumn: LabelColumn? = nil,
        header: CSVOptions.Header = .automatic, labelsFile: URL? = nil, skippingNonFiniteRows: Bool = false,
        arrayKeys: ArrayKeys = ArrayKeys()
    ) throws -> DetectorData {
        let formatGiven = format != nil
        let format = try format ?? Self.format(of: url)
        var data: DetectorData
        switch format {
        case .csv, .tsv:
            let column = labelColumn ?? (format == .tsv ? .index(0) : LabelColumn.none)
            let forced: CSVOptions.Delimiter? = formatGiven ? (format == .tsv ? .tab : .comma) : nil
            var options = CSVOptions(delimiter: forced, header: header)
            options.nonFiniteValues = skippingNonFiniteRows ? .skipRow : .reject
            switch column {
            case .none: options.labelColumn = nil
            case .index(let i): options.labelColumn = .index(i)
            case .name(let name): options.labelColumn = .named(name)
            }
            let table = try CSVFile.read(from: url, options: options)
            data = DetectorData(
                features: table.features, labels: table.labels, featureNames: table.featureNames,
                labelColumnIndex: table.labelColumnIndex, labelName: table.labelName,
                source: table.source, summary: csvSummary(table))
        case .npy, .idx:
            let name = DataError.name(of: url)
            let tensor =
                format == .npy
                ? try NPYFile.read(from: url).tensor() : try IDXFile.read(from: url).tensor()
            data = try arrayData(tensor, source: name, labelColumn: labelColumn ?? LabelColumn.none)
        case .npz:
            data = try archiveData(
                NPZFile.read(from: url), keys: arrayKeys, labelColumn: labelColumn ?? LabelColumn.none)
        }
        if let labelsFile {
            let labels = try readLabels(labelsFile)
            guard labels.count == data.features.shape[0] else {
                throw DataError(
                    .mismatch, file: DataError.name(of: labelsFile),
                    message:
                        "it has \(labels.count) labels but \(data.source) has \(data.features.shape[0]) rows",
                    remedy: "Give one label per row.")
            }
            data.labels = labels
            data.defaultNormalLabel = nil
            data.summary += ", labels from \(DataError.name(of: labelsFile))"
        }
        if format != .csv && format != .tsv {  // the table reader screens its own cells
            try data.screenNonFiniteRows(skipping: skippingNonFiniteRows)
        }
        return data
    }

    /// Like ``CSVTable/summary`` but with the zero-based label column the CLI takes.
    static func csvSummary(_ table: CSVTable) -> String {
        var text = "\(table.source): \(table.rowCount) rows × \(table.featureCount) features"
        text += table.hasHeader ? ", header row" : ", no header"
        if table.headerWasInferred { text += " (detected; force with --header or --no-header)" }
        if let index = table.labelColumnIndex {
            text += ", labels in column \(index) (zero-based)"
            if let name = table.labelName { text += " \"\(name)\"" }
        }
        if table.skippedRowCount > 0 { text += "; skipped \(table.skippedRowCount) rows with NaN or infinite values" }
        return text
    }

    /// Arrays: `[n]` → one feature, `[n, d]` → a table (a label column is cut out),
    /// `[n, H, W]` → one-channel images, `[n, H, W, C]` → images.
    static func arrayData(
        _ tensor: Tensor, source: String, labelColumn: LabelColumn
    ) throws
        -> DetectorData
    {
        var x = tensor
        if x.rank == 1 { x = x.reshaped([x.shape[0], 1]) }
        guard x.rank == 0 || x.shape[0] > 0 else {
            throw DataError(
                .empty, file: source, message: "the array has no rows (shape \(tensor.shape))",
                remedy: "Give an array with at least one row.")
        }
        guard x.rank >= 2, x.rank <= 4 else {
            throw DataError(
                .unsupported, file: source,
                message:
                    "expected rows [n, d] or images [n, H, W(, C)], found shape \(tensor.shape)",
                remedy: "Reshape the array.")
        }
        if x.rank == 3 { x = x.reshaped(x.shape + [1]) }
        var labels: [String]? = nil
        var labelIndex: Int? = nil
        switch labelColumn {
        case .none: break
        case .name(let name):
            throw DataError(
                .missingColumn, file: source,
                message:
                    "the label column is given by name (\"\(name)\") but arrays have no header",
                remedy: "Give the label column by index.")
        case .index(let given):
            let i = x.rank == 2 && given < 0 ? x.shape[1] + given : given
            guard x.rank == 2, i >= 0, i < x.shape[1] else {
                throw DataError(
                    .missingColumn, file: source,
                    message: "label column \(given) does not exist in an array of shape \(x.shape)",
                    remedy:
                        "Give an index below \(x.rank == 2 ? x.shape[1] : 0), or use a labels file."
                )
            }
            let (n, width) = (x.shape[0], x.shape[1])
            let all = x.scalars
            labels = (0..<n).map { formatLabel(all[$0 * width + i]) }
            var kept: [Float] = []
            kept.reserveCapacity(n * (width - 1))
            for r in 0..<n { for j in 0..<width where j != i { kept.append(all[r * width + j]) } }
            x = Tensor(shape: [n, width - 1], scalars: kept)
            labelIndex = i
        }
        let summary =
            "\(source): \(x.shape[0]) rows of shape \(Array(x.shape.dropFirst()))"
            + (labelIndex.map { ", labels in column \($0)" } ?? "")
        return DetectorData(
            features: x, labels: labels, featureNames: nil, labelColumnIndex: labelIndex,
            labelName: nil, source: source, summary: summary)
    }

    /// Rows from the array `keys.features` of an archive, labels from `keys.labels` (or
    /// from `y` when the archive has one), or from a column of the rows.
    static func archiveData(
        _ archive: NPZArchive, keys: ArrayKeys, labelColumn: LabelColumn
    ) throws
        -> DetectorData
    {
        let features = try archive.array(keys.features)
        var data = try arrayData(
            features.tensor(), source: archive.source, labelColumn: labelColumn)
        data.summary = data.summary.replacingOccurrences(
            of: archive.source + ":", with: archive.source + " (array \(keys.features)):")
        let labelsKey = keys.labels ?? (archive.contains("y") && keys.features != "y" ? "y" : nil)
        if let labelsKey, data.labels == nil {
            let labels = try archive.array(labelsKey)
            guard labels.shape.reduce(1, *) == data.features.shape[0], labels.shape.count <= 2,
                labels.shape.count < 2 || labels.shape[1] == 1
            else {
                throw DataError(
                    .mismatch, file: archive.source,
                    message: "array '\(labelsKey)' has shape \(labels.shape), but there is one label per row "
                        + "of '\(keys.features)' (\(data.features.shape[0]) rows)",
                    remedy: "Name the labels array with --labels-key.")
            }
            data.labels = labels.tensor().scalars.map(formatLabel)
            data.defaultNormalLabel = "0"
            data.summary += ", labels from array \(labelsKey)"
        }
        return data
    }

    /// Labels from a separate file: a rank-1 `.npy` or IDX array, the `y` array of a `.npz`
    /// archive, or a one-column text file.
    static func readLabels(_ url: URL) throws -> [String] {
        let name = DataError.name(of: url)
        switch try format(of: url) {
        case .npy: return try NPYFile.read(from: url).tensor().scalars.map(formatLabel)
        case .npz: return try NPZFile.read(from: url).array("y").tensor().scalars.map(formatLabel)
        case .idx: return try IDXFile.read(from: url).tensor().scalars.map(formatLabel)
        case .csv, .tsv:
            // The extension's delimiter, not a detected one: a label may hold spaces.
            let table = try CSVFile.read(
                from: url,
                options: CSVOptions(
                    delimiter: CSVFile.defaultDelimiter(for: url), labelColumn: .first))
            guard table.featureCount == 0, let labels = table.labels else {
                throw DataError(
                    .wrongFieldCount, file: name,
                    message: "a labels file must have one column, not \(table.featureCount + 1)",
                    remedy: "Write one label per line.")
            }
            return labels
        }
    }

    /// `3` for whole numbers, else the shortest decimal.
    static func formatLabel(_ v: Float) -> String {
        v == v.rounded() && Swift.abs(v) < 1e9 ? String(Int(v)) : "\(v)"
    }

    /// Whether each row's label equals `normalLabel`: numerically when both are numbers
    /// (`1`, `1.0` and `1e0` match), as trimmed text otherwise.
    /// - Throws: ``DetectorError/schemaMismatch(source:message:)`` without labels, or when
    ///   no row has the label (naming the labels that exist).
    public func isNormal(normalLabel: String) throws -> [Bool] {
        guard let labels else {
            throw DetectorError.schemaMismatch(
                source: source,
                message: "there is no label column to compare with the normal label "
                    + "'\(normalLabel)'; give --label-column")
        }
        let flags = labels.map { Self.labelsMatch($0, normalLabel) }
        guard flags.contains(true) else {
            throw DetectorError.schemaMismatch(
                source: source,
                message: "no row has the normal label '\(printableCell(normalLabel))'; the label "
                    + "column holds \(echoedValues(Array(Set(labels)).sorted()))")
        }
        return flags
    }

    /// Numeric equality when both parse as numbers, trimmed text equality otherwise.
    public static func labelsMatch(_ a: String, _ b: String) -> Bool {
        let (a, b) = (
            a.trimmingCharacters(in: .whitespaces), b.trimmingCharacters(in: .whitespaces)
        )
        if let x = Double(a), let y = Double(b) { return x == y }
        return a == b
    }

    /// The schema of these rows (example shape, names, label column).
    public func schema(normalLabel: String?) -> DetectorSchema {
        var shape = Array(features.shape.dropFirst())
        if shape.count == 2 { shape.append(1) }
        return DetectorSchema(
            exampleShape: shape, featureNames: featureNames,
            labelColumnIndex: labelColumnIndex, labelName: labelName,
            normalLabel: normalLabel)
    }
}
