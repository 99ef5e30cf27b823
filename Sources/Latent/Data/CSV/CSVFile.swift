import Foundation

/// Reads numeric tables from comma- or tab-separated text, plain or gzip-compressed.
///
/// Every row must have the same number of fields. All columns but the (optional) label
/// column must hold finite numbers; label cells are kept as text, so labels like `1.0`
/// or `benign` both work (see ``CSVTable/integerLabels()`` and ``CSVTable/labelIndices()``).
///
/// ```swift
/// let ecg = try CSVFile.read(from: url, options: CSVOptions(labelColumn: .last))
/// ```
///
/// Errors name the file, the line and column (and the column's header name), and what
/// to do, for example:
///
/// ```text
/// /data/ecg.csv, line 3: the row has 140 fields but the first row (line 1) has 141.
/// Give every row the same number of fields.
/// ```
public enum CSVFile {
    /// Reads the table in the file at `url` (decompressing `.gz` content, detected by its
    /// magic bytes).
    ///
    /// - Parameters:
    ///   - url: a `.csv`, `.tsv` or `.txt` file, optionally gzip-compressed.
    ///   - options: delimiter, header, label column, NaN policy and limits.
    /// - Returns: the features as a `[rows, features]` tensor, the labels as text.
    /// - Throws: ``DataError``: `.fileNotFound`, `.empty`, `.wrongFieldCount`,
    ///   `.nonNumeric`, `.nonFinite`, `.lineTooLong`, `.missingColumn`, `.corrupt`
    ///   (bad quoting or gzip), `.truncated`, `.tooLarge`.
    public static func read(from url: URL, options: CSVOptions = CSVOptions()) throws -> CSVTable {
        let name = DataError.name(of: url)
        let bytes = try boundedBytes(of: url, options: options)
        var options = options
        if let forced = options.delimiter {
            try checkForcedDelimiter(forced, bytes: bytes, file: name)
        } else {
            let preferred = defaultDelimiter(for: url)
            options.delimiter = sniffDelimiter(bytes, preferring: preferred) ?? preferred
        }
        return try parse(bytes, file: name, options: options)
    }

    /// The delimiter implied by a file name: tab for `.tsv` and `.tab` (also before
    /// `.gz`), comma otherwise.
    public static func defaultDelimiter(for url: URL) -> CSVOptions.Delimiter {
        var url = url
        if url.pathExtension.lowercased() == "gz" { url.deletePathExtension() }
        return ["tsv", "tab"].contains(url.pathExtension.lowercased()) ? .tab : .comma
    }

    /// Parses a table held in memory; `file` names it in errors. The delimiter defaults to
    /// comma.
    public static func parse(
        _ bytes: [UInt8], file: String, options: CSVOptions = CSVOptions()
    )
        throws -> CSVTable
    {
        let bytes = options.delimiter == .whitespace ? collapsingWhitespace(bytes) : bytes
        return try bytes.withUnsafeBufferPointer { buffer in
            var parser = CSVParser(
                buffer, file: file, options: options, delimiter: (options.delimiter ?? .comma).byte)
            return try parse(&parser)
        }
    }

