/// A cell quoted for an error message, cut to its first 40 characters: a message names
/// the bad cell, but must not copy a 16 MB cell (a file of one endless line) into every
/// error record and log line.
func quotedCell(_ text: String, limit: Int = 40) -> String {
    guard text.count > limit else { return "\"\(text)\"" }
    return "\"\(text.prefix(limit))…\" (\(text.utf8.count) bytes)"
}
