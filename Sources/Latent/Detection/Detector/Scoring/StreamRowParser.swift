import Foundation

/// Parses one streamed input line into a detector's feature values: a CSV/TSV row, or an
/// NDJSON record (`[0.1, 0.2, …]`, `{"features": […]}`, or `{"column name": value, …}`
/// with the schema's column names).
///
/// A row with one field more than the schema has, when the training file had a label
/// column at that position, has the label dropped. Errors are messages naming the
/// column, for the error record of that line.
struct StreamRowParser {
    let schema: DetectorSchema
    /// The CSV delimiter; `nil` detects it per line (tab when the line has a tab and no comma).
    let delimiter: UInt8?

    /// A line that could not be read.
    struct LineError: Error {
        var message: String
    }

    /// Whether a line looks like a CSV header: some field is non-empty text that is not a number.
    func looksLikeHeader(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = line.first(where: { $0 != UInt8(ascii: " ") }),
            first != UInt8(ascii: "["), first != UInt8(ascii: "{")
        else { return false }
        let text = String(decoding: line, as: UTF8.self)
        let separator: Character =
            delimiter == UInt8(ascii: "\t")
                || (delimiter == nil && text.contains("\t") && !text.contains(",")) ? "\t" : ","
        return text.split(separator: separator, omittingEmptySubsequences: false).contains {
            let field = $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(
                in: CharacterSet(charactersIn: "\""))
            return !field.isEmpty && Float(field) == nil
        }
    }

    /// Appends the line's `featureCount` values to `values`.
    /// - Throws: ``LineError`` saying what is wrong (and where), leaving `values` unchanged.
    func parse(_ line: UnsafeBufferPointer<UInt8>, into values: inout [Float]) throws {
        let start = values.count
        do {
            var i = 0
            while i < line.count && (line[i] == UInt8(ascii: " ") || line[i] == UInt8(ascii: "\t")) { i += 1 }
            if i < line.count && (line[i] == UInt8(ascii: "[") || line[i] == UInt8(ascii: "{")) {
                try parseJSON(line, into: &values)
            } else {
                try parseDelimited(line, into: &values)
            }
            try fit(&values, from: start)
        } catch {
            values.removeSubrange(start...)
            throw error
        }
    }

    /// Checks the count, dropping a label field where the training file had one.
    private func fit(_ values: inout [Float], from start: Int) throws {
        let count = values.count - start
        let d = schema.featureCount
        if count == d { return }
        if count == d + 1, let label = schema.labelColumnIndex, label <= d {
            values.remove(at: start + label)
            return
        }
        throw LineError(
            message: "the row has \(count) values but the detector takes \(d)"
                + (schema.labelColumnIndex.map { " (or \(d + 1) with the label in column \($0))" }
                    ?? ""))
    }

    private func parseDelimited(
        _ line: UnsafeBufferPointer<UInt8>, into values: inout [Float]
    )
        throws
    {
        guard let base = line.baseAddress else { return }
        let end = base + line.count
        let separator = delimiter ?? detectDelimiter(line)
        // A row one field wider than the schema carries the training file's label column:
        // skip that field (it may be text) rather than parse it.
        let fieldCount = 1 + line.reduce(0) { $0 + ($1 == separator ? 1 : 0) }
        let skipped =
            fieldCount == schema.featureCount + 1 ? schema.labelColumnIndex.map { $0 + 1 } : nil
        var p = base
        var column = 1
        while true {
            if column == skipped {
                while p < end && p.pointee != separator { p += 1 }
                if p == end { break }
                p += 1
                column += 1
                continue
            }
            while p < end && p.pointee == UInt8(ascii: " ") { p += 1 }
            var fieldEnd = p
            while fieldEnd < end && fieldEnd.pointee != separator { fieldEnd += 1 }
            var trimmed = fieldEnd
            while trimmed > p && (trimmed - 1).pointee == UInt8(ascii: " ") { trimmed -= 1 }
            if case .value(let v, let after) = DecimalParser.parse(p, trimmed), after == trimmed {
                values.append(v)
            } else {
                let text = String(
                    decoding: UnsafeBufferPointer(start: p, count: trimmed - p), as: UTF8.self
                )
                .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                try values.append(number(text, column: column, skipped: skipped))
            }
            if fieldEnd == end { break }
            p = fieldEnd + 1
            column += 1
        }
    }

    private func detectDelimiter(_ line: UnsafeBufferPointer<UInt8>) -> UInt8 {
        line.contains(UInt8(ascii: ",")) || !line.contains(UInt8(ascii: "\t"))
            ? UInt8(ascii: ",") : UInt8(ascii: "\t")
    }

    /// A finite number, or an error naming the column (and its header name).
    private func number(_ text: String, column: Int, skipped: Int?) throws -> Float {
        let feature = column - 1 - (skipped.map { $0 < column ? 1 : 0 } ?? 0)
        let name =
            schema.featureNames.flatMap { feature < $0.count ? " (\"\($0[feature])\")" : nil } ?? ""
        guard !text.isEmpty else {
            throw LineError(message: "column \(column)\(name): the cell is empty")
        }
        guard let v = Float(text) else {
            throw LineError(message: "column \(column)\(name): cell \(quotedCell(text)) is not a number")
        }
        guard v.isFinite else {
            throw LineError(
                message: "column \(column)\(name): cell \(quotedCell(text)) is not a finite number")
        }
        return v
    }

    // JSONDecoder rather than JSONSerialization: on Linux an NSNumber 0 or 1 also casts
    // to Bool, so true/false could not be told from numbers.
    private func parseJSON(_ line: UnsafeBufferPointer<UInt8>, into values: inout [Float]) throws {
        let object: JSONValue
        do {
            object = try JSONDecoder().decode(JSONValue.self, from: Data(line))
        } catch {
            throw LineError(message: "the line is not valid JSON")
        }
        func number(_ value: JSONValue, _ what: @autoclosure () -> String) throws -> Float {
            guard case .number(let n) = value, Float(n).isFinite else {
                throw LineError(message: "\(what()) is not a finite number")
            }
            return Float(n)
        }
        switch object {
        case .array(let items):
            for (k, item) in items.enumerated() { values.append(try number(item, "element \(k + 1)")) }
        case .object(let record):
            if case .array(let items)? = record["features"] {
                for (k, item) in items.enumerated() {
                    values.append(try number(item, "features element \(k + 1)"))
                }
            } else if let names = schema.featureNames {
                for name in names {
                    guard let value = record[name] else {
                        throw LineError(message: "the record has no field \"\(name)\"")
                    }
                    values.append(try number(value, "field \"\(name)\""))
                }
            } else {
                throw LineError(
                    message: "a JSON object needs a \"features\" array (the detector has no column names)")
            }
        default:
            throw LineError(message: "expected a JSON array of numbers or an object")
        }
    }
}