    private static func parse(_ parser: inout CSVParser) throws -> CSVTable {
        let file = parser.file
        let options = parser.options
        guard let first = try parser.nextLine() else {
            throw DataError(
                .empty, file: file, message: "the file is empty (it has no non-blank lines)",
                remedy: "Give a file with one row of numbers per line.")
        }
        let firstFields = try parser.textFields(of: first)
        let columnCount = firstFields.count
        let labelIndex = try resolveLabelIndex(
            options.labelColumn, fields: firstFields, line: first, file: file)

        // Decide whether the first line is a header.
        let hasHeader: Bool
        switch options.header {
        case .present: hasHeader = true
        case .absent: hasHeader = false
        case .automatic:
            // Empty cells are missing data, not names: they do not make a header.
            let numeric = firstFields.map { $0.isEmpty || Float($0) != nil }
            if case .named = options.labelColumn {
                hasHeader = true
            } else if numeric.indices.contains(where: { !numeric[$0] && $0 != labelIndex }) {
                hasHeader = true
            } else if let labelIndex, !numeric[labelIndex] {
                // Only the label is text: a header if the next row's label is a number.
                let next = try parser.peekLine().map { try parser.textFields(of: $0) }
                hasHeader =
                    next.map { labelIndex < $0.count && Float($0[labelIndex]) != nil } ?? false
            } else {
                hasHeader = false
            }
        }
        let header: [String]? = hasHeader ? firstFields : nil
        var labelColumn = labelIndex
        if case .named(let name) = options.labelColumn {
            guard hasHeader, let found = firstFields.firstIndex(of: name) else {
                throw DataError(
                    .missingColumn, file: file, location: .line(first.number),
                    message: hasHeader
                        ? "no column is named \"\(printableCell(name))\"; the header has \(echoedValues(firstFields, quote: "\""))"
                        : "the label column is given by name (\"\(name)\") but the file has no header row",
                    remedy: "Check the column name, or give the label column by index.")
            }
            labelColumn = found
        }

        var values: [Float] = []
        var labels: [String] = []
        var lines: [Int] = []
        var skipped = 0
        var line: CSVParser.Line? = hasHeader ? try parser.nextLine() : first
        while let current = line {
            let rowStart = values.count
            let row = try parser.parseRow(
                current, columnCount: columnCount, labelIndex: labelColumn, names: header,
                into: &values)
            guard row.fieldCount == columnCount else {
                throw DataError(
                    .wrongFieldCount, file: file, location: .line(current.number),
                    message:
                        "the row has \(row.fieldCount) field\(row.fieldCount == 1 ? "" : "s") but the first row (line \(first.number)) has \(columnCount)",
                    remedy:
                        "Give every row the same number of fields (check the delimiter, and quote fields that contain it)."
                )
            }
            if row.hasNonFinite {
                values.removeSubrange(rowStart...)
                skipped += 1
            } else {
                if let label = row.label { labels.append(label) }
                lines.append(current.number)
            }
            line = try parser.nextLine()
        }
        guard !lines.isEmpty || skipped > 0 else {
            throw DataError(
                .empty, file: file, location: .line(first.number),
                message: "the file has a header row but no data rows",
                remedy: "Give a file with at least one row of numbers.")
        }
        let featureCount = columnCount - (labelColumn == nil ? 0 : 1)
        var featureNames = header
        var labelName: String? = nil
        if let labelColumn, header != nil { labelName = featureNames!.remove(at: labelColumn) }
        return CSVTable(
            features: Tensor(shape: [lines.count, featureCount], scalars: values),
            labels: labelColumn == nil ? nil : labels,
            featureNames: featureNames, labelName: labelName, labelColumnIndex: labelColumn,
            hasHeader: hasHeader, headerWasInferred: options.header == .automatic,
            skippedRowCount: skipped, source: file, lineNumbers: lines)
    }

    /// The zero-based label column for `.first`, `.last` and `.index`; `nil` for no label
    /// column and for `.named` (resolved once the header is known).
    private static func resolveLabelIndex(
        _ column: CSVOptions.LabelColumn?, fields: [String], line: CSVParser.Line, file: String
    ) throws -> Int? {
        switch column {
        case nil, .named: return nil
        case .first: return 0
        case .last: return fields.count - 1
        case .index(let given):
            let i = given < 0 ? fields.count + given : given
            guard i >= 0 && i < fields.count else {
                throw DataError(
                    .missingColumn, file: file, location: .line(line.number),
                    message:
                        "label column index \(given) is out of range: the first row has \(fields.count) fields (indices 0...\(fields.count - 1))",
                    remedy: "Give a zero-based index below \(fields.count), or use .first or .last."
                )
            }
            return i
        }
    }
}
