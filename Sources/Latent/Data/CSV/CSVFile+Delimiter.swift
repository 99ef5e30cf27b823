/// Finding a text table's delimiter from its first lines, and refusing a forced delimiter
/// that leaves every line one field when another one splits them.
///
/// A tab- or semicolon-separated file read with commas is one text column per row; without
/// this check it fails far from the cause (a whole row quoted as a label, "0 features").
extension CSVFile {
    /// How many lines are looked at, and at most how many bytes of them.
    static let sniffedLines = 20
    static let sniffedBytes = 1 << 16

    /// The delimiter that splits every one of the first 20 non-blank lines of `bytes` into
    /// the same number of fields, more than one: `preferred` first, then comma, tab,
    /// semicolon and runs of spaces (``CSVOptions/Delimiter/whitespace``); `nil` when none
    /// does (a one-column file, or ragged lines).
    ///
    /// A header line counts like the others; quoted fields are skipped over, so a quoted
    /// `"a,b"` is one field.
    public static func sniffDelimiter(
        _ bytes: [UInt8], preferring preferred: CSVOptions.Delimiter? = nil,
        allowingWhitespace: Bool = true
    ) -> CSVOptions.Delimiter? {
        let lines = firstLines(bytes)
        guard !lines.isEmpty else { return nil }
        var candidates: [CSVOptions.Delimiter] = [.comma, .tab, .semicolon]
        if allowingWhitespace { candidates.append(.whitespace) }
        if let preferred {
            candidates.removeAll { $0 == preferred }
            candidates.insert(preferred, at: 0)
        }
        for candidate in candidates {
            let counts = Set(lines.map { fieldCount($0, candidate) })
            if counts.count == 1, counts.first! > 1 { return candidate }
        }
        return nil
    }

    /// Throws when `delimiter` leaves every sniffed line one field but comma, tab or
    /// semicolon splits them all alike: the file was read with the wrong delimiter. (Spaces
    /// are not taken as that evidence: a one-column file of text labels has them.)
    static func checkForcedDelimiter(
        _ delimiter: CSVOptions.Delimiter, bytes: [UInt8], file: String
    ) throws {
        let lines = firstLines(bytes)
        guard !lines.isEmpty, lines.allSatisfy({ fieldCount($0, delimiter) == 1 }),
            let other = sniffDelimiter(bytes, allowingWhitespace: false), other != delimiter
        else { return }
        let fields = fieldCount(lines[0], other)
        throw DataError(
            .wrongFieldCount, file: file, location: .line(1),
            message:
                "every line is one field when split at \(delimiter.name) but \(fields) fields when split at \(other.name): the file looks \(other.adjective)-separated",
            remedy: "Read it with the \(other.name) delimiter.")
    }

    /// Up to ``sniffedLines`` non-blank lines from the first ``sniffedBytes`` bytes (the last
    /// one only if it ends there, so a cut line cannot look ragged).
    static func firstLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        let window = bytes.prefix(sniffedBytes)
        var lines: [ArraySlice<UInt8>] = []
        var start = window.startIndex
        while start < window.endIndex, lines.count < sniffedLines {
            guard let newline = window[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                if window.endIndex == bytes.endIndex { lines.append(window[start...]) }
                break
            }
            lines.append(window[start..<newline])
            start = newline + 1
        }
        return lines.compactMap { line in
            var line = line
            while let last = line.last, last == UInt8(ascii: "\r") || isBlank(last) { line.removeLast() }
            while let first = line.first, isBlank(first) { line.removeFirst() }
            return line.isEmpty ? nil : line
        }
    }

    /// The fields of `line` split at `delimiter`, outside double quotes.
    static func fieldCount(_ line: ArraySlice<UInt8>, _ delimiter: CSVOptions.Delimiter) -> Int {
        var count = 1
        var quoted = false
        var inBlankRun = false
        for byte in line {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if quoted { continue }
            if delimiter == .whitespace {
                if isBlank(byte) {
                    if !inBlankRun { count += 1 }
                    inBlankRun = true
                } else {
                    inBlankRun = false
                }
            } else if byte == delimiter.byte {
                count += 1
            }
        }
        return count
    }

    /// `bytes` with each line's leading and trailing spaces and tabs removed and every run
    /// of them inside a line turned into one tab, so the tab parser reads a
    /// whitespace-separated file (as the UCR archive's `.txt` files are written).
    static func collapsingWhitespace(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pendingSeparator = false
        var atLineStart = true
        for byte in bytes {
            if isBlank(byte) {
                if !atLineStart { pendingSeparator = true }
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                pendingSeparator = false
                atLineStart = true
                out.append(byte)
            } else {
                if pendingSeparator { out.append(UInt8(ascii: "\t")) }
                pendingSeparator = false
                atLineStart = false
                out.append(byte)
            }
        }
        return out
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }
}

extension CSVOptions.Delimiter {
    /// How messages name the delimiter: "commas", "tabs", "semicolons", "spaces".
    var name: String {
        switch self {
        case .comma: "commas"
        case .tab: "tabs"
        case .semicolon: "semicolons"
        case .whitespace: "spaces"
        case .byte(let b): "'\(Character(Unicode.Scalar(b)))'"
        }
    }

    /// "comma", "tab", "semicolon", "whitespace".
    var adjective: String {
        switch self {
        case .comma: "comma"
        case .tab: "tab"
        case .semicolon: "semicolon"
        case .whitespace: "whitespace"
        case .byte(let b): "'\(Character(Unicode.Scalar(b)))'"
        }
    }
}
