/// A cell quoted for an error message, cut to its first 40 characters: a message names
/// the bad cell, but must not copy a 16 MB cell (a file of one endless line) into every
/// error record and log line.
func quotedCell(_ text: String, limit: Int = 40) -> String {
    "\"\(printableCell(text, limit: limit))\"" + (text.count > limit ? " (\(text.utf8.count) bytes)" : "")
}

/// `text` cut to `limit` characters (with "…") and with control characters escaped
/// (`\u{1B}`), so binary garbage read as a cell or a header name cannot write terminal
/// control sequences into a message.
func printableCell(_ text: String, limit: Int = 40) -> String {
    let cut = text.count > limit ? text.prefix(limit) + "…" : Substring(text)
    var out = ""
    for scalar in cut.unicodeScalars {
        if scalar.properties.generalCategory == .control || scalar == "\u{FFFD}" {
            out += scalar.escaped(asASCII: true)
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}
