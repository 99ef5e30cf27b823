import Latent

/// Parses `input` as a table with the given delimiter. The first byte picks the other
/// options (label column, header policy, NaN policy, a small line limit) so that every
/// branch of the reader is reachable; the rest is the file.
func fuzzTable(_ input: [UInt8], delimiter: CSVOptions.Delimiter, file: String) {
    guard let selector = input.first else { return }
    let labelColumns: [CSVOptions.LabelColumn?] = [nil, .first, .last, .index(1), .named("label")]
    let headers: [CSVOptions.Header] = [.automatic, .present, .absent]
    let options = CSVOptions(
        delimiter: delimiter,
        header: headers[Int(selector >> 3 & 0x3) % headers.count],
        labelColumn: labelColumns[Int(selector & 0x7) % labelColumns.count],
        nonFiniteValues: selector & 0x20 == 0 ? .reject : .skipRow,
        maximumLineLength: selector & 0x40 == 0 ? 16 << 20 : 64)
    refusalMustBeClear(file: file) {
        let table = try CSVFile.parse(Array(input.dropFirst()), file: file, options: options)
        precondition(table.features.shape.count == 2, "a table's features are not 2-D")
        touch(table.features.scalars, shape: table.features.shape)
        if let labels = table.labels {
            precondition(labels.count == table.rowCount, "labels and rows disagree")
        }
        blackHole(table.summary)
        if let v = try? table.numericLabels() { blackHole(v) }
        if let v = try? table.integerLabels() { blackHole(v) }
        if let v = try? table.labelIndices() { blackHole(v) }
    }
}
