import Foundation

/// The byte-level CSV scanner behind ``CSVFile``: splits lines with `memchr`, parses
/// feature cells in place with ``DecimalParser`` (no `String` per cell), and keeps the
/// line and column of everything for error messages.
///
/// Lines end in `\n` or `\r\n`; blank lines are skipped; a UTF-8 byte-order mark is
/// ignored. Quoted fields (`"…"`, with `""` for a quote) are supported within one line.
struct CSVParser {
    let file: String
    let options: CSVOptions
    let delimiter: UInt8
    private let start: UnsafePointer<UInt8>
    private let end: UnsafePointer<UInt8>
    private var position: UnsafePointer<UInt8>
    private var lineNumber = 0

    /// A line's content (without its terminator) and its one-based number.
    struct Line {
        var start: UnsafePointer<UInt8>
        var end: UnsafePointer<UInt8>
        var number: Int
    }

    init(_ buffer: UnsafeBufferPointer<UInt8>, file: String, options: CSVOptions, delimiter: UInt8) {
        precondition(
            delimiter < 0x80 && !Array("0123456789.+-eE\"\r\n ".utf8).contains(delimiter),
            "The CSV delimiter must be an ASCII byte that cannot appear in a number, a quote or a line end."
        )
        self.file = file
        self.options = options
        self.delimiter = delimiter
        start = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
        end = start + buffer.count
        position = start
        if buffer.count >= 3, start[0] == 0xEF, start[1] == 0xBB, start[2] == 0xBF { position += 3 }
    }

    // MARK: Lines

