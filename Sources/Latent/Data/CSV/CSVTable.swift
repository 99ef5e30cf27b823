/// A numeric table read by ``CSVFile``: a feature matrix and, optionally, a label per row.
///
/// ```swift
/// let table = try CSVFile.read(from: url, options: CSVOptions(labelColumn: .last))
/// table.features.shape          // [4998, 140]
/// try table.integerLabels()     // [1, 1, 0, …] from "1.0", "1.0", "0.0", …
/// ```
public struct CSVTable {
    /// The feature cells, shape `[rowCount, featureCount]`, rows in file order.
    public var features: Tensor
    /// The label cell of each row, as written (trimmed and unquoted), or `nil` when no
    /// label column was chosen.
    public var labels: [String]?
    /// The header's names of the feature columns, or `nil` without a header.
    public var featureNames: [String]?
    /// The label column's header name, or `nil`.
    public var labelName: String?
    /// The zero-based index of the label column in the file, or `nil`.
    public var labelColumnIndex: Int?
    /// Whether the file has a header row.
    public var hasHeader: Bool
    /// Whether ``hasHeader`` was decided by looking at the data (``CSVOptions/Header/automatic``)
    /// rather than given.
    public var headerWasInferred: Bool
    /// Rows left out because a feature was NaN or infinite (``CSVOptions/NonFiniteValues/skipRow``).
    public var skippedRowCount: Int
    /// The file this came from, for messages.
    public var source: String
    /// The one-based file line of each row, for error messages about labels.
    var lineNumbers: [Int]

    /// The number of data rows.
    public var rowCount: Int { features.shape[0] }
    /// The number of feature columns.
    public var featureCount: Int { features.shape[1] }

    /// A one-line account of what was read, including how the header was decided.
    public var summary: String {
        var text = "\(source): \(rowCount) rows × \(featureCount) features"
        text += hasHeader ? ", header row" : ", no header"
        if headerWasInferred { text += " (detected)" }
        if let labelColumnIndex {
            text += ", labels in column \(labelColumnIndex + 1)"
            if let labelName { text += " (\"\(labelName)\")" }
        }
        if skippedRowCount > 0 { text += ", \(skippedRowCount) rows with NaN/Inf skipped" }
        return text
    }

    /// The labels parsed as numbers.
    /// - Throws: ``DataError`` `.missingColumn` without labels, `.nonNumeric` or
    ///   `.nonFinite` naming the line of the first label that is not a finite number.
    public func numericLabels() throws -> [Float] {
        let labels = try requireLabels()
        return try labels.indices.map { i in
            guard let value = Float(labels[i]) else {
                throw labelError(
                    i, .nonNumeric, "label \"\(labels[i])\" is not a number",
                    "Use labelIndices() for text labels.")
            }
            guard value.isFinite else {
                throw labelError(
                    i, .nonFinite, "label \"\(labels[i])\" is not finite", "Fix or remove the row.")
            }
            return value
        }
    }

    /// The labels parsed as integers; `"1.0"` gives 1.
    /// - Throws: ``DataError`` naming the line of the first label that is not a whole number.
    public func integerLabels() throws -> [Int] {
        let values = try numericLabels()
        return try values.indices.map { i in
            let v = values[i]
            guard v == v.rounded(), v.magnitude < 16_777_216 else {
                throw labelError(
                    i, .nonNumeric, "label \"\(labels![i])\" is not a whole number",
                    "Use numericLabels() or labelIndices() instead.")
            }
            return Int(v)
        }
    }

    /// Text labels mapped to class indices: `classes` are the distinct labels sorted
    /// (numerically when all are numbers), and `indices[i]` is row i's position in them.
    public func labelIndices() throws -> (classes: [String], indices: [Int]) {
        let labels = try requireLabels()
        var classes = Array(Set(labels))
        let numbers = classes.compactMap { Double($0) }
        if numbers.count == classes.count {
            classes.sort { Double($0)! < Double($1)! }
        } else {
            classes.sort()
        }
        let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        return (classes, labels.map { position[$0]! })
    }

    private func requireLabels() throws -> [String] {
        guard let labels else {
            throw DataError(
                .missingColumn, file: source, message: "the table was read without a label column",
                remedy: "Set CSVOptions.labelColumn when reading.")
        }
        return labels
    }

    private func labelError(
        _ row: Int, _ kind: DataError.Kind, _ message: String, _ remedy: String
    )
        -> DataError
    {
        DataError(
            kind, file: source,
            location: .cell(
                line: lineNumbers[row], column: (labelColumnIndex ?? 0) + 1, name: labelName),
            message: message, remedy: remedy)
    }
}
