import Foundation

/// How the lines of a signal text file split into channels: the delimiter, whether the
/// first line is a header, and which fields are channels.
///
/// Detected from the first lines: the delimiter is `;`, a tab, `,` or runs of spaces (in
/// that order of preference); the first line is a header when one of its fields is not a
/// number; fields that are not numbers in the first data line (a timestamp) are skipped;
/// the label column and any ignored columns are not channels either. A one-column file
/// without a header — the UCR archive's layout — is one channel named `x0`.
public struct SignalTextFormat: Sendable, Equatable {
    /// The field separator; `nil` splits on runs of spaces.
    public var delimiter: Character?
    /// Whether line 1 is a header.
    public var hasHeader: Bool
    /// Every field's name (the header's, or `x0`, `x1`, …).
    public var fieldNames: [String]
    /// The fields that are channels, in order.
    public var channelFields: [Int]
    /// The label field, if one was asked for.
    public var labelField: Int?

    /// The channel names.
    public var channelNames: [String] { channelFields.map { fieldNames[$0] } }

    /// Detects the format from the first two lines of a file.
    ///
    /// - Parameters:
    ///   - firstLines: the first line and, when there is one, the second.
    ///   - labelColumn: a field name or zero-based index holding 0/1 labels, or `nil`.
    ///   - ignoredColumns: names or indices of fields that are neither channels nor labels.
    ///   - file: the name used in errors.
    /// - Throws: ``DataError`` when the label or an ignored column does not exist or no
    ///   field is numeric.
    public static func detect(
        firstLines: [Substring], labelColumn: String?, ignoredColumns: [String] = [],
        file: String
    ) throws -> SignalTextFormat {
        guard let first = firstLines.first else {
            throw DataError(
                .empty, file: file, message: "the file holds no rows",
                remedy: "Give a file with one time step per line.")
        }
        let delimiter: Character? = [";", "\t", ","].first { first.contains($0) }
        let header = split(first, delimiter).contains { Float(trim($0)) == nil }
        let firstData = header ? (firstLines.count > 1 ? firstLines[1] : nil) : first
        let width = split(first, delimiter).count
        let names =
            header
            ? split(first, delimiter).map { String(trim($0)) } : (0..<width).map { "x\($0)" }
        func field(_ spec: String, _ what: String) throws -> Int {
            if let i = names.firstIndex(of: spec) { return i }
            if let i = Int(spec), i >= 0, i < width { return i }
            throw DataError(
                .missingColumn, file: file,
                message: "there is no \(what) column '\(spec)' (columns: \(names.joined(separator: ", ")))",
                remedy: "Give a header name or a zero-based index.")
        }
        let label = try labelColumn.map { try field($0, "label") }
        let ignored = Set(try ignoredColumns.map { try field($0, "ignored") })
        let dataFields = firstData.map { split($0, delimiter) } ?? []
        let channels = (0..<width).filter { i in
            i != label && !ignored.contains(i)
                && (i >= dataFields.count || Float(trim(dataFields[i])) != nil)
        }
        guard !channels.isEmpty else {
            throw DataError(
                .nonNumeric, file: file, location: .line(header ? 2 : 1),
                message: "no field of the first data line is a number",
                remedy: "Give a file with at least one numeric column.")
        }
        return SignalTextFormat(
            delimiter: delimiter, hasHeader: header, fieldNames: names, channelFields: channels,
            labelField: label)
    }

    /// Parses one data line into `channels` values and the label (0/1, when asked for).
    /// - Throws: ``DataError`` naming the line and field when a field is missing or is
    ///   not a finite number.
    public func parse(
        _ line: Substring, lineNumber: Int, file: String, into row: inout [Float]
    )
        throws -> Bool?
    {
        let fields = Self.split(line, delimiter)
        guard fields.count == fieldNames.count else {
            throw DataError(
                .wrongFieldCount, file: file, location: .line(lineNumber),
                message: "the line has \(fields.count) fields, the first line \(fieldNames.count)",
                remedy: "Every line needs the same fields.")
        }
        row.removeAll(keepingCapacity: true)
        for i in channelFields {
            guard let v = Float(Self.trim(fields[i])), v.isFinite else {
                throw DataError(
                    .nonNumeric, file: file,
                    location: .cell(line: lineNumber, column: i + 1, name: fieldNames[i]),
                    message: "\"\(Self.trim(fields[i]))\" is not a finite number",
                    remedy: "Fix or remove the line.")
            }
            row.append(v)
        }
        guard let labelField else { return nil }
        guard let l = Double(Self.trim(fields[labelField])), l == 0 || l == 1 else {
            throw DataError(
                .nonNumeric, file: file,
                location: .cell(
                    line: lineNumber, column: labelField + 1,
                    name: fieldNames[labelField]),
                message: "the label \"\(Self.trim(fields[labelField]))\" is not 0 or 1",
                remedy: "Labels must be 0 (normal) or 1 (anomalous).")
        }
        return l == 1
    }

    /// Whether a line holds nothing but spaces (skipped).
    public static func isBlank(_ line: String) -> Bool { trim(Substring(line)).isEmpty }

    static func split(_ line: Substring, _ delimiter: Character?) -> [Substring] {
        if let delimiter { return line.split(separator: delimiter, omittingEmptySubsequences: false) }
        return line.split(whereSeparator: { $0 == " " })
    }

    static func trim(_ s: Substring) -> Substring {
        var s = s
        while let c = s.first, c == " " || c == "\r" || c == "\"" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\r" || c == "\"" { s = s.dropLast() }
        return s
    }
}