    /// The next non-blank line, or `nil` at the end of the data.
    mutating func nextLine() throws -> Line? {
        while position < end {
            lineNumber += 1
            let remaining = end - position
            let window = min(remaining, options.maximumLineLength + 1)
            let newline = memchr(position, Int32(UInt8(ascii: "\n")), window)
                .map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) }
            if newline == nil && remaining > options.maximumLineLength {
                throw DataError(
                    .lineTooLong, file: file, location: .line(lineNumber),
                    message:
                        "the line is longer than the limit of \(options.maximumLineLength) bytes",
                    remedy:
                        "Check that this is a text table with one row per line, or raise CSVOptions.maximumLineLength."
                )
            }
            var lineEnd = newline ?? end
            let lineStart = position
            position = newline.map { $0 + 1 } ?? end
            if lineEnd > lineStart && (lineEnd - 1).pointee == UInt8(ascii: "\r") { lineEnd -= 1 }
            var p = lineStart
            while p < lineEnd && isPadding(p.pointee) { p += 1 }
            if p < lineEnd { return Line(start: lineStart, end: lineEnd, number: lineNumber) }
        }
        return nil
    }

    /// Looks at the next non-blank line without consuming it.
    mutating func peekLine() throws -> Line? {
        let (savedPosition, savedLine) = (position, lineNumber)
        defer { (position, lineNumber) = (savedPosition, savedLine) }
        return try nextLine()
    }

    // MARK: Fields as text

    @inline(__always)
    func isPadding(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || (b == UInt8(ascii: "\t") && delimiter != UInt8(ascii: "\t"))
    }

    /// The field starting at `p`, trimmed and unquoted, and the position of the delimiter
    /// or line end after it.
    func textField(
        at p: UnsafePointer<UInt8>, in line: Line, column: Int
    )
        throws -> (String, UnsafePointer<UInt8>)
    {
        var p = p
        while p < line.end && isPadding(p.pointee) { p += 1 }
        if p < line.end && p.pointee == UInt8(ascii: "\"") {
            var bytes: [UInt8] = []
            p += 1
            while true {
                guard p < line.end else {
                    throw DataError(
                        .corrupt, file: file,
                        location: .cell(line: line.number, column: column + 1, name: nil),
                        message: "the quoted field is not closed on this line",
                        remedy: "Close the quote; fields spanning several lines are not supported.")
                }
                if p.pointee == UInt8(ascii: "\"") {
                    if p + 1 < line.end && (p + 1).pointee == UInt8(ascii: "\"") {
                        bytes.append(UInt8(ascii: "\""))
                        p += 2
                        continue
                    }
                    p += 1
                    break
                }
                bytes.append(p.pointee)
                p += 1
            }
            while p < line.end && isPadding(p.pointee) { p += 1 }
            guard p == line.end || p.pointee == delimiter else {
                throw DataError(
                    .corrupt, file: file,
                    location: .cell(line: line.number, column: column + 1, name: nil),
                    message: "text follows the closing quote of the field",
                    remedy: "Put the whole field inside the quotes.")
            }
            return (String(decoding: bytes, as: UTF8.self), p)
        }
        let fieldStart = p
        while p < line.end && p.pointee != delimiter { p += 1 }
        var fieldEnd = p
        while fieldEnd > fieldStart && isPadding((fieldEnd - 1).pointee) { fieldEnd -= 1 }
        return (
            String(
                decoding: UnsafeBufferPointer(start: fieldStart, count: fieldEnd - fieldStart),
                as: UTF8.self), p
        )
    }

    /// All fields of a line as text.
    func textFields(of line: Line) throws -> [String] {
        var fields: [String] = []
        var p = line.start
        while true {
            let (text, next) = try textField(at: p, in: line, column: fields.count)
            fields.append(text)
            if next == line.end { return fields }
            p = next + 1
        }
    }

    // MARK: Numeric rows

    /// What a row parse found.
    struct RowResult {
        var fieldCount: Int
        var label: String?
        var hasNonFinite: Bool
    }

    /// Parses a data row, appending its `columnCount - (label ? 1 : 0)` feature values to
    /// `values`. Stops early (returning the fields seen) once the row has too many fields.
    func parseRow(
        _ line: Line, columnCount: Int, labelIndex: Int?, names: [String]?,
        into values: inout [Float]
    ) throws -> RowResult {
        var result = RowResult(fieldCount: 0, label: nil, hasNonFinite: false)
        var p = line.start
        var column = 0
        while true {
            if column >= columnCount { break }
            if column == labelIndex {
                let (text, next) = try textField(at: p, in: line, column: column)
                result.label = text
                p = next
            } else {
                var q = p
                while q < line.end && isPadding(q.pointee) { q += 1 }
                var parsed: Float? = nil
                if case .value(let v, let after) = DecimalParser.parse(q, line.end) {
                    var r = after
                    while r < line.end && isPadding(r.pointee) { r += 1 }
                    if r == line.end || r.pointee == delimiter {
                        parsed = v
                        p = r
                    }
                }
                if parsed == nil {
                    let (text, next) = try textField(at: p, in: line, column: column)
                    guard let v = Float(text) else {
                        throw cellError(
                            .nonNumeric, line, column, names,
                            text.isEmpty ? "the cell is empty" : "cell \(quotedCell(text)) is not a number",
                            "Fix the cell, or choose this column as the label column.")
                    }
                    if !v.isFinite {
                        if options.nonFiniteValues == .reject {
                            throw cellError(
                                .nonFinite, line, column, names,
                                "cell \(quotedCell(text)) is not a finite number (\(v.isNaN ? "NaN" : "infinite, or beyond the Float range"))",
                                "Fix the cell, or read with CSVOptions.nonFiniteValues = .skipRow to leave such rows out."
                            )
                        }
                        result.hasNonFinite = true
                    }
                    parsed = v
                    p = next
                }
                values.append(parsed!)
            }
            column += 1
            if p == line.end { break }
            p += 1
        }
        result.fieldCount = column
        if p != line.end {
            // More fields than expected: count them all for the message.
            result.fieldCount = try textFields(of: line).count
        }
        return result
    }

    func cellError(
        _ kind: DataError.Kind, _ line: Line, _ column: Int, _ names: [String]?, _ message: String,
        _ remedy: String
    ) -> DataError {
        // A header name comes from the file too: shortened and escaped like a cell.
        let name = names.flatMap { column < $0.count ? printableCell($0[column]) : nil }
        return DataError(
            kind, file: file, location: .cell(line: line.number, column: column + 1, name: name),
            message: message, remedy: remedy)
    }
}
