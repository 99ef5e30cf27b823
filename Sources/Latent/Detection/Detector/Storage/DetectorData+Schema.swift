import Foundation

extension DetectorData {
    /// Reads rows to score with a detector of `schema`, finding the label column the way
    /// the training file had it when none is given.
    ///
    /// Without `labelColumn`, the file is read with the format's default (none for csv,
    /// column 0 for tsv); if that leaves a different feature count from the schema, it is
    /// read again with the training file's label column (or with none), so a file laid out
    /// like the training file scores without extra flags.
    ///
    /// - Throws: ``DataError`` for bad input; ``DetectorError/schemaMismatch(source:message:)``
    ///   when no reading gives the schema's feature count.
    public static func read(
        _ url: URL, for schema: DetectorSchema, format: Format? = nil,
        labelColumn: LabelColumn? = nil, header: CSVOptions.Header = .automatic,
        labelsFile: URL? = nil, skippingNonFiniteRows: Bool = false,
        arrayKeys: ArrayKeys = ArrayKeys()
    ) throws -> DetectorData {
        func attempt(_ column: LabelColumn?) throws -> DetectorData {
            try read(
                url, format: format, labelColumn: column, header: header, labelsFile: labelsFile,
                skippingNonFiniteRows: skippingNonFiniteRows, arrayKeys: arrayKeys)
        }
        guard labelColumn == nil else {
            let data = try attempt(labelColumn)
            try schema.check(data.features, source: data.source)
            return data
        }
        // The format's default first, then the training file's layout, then no label.
        var candidates: [LabelColumn?] = [nil]
        if let index = schema.labelColumnIndex { candidates.append(.index(index)) }
        if let name = schema.labelName { candidates.append(.name(name)) }
        candidates.append(LabelColumn.none)
        var firstError: Error?
        var firstRead: DetectorData?
        for column in candidates {
            do {
                let data = try attempt(column)
                if data.featureCount == schema.featureCount { return data }
                if firstRead == nil { firstRead = data }
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstRead {
            if firstRead.labels == nil, firstRead.featureCount == schema.featureCount + 1 {
                // The commonest cause: a label column the detector never had.
                throw DetectorError.schemaMismatch(
                    source: firstRead.source,
                    message: "the rows have \(schema.featureCount + 1) columns, one more than the "
                        + "\(schema.featureCount) features the detector was fitted on; if one "
                        + "column is a label, give it with --label-column first, last or its index")
            }
            try schema.check(firstRead.features, source: firstRead.source)
        }
        throw firstError
            ?? DetectorError.schemaMismatch(source: url.path, message: "no rows could be read")
    }

    /// Values per row.
    public var featureCount: Int { features.shape.dropFirst().reduce(1, *) }
}
