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
        labelsFile: URL? = nil
    ) throws -> DetectorData {
        let first = try read(url, format: format, labelColumn: labelColumn, header: header,
                             labelsFile: labelsFile)
        if labelColumn != nil || first.featureCount == schema.featureCount { return first }
        var alternatives: [LabelColumn] = [.none]
        if let name = schema.labelName { alternatives.insert(.name(name), at: 0) }
        if let index = schema.labelColumnIndex { alternatives.insert(.index(index), at: 0) }
        for alternative in alternatives where alternative != .index(first.labelColumnIndex ?? -1) {
            if alternative == .none && first.labelColumnIndex == nil { continue }
            if let data = try? read(url, format: format, labelColumn: alternative, header: header,
                                    labelsFile: labelsFile),
                data.featureCount == schema.featureCount
            {
                return data
            }
        }
        try schema.check(first.features, source: first.source)
        return first
    }

    /// Values per row.
    public var featureCount: Int { features.shape.dropFirst().reduce(1, *) }
}
