/// Values from a file listed in a message: at most `limit` of them, each cut to `width`
/// characters and escaped like a cell, then ", … (N in all)".
///
/// A message that lists a column's labels or a header's names must stay a line long even
/// when the file was read with the wrong delimiter and every "label" is a whole row.
func echoedValues(
    _ values: [String], limit: Int = 10, width: Int = 40, quote: String = "'"
) -> String {
    let shown = values.prefix(limit).map { quote + printableCell($0, limit: width) + quote }
    return shown.joined(separator: ", ")
        + (values.count > limit ? ", … (\(values.count) in all)" : "")
}
